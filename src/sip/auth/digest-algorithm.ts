// The digest computation of RFC 2617 §3.2.2.1-3 with the MD5 and SHA-256 algorithms of RFC 7616 §3.4.1 / RFC 8760.
import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

const NODE_NAME: Readonly<Record<DigestAlgorithm, string>> = { MD5: 'md5', 'SHA-256': 'sha256' };

/** Length in hex characters of each algorithm's digest (a response of another length is malformed). */
export const DIGEST_HEX_LENGTH: Readonly<Record<DigestAlgorithm, number>> = { MD5: 32, 'SHA-256': 64 };

/** The algorithm a parameter names; RFC 2617 §3.2.1: "If this is not present it is assumed to be MD5". */
export function parseAlgorithm(value: string | undefined): DigestAlgorithm | undefined {
  if (value === undefined) return 'MD5';
  const upper = value.toUpperCase();
  return upper === 'MD5' || upper === 'SHA-256' ? upper : undefined; // -sess variants are not offered, so not accepted
}

// node:crypto's one-shot hash() (Node 20.12+) skips the Hash object createHash builds: a verification takes three.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export function digestHex(algorithm: DigestAlgorithm, text: string): string {
  if (oneShot !== undefined) return oneShot(NODE_NAME[algorithm], text, 'hex');
  return createHash(NODE_NAME[algorithm]).update(text, 'utf8').digest('hex');
}

export interface DigestInput {
  readonly algorithm: DigestAlgorithm;
  readonly username: string;
  readonly realm: string;
  readonly password: string;
  readonly method: string;
  /** The digest-uri the client put in its credentials (not the Request-URI: a proxy may have rewritten that). */
  readonly uri: string;
  readonly nonce: string;
  /** With qop=auth, nc and cnonce take part; without qop this is the RFC 2069 form. */
  readonly qop?: { readonly nc: string; readonly cnonce: string };
}

/** The request-digest a client sends as `response` (lower-case hex). */
export function computeDigestResponse(input: DigestInput): string {
  const h = (text: string) => digestHex(input.algorithm, text);
  // §3.2.2.2: A1 = unq(username-value) ":" unq(realm-value) ":" passwd
  const ha1 = h(`${input.username}:${input.realm}:${input.password}`);
  // §3.2.2.3: with qop "auth" or unspecified, A2 = Method ":" digest-uri-value
  const ha2 = h(`${input.method}:${input.uri}`);
  // §3.2.2.1: KD(H(A1), unq(nonce) ":" nc ":" unq(cnonce) ":" unq(qop) ":" H(A2)), or H(A1):nonce:H(A2) without qop
  return input.qop === undefined ? h(`${ha1}:${input.nonce}:${ha2}`) : h(`${ha1}:${input.nonce}:${input.qop.nc}:${input.qop.cnonce}:auth:${ha2}`);
}
