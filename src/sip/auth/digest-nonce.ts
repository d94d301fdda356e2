// Self-validating nonces (RFC 2617 §3.2.1 "nonce" suggests time-stamp + H(time-stamp ":" ETag ":" private-key)):
// issue time, random salt and an HMAC over both and the realm, so the server keeps no table of issued nonces.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const BODY_BYTES = 16; // 8 bytes issue time (ms) + 8 random bytes, so every nonce is distinct for nc tracking
const MAC_BYTES = 16;

export class NonceSigner {
  constructor(private readonly secret: Buffer) {}

  issue(realm: string, issuedAt: number): string {
    const body = Buffer.alloc(BODY_BYTES);
    body.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(issuedAt))), 0);
    randomBytes(8).copy(body, 8);
    return Buffer.concat([body, this.mac(body, realm)]).toString('base64url');
  }

  /** The issue time of a nonce this server issued for `realm`, or undefined for anything else. */
  open(nonce: string, realm: string): number | undefined {
    const raw = Buffer.from(nonce, 'base64url');
    // Only the canonical spelling counts, so one nonce cannot be written two ways (and tracked twice).
    if (raw.length !== BODY_BYTES + MAC_BYTES || raw.toString('base64url') !== nonce) return undefined;
    const body = raw.subarray(0, BODY_BYTES);
    if (!timingSafeEqual(raw.subarray(BODY_BYTES), this.mac(body, realm))) return undefined;
    return Number(body.readBigUInt64BE(0));
  }

  /** A per-realm opaque value (RFC 2617 §3.2.1) that the client must return unchanged. */
  opaque(realm: string): string {
    return createHmac('sha256', this.secret).update('opaque\0').update(realm, 'utf8').digest().subarray(0, 12).toString('base64url');
  }

  private mac(body: Buffer, realm: string): Buffer {
    return createHmac('sha256', this.secret).update('nonce\0').update(body).update(realm, 'utf8').digest().subarray(0, MAC_BYTES);
  }
}
