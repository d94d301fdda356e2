// Digest credentials from an Authorization / Proxy-Authorization value (RFC 2617 §3.2.2, RFC 3261 §25.1
// digest-response), checked for the directives this server requires.
import { err, ok, type Result } from '../../shared/index.ts';
import { parseAlgorithm, type DigestAlgorithm } from './digest-algorithm.ts';
import { parseDigestParams } from './digest-params.ts';

export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  /** Lower-case hex. */
  readonly response: string;
  readonly algorithm: DigestAlgorithm;
  readonly opaque: string | undefined;
  /** Present when the client used qop=auth; nc as sent (8 hex digits) and as a number. */
  readonly qop: { readonly nc: string; readonly ncValue: number; readonly cnonce: string } | undefined;
  /** Every directive, names lower-cased. */
  readonly params: ReadonlyMap<string, string>;
}

export function parseCredentials(value: string): Result<DigestCredentials, string> {
  const parsed = parseDigestParams(value);
  if (!parsed.ok) return parsed;
  const params = parsed.value;
  const username = params.get('username');
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  const uri = params.get('uri');
  const response = params.get('response');
  if (username === undefined || realm === undefined || nonce === undefined || uri === undefined || response === undefined) {
    return err('missing username, realm, nonce, uri or response');
  }
  if (!/^[0-9a-fA-F]+$/.test(response)) return err('response is not hex');
  const algorithm = parseAlgorithm(params.get('algorithm'));
  if (!algorithm) return err(`unsupported algorithm ${params.get('algorithm') ?? ''}`);
  // RFC 7616 §3.4.4 userhash: we never offer it, so a hashed username cannot be looked up.
  if (params.get('userhash')?.toLowerCase() === 'true') return err('userhash is not supported');

  const qopValue = params.get('qop');
  let qop: DigestCredentials['qop'];
  if (qopValue !== undefined) {
    // Only "auth" is offered; auth-int would need the body and is not accepted.
    if (qopValue.toLowerCase() !== 'auth') return err(`unsupported qop ${qopValue}`);
    const nc = params.get('nc');
    const cnonce = params.get('cnonce');
    // RFC 2617 §3.2.2: cnonce "MUST be specified if a qop directive is sent", and so must nc (nc-value = 8LHEX).
    if (nc === undefined || cnonce === undefined) return err('qop=auth without nc or cnonce');
    if (!/^[0-9a-fA-F]{8}$/.test(nc)) return err('nc is not 8 hex digits');
    qop = { nc, ncValue: Number.parseInt(nc, 16), cnonce };
  }
  return ok({ username, realm, nonce, uri, response: response.toLowerCase(), algorithm, opaque: params.get('opaque'), qop, params });
}

/**
 * Of several Authorization (or Proxy-Authorization) values, the one for `realm`: RFC 3261 §22.3 lets a request carry
 * credentials for several realms, and the server uses those with its own.
 */
export function credentialsForRealm(values: readonly string[], realm: string): string | undefined {
  return values.find((value) => {
    const params = parseDigestParams(value);
    return params.ok && params.value.get('realm') === realm;
  });
}
