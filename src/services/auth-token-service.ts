// AUTHTOKEN: login tokens for web users, single-use (ONCE) or valid until a
// moment. Only a SHA-256 hash is stored; a new token replaces the previous one.
import type { TokenValidity } from '../domain/index.ts';
import { PbxError, digestsEqual, formatDateTime, newToken, parseDateBound, sha256Hex, type Clock } from '../shared/index.ts';
import type { Store } from '../store/index.ts';

export class AuthTokenService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** `ONCE` (any case) or `YYYY-MM-DD[ HH:MM[:SS]]` (UTC; a bare date lasts the whole day). */
  parseValidity(text: string): TokenValidity {
    if (text.trim().toUpperCase() === 'ONCE') return { kind: 'once' };
    const until = parseDateBound('validity', text, 'end');
    if (until <= formatDateTime(this.clock.now())) {
      throw new PbxError('invalid_parameter', `Invalid validity '${text}': the moment has already passed`);
    }
    return { kind: 'until', until };
  }

  async generate(userId: number, validity: TokenValidity): Promise<string> {
    const token = newToken();
    await this.store.authTokens.put({
      at_us_id: userId,
      at_hash: sha256Hex(token),
      at_once: validity.kind === 'once' ? 1 : 0,
      at_validuntil: validity.kind === 'until' ? validity.until : null,
      at_created: formatDateTime(this.clock.now()),
    });
    return token;
  }

  async reset(userId: number): Promise<boolean> {
    return this.store.authTokens.delete(userId);
  }

  /** True when `presented` is the user's valid token; a ONCE token is spent by this. */
  async consume(userId: number, presented: string): Promise<boolean> {
    const token = await this.store.authTokens.get(userId);
    if (!token || !digestsEqual(token.at_hash, sha256Hex(presented))) return false;
    if (token.at_validuntil !== null && token.at_validuntil < formatDateTime(this.clock.now())) return false;
    // Deleting is the claim: of two concurrent logins with one ONCE token, one wins.
    if (token.at_once === 1) return this.store.authTokens.delete(userId);
    return true;
  }
}
