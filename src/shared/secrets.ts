// Secret material: API keys (random, stored as SHA-256) and web passwords
// (scrypt with a per-password salt). Comparisons run in constant time.
import * as crypto from 'node:crypto';
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number }) => Promise<Buffer>;

// N=2^15, r=8: 32 MiB and tens of ms per check; OWASP suggests N=2^17 (128 MiB), which would let a burst
// of CHECKAUTH requests exhaust memory, so the cost is kept here and failed checks are throttled instead.
const SCRYPT = { N: 1 << 15, r: 8, p: 1, keylen: 32 } as const;
const SCRYPT_MAXMEM = 64 * 1024 * 1024;

/** A new API key: 32 random bytes, hex encoded like MiRTA's keys (64 characters). */
export function newApiKey(): string {
  return randomBytes(32).toString('hex');
}

/** A random opaque token (AUTHTOKEN), URL-safe. */
export function newToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

// crypto.hash (Node >= 20.12) is the one-shot form: no Hash object per call on the hot path.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export function sha256Hex(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : createHash('sha256').update(text, 'utf8').digest('hex');
}

const HEX = /^(?:[0-9a-f]{2})+$/;

/** Lower-case hex digests of equal length compared without leaking where they differ; anything else is unequal. */
export function digestsEqual(a: string, b: string): boolean {
  // Buffer.from(..., 'hex') silently stops at the first bad character, so check the text first.
  if (!HEX.test(a) || !HEX.test(b)) return false;
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `scrypt$N$r$p$salt$hash`, all parameters kept so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: SCRYPT_MAXMEM } as never);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  // A damaged hash (empty, short, odd parameters) must never verify, nor throw.
  if (expected.length !== SCRYPT.keylen || !Object.values(cost).every((v) => Number.isSafeInteger(v) && v > 0)) return false;
  try {
    const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, { ...cost, maxmem: SCRYPT_MAXMEM } as never);
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}
