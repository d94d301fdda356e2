// Random bytes for the identifiers protocols ask to be unique (SIP tags, branches, Call-IDs): a system call and a
// buffer per identifier cost more than the rest of a REGISTER's answer, so they are cut from a pool filled 4 KiB at
// a time from the same CSPRNG. Not for secrets (keys, passwords, nonces' own secrets): those take crypto directly.
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let at = POOL_BYTES;

/** `bytes` fresh random bytes as text in `encoding`; each byte of the pool is handed out once. */
export function randomText(bytes: number, encoding: 'hex' | 'base64url'): string {
  if (bytes > POOL_BYTES) return randomFillSync(Buffer.alloc(bytes)).toString(encoding);
  if (at + bytes > POOL_BYTES) {
    randomFillSync(pool);
    at = 0;
  }
  const text = pool.toString(encoding, at, at + bytes);
  at += bytes;
  return text;
}
