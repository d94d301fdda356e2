// Authentication of a REGISTER (RFC 3261 §10.3 step 3, §22.4): picks the credentials for our realm, verifies
// them with the stack's DigestAuthenticator against the account directory, and says what to answer and whether a
// failure may count against the source (only an answer to a fresh nonce we sent to that very address may).
import { digestRefusalPhrase, type DigestAuthenticator, type SipRequest } from '../../sip/index.ts';
import type { SipAccount, SipAccountDirectory } from './ports.ts';

export type AuthOutcome =
  | { readonly kind: 'ok'; readonly account: SipAccount; readonly username: string }
  /**
   * No credentials for our realm (a first REGISTER), or an answer to a nonce that cannot be used (not ours, expired,
   * sent to another address): challenge again, count nothing.
   */
  | { readonly kind: 'challenge'; readonly stale: boolean }
  /**
   * A failed answer to a fresh challenge we sent to this source: counted against it. `phrase` is the reason phrase
   * of the 400 a malformed answer gets (what was wrong, e.g. "Digest uri does not match").
   */
  | { readonly kind: 'failed'; readonly reason: 'wrong-credentials' | 'malformed'; readonly username: string | undefined; readonly phrase: string };

export interface AuthContext {
  readonly authenticator: DigestAuthenticator;
  readonly accounts: SipAccountDirectory;
  /** The realm we challenge in for this request. */
  readonly realm: string;
  /** The AOR's domain: where the directory looks the username up. */
  readonly domain: string;
  /** Where the answer to the challenge is: Authorization after a 401 (REGISTER), Proxy-Authorization after a 407 (INVITE). */
  readonly header?: 'authorization' | 'proxy-authorization';
  /**
   * The request's source address. Given, only nonces challenged to this address (`challenge(realm, { source })`)
   * are usable, so a failure cannot be forged from another address. Without it any fresh nonce of ours is usable.
   */
  readonly source?: string;
}

// Never sent as a 400: a wrong password is answered with a fresh challenge (so no one learns which part was wrong).
const WRONG = 'Unauthorized';

export async function authenticateRegister(request: SipRequest, context: AuthContext): Promise<AuthOutcome> {
  const authorization = credentialsFor(request.headers.getAll(context.header ?? 'authorization'), context.realm);
  // §22.3: credentials for other realms (another hop's) are not an answer to our challenge.
  if (authorization === undefined) return { kind: 'challenge', stale: false };

  // The account is caught inside the lookup, so the directory is asked only with a well-formed answer (once, or
  // twice when the digest did not match; an unknown user and a wrong password still take the same path).
  let account: SipAccount | undefined;
  const verify = (fresh: boolean) =>
    context.authenticator.verify({
      authorization,
      method: request.method,
      requestUri: request.uri,
      realm: context.realm,
      ...(context.source === undefined ? {} : { source: context.source }),
      lookup: async (username, realm) => {
        const found = await context.accounts.findByUsername(username, context.domain, fresh);
        // An account bound to another realm is, for this realm, no account: the same answer as an unknown user.
        account = found === undefined || (found.realm !== undefined && found.realm !== realm) ? undefined : found;
        return account?.password;
      },
    });
  let verification = await verify(false);
  // The directory may have answered from its cache: a password changed (or an extension added) since is read
  // again before the answer counts as wrong. Nothing was recorded for the nonce: only a match records its count.
  if (verification.outcome === 'wrong-credentials') verification = await verify(true);
  switch (verification.outcome) {
    case 'ok':
      return account === undefined ? { kind: 'failed', reason: 'wrong-credentials', username: verification.username, phrase: WRONG } : { kind: 'ok', account, username: verification.username };
    // RFC 2617 §3.2.1 stale: "the client may wish to simply retry the request with a new encrypted response, without
    // reprompting the user for a new username and password". Either the digest was right on a replayed nonce-count,
    // or the nonce was not usable (not ours, expired, sent to another address) and went unchecked: no failure.
    case 'stale':
      return { kind: 'challenge', stale: true };
    case 'wrong-credentials':
      return { kind: 'failed', reason: 'wrong-credentials', username: verification.username, phrase: WRONG };
    // Broken credentials count only when they answer a fresh nonce sent to this source: made-up ones from a forged
    // address get a challenge, like any request without usable credentials.
    case 'malformed':
      return verification.countable ? { kind: 'failed', reason: 'malformed', username: undefined, phrase: digestRefusalPhrase(verification.reason) } : { kind: 'challenge', stale: false };
  }
}

/** The Authorization value whose realm directive is `realm` (§22.3: one request may answer several realms). */
function credentialsFor(values: readonly string[], realm: string): string | undefined {
  return values.find((value) => realmOf(value) === realm);
}

/** The realm directive of a digest credentials value; the DigestAuthenticator parses the whole value later. */
function realmOf(value: string): string | undefined {
  const match = /(?:^\s*digest\s+|,)\s*realm\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/i.exec(value);
  if (match === null) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
}
