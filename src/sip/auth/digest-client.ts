// Client (UAC) side of SIP digest authentication (RFC 3261 §22.2/§22.3 on RFC 2617 §3.2.2, with SHA-256 and the
// -sess variants of RFC 7616 §3.4.2 / RFC 8760): answering a WWW-Authenticate or Proxy-Authenticate challenge.
import { randomBytes } from 'node:crypto';
import { err, ok, type Result } from '../../shared/index.ts';
import { digestHex, type DigestAlgorithm } from './digest-algorithm.ts';
import { parseDigestParams, quote } from './digest-params.ts';

type ClientAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

const ALGORITHMS: ReadonlyMap<string, ClientAlgorithm> = new Map([
  ['md5', 'MD5'],
  ['md5-sess', 'MD5-sess'],
  ['sha-256', 'SHA-256'],
  ['sha-256-sess', 'SHA-256-sess'],
]);

/** pickChallenge's order: the strongest hash first, a session variant after its plain one. */
const PREFERENCE: readonly ClientAlgorithm[] = ['SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess'];

const MAX_NC = 0xffffffff; // nc-value = 8LHEX

interface Challenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque: string | undefined;
  readonly algorithm: ClientAlgorithm;
  /** Whether the challenge carried the algorithm directive (echoed only then, for RFC 2069-era servers). */
  readonly algorithmGiven: boolean;
  /** True when the server offered qop=auth; false for the RFC 2069 form. */
  readonly qopAuth: boolean;
}

function readChallenge(value: string): Result<Challenge, string> {
  const parsed = parseDigestParams(value);
  if (!parsed.ok) return parsed;
  const params = parsed.value;
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  // RFC 2617 §3.2.1: realm and nonce are the two directives a challenge must carry.
  if (realm === undefined) return err('challenge without realm');
  if (nonce === undefined) return err('challenge without nonce');
  const algorithmText = params.get('algorithm');
  // §3.2.1: "If this is not present it is assumed to be MD5".
  const algorithm = algorithmText === undefined ? 'MD5' : ALGORITHMS.get(algorithmText.toLowerCase());
  if (algorithm === undefined) return err(`unsupported algorithm ${algorithmText ?? ''}`);
  const qopText = params.get('qop');
  let qopAuth = false;
  if (qopText !== undefined) {
    const offered = qopText.split(',').map((q) => q.trim().toLowerCase());
    // auth-int would need the body in A2; every request we authenticate is answered with "auth", so a server
    // offering only auth-int (or only something unknown) cannot be answered.
    if (!offered.includes('auth')) return err(`unsupported qop ${qopText}`);
    qopAuth = true;
  }
  // RFC 7616 §3.4.2: the -sess A1 takes the cnonce, which exists only with a qop (RFC 2617 §3.2.2 "cnonce ...
  // MUST NOT be specified if the server did not send a qop directive").
  if (!qopAuth && algorithm.endsWith('-sess')) return err(`${algorithm} without qop cannot be answered`);
  return ok({ realm, nonce, opaque: params.get('opaque'), algorithm, algorithmGiven: algorithmText !== undefined, qopAuth });
}

/**
 * The Authorization (for a 401) or Proxy-Authorization (for a 407) value answering `challenge` for `request`.
 * `state.nc` is the nonce-count of this use of the challenge's nonce (default 1) and `state.cnonce` the client
 * nonce to reuse with it (default a fresh random one); both are returned so a caller reusing the nonce
 * (RFC 3261 §22.3 caching) can count on from them.
 */
export function digestAuthorization(
  challenge: string,
  credentials: { username: string; password: string },
  request: { method: string; uri: string },
  state?: { nc?: number; cnonce?: string },
): Result<{ header: string; nc: number; cnonce: string }, string> {
  const read = readChallenge(challenge);
  if (!read.ok) return read;
  const c = read.value;
  // Values we write into a header must not carry a line break (header injection), and the method is a token.
  if (/[\r\n\0]/.test(credentials.username) || /[\r\n\0]/.test(request.uri)) return err('username or uri contains a line break');
  if (!/^[A-Za-z0-9!%*_+`'~.-]+$/.test(request.method)) return err(`invalid method ${request.method}`);
  const nc = state?.nc ?? 1;
  if (!Number.isInteger(nc) || nc < 1 || nc > MAX_NC) return err(`nonce-count ${nc} is out of range`);
  const cnonce = state?.cnonce ?? randomBytes(12).toString('hex');
  if (cnonce === '' || /[\r\n\0]/.test(cnonce)) return err('invalid cnonce');
  const ncText = nc.toString(16).padStart(8, '0');

  const base: DigestAlgorithm = c.algorithm.startsWith('SHA-256') ? 'SHA-256' : 'MD5';
  const h = (text: string): string => digestHex(base, text);
  // RFC 2617 §3.2.2.2 / RFC 7616 §3.4.2: A1 = username ":" realm ":" passwd, and for -sess
  // A1 = H(username ":" realm ":" passwd) ":" nonce ":" cnonce.
  let ha1 = h(`${credentials.username}:${c.realm}:${credentials.password}`);
  if (c.algorithm.endsWith('-sess')) ha1 = h(`${ha1}:${c.nonce}:${cnonce}`);
  // §3.2.2.3: with qop "auth" or none, A2 = Method ":" digest-uri-value.
  const ha2 = h(`${request.method}:${request.uri}`);
  // §3.2.2.1: KD(H(A1), nonce ":" nc ":" cnonce ":" qop ":" H(A2)); RFC 2069 form without qop: KD(H(A1), nonce ":" H(A2)).
  const response = c.qopAuth ? h(`${ha1}:${c.nonce}:${ncText}:${cnonce}:auth:${ha2}`) : h(`${ha1}:${c.nonce}:${ha2}`);

  // §3.2.2 syntax: username, realm, nonce, uri, response, cnonce and opaque are quoted-strings; algorithm, qop
  // ("qop=auth" is a token here, unlike the challenge's quoted list) and nc (8LHEX) are not.
  const parts = [
    `username=${quote(credentials.username)}`,
    `realm=${quote(c.realm)}`,
    `nonce=${quote(c.nonce)}`,
    `uri=${quote(request.uri)}`,
    `response="${response}"`,
  ];
  if (c.algorithmGiven || c.algorithm !== 'MD5') parts.push(`algorithm=${c.algorithm}`);
  // "cnonce ... MUST be specified if a qop directive is sent" and nc likewise; "MUST NOT" without one.
  if (c.qopAuth) parts.push(`cnonce=${quote(cnonce)}`, 'qop=auth', `nc=${ncText}`);
  // §3.2.1 opaque: "should be returned by the client unchanged".
  if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
  return ok({ header: `Digest ${parts.join(', ')}`, nc, cnonce });
}

/**
 * Of the challenges of one 401/407 (one per algorithm, RFC 8760 §2.4), the one to answer: SHA-256 before MD5.
 * RFC 8760 §2.4 has the UAC use the topmost value it supports "unless a local policy dictates otherwise"; ours
 * is to take the strongest hash, and the first of equals. Undefined when none can be answered.
 */
export function pickChallenge(values: string[]): string | undefined {
  let best: { value: string; rank: number } | undefined;
  for (const value of values) {
    const read = readChallenge(value);
    if (!read.ok) continue;
    const rank = PREFERENCE.indexOf(read.value.algorithm);
    if (best === undefined || rank < best.rank) best = { value, rank };
  }
  return best?.value;
}

/** Whether a challenge says stale=true (RFC 2617 §3.2.1): the credentials were right, only the nonce was old. */
export function isStaleChallenge(value: string): boolean {
  const parsed = parseDigestParams(value);
  return parsed.ok && parsed.value.get('stale')?.toLowerCase() === 'true';
}
