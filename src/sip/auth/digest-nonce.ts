// Self-validating nonces (RFC 2617 §3.2.1 "nonce" suggests time-stamp + H(time-stamp ":" ETag ":" private-key)):
// issue time, random salt and an HMAC over both and the realm, so the server keeps no table of issued nonces.
// A nonce may also carry a tag for the source address it was sent to, so an answer can be tied to that address.
import { createHmac, randomFillSync, timingSafeEqual } from 'node:crypto';

const BODY_BYTES = 16; // 8 bytes issue time (ms) + 8 random bytes, so every nonce is distinct for nc tracking
const MAC_BYTES = 16;
const SOURCE_TAG_BYTES = 8;
/** Salts are taken from one buffer filled at a time: a call into the CSPRNG costs far more than the 8 bytes it gives. */
const POOL_BYTES = 4096;
/** Realms whose opaque value is kept (one HMAC less per challenge and per answer). */
const MAX_OPAQUES = 1000;

export interface OpenedNonce {
  readonly issuedAt: number;
  /** The nonce was issued to the address given to open() (false for a nonce issued to no address, or to another). */
  readonly issuedToSource: boolean;
}

/** Nonces this signer issued lately, kept so their answers are opened without recomputing two HMACs. */
const RECENT_NONCES = 20_000;

interface Issued {
  readonly realm: string;
  readonly issuedAt: number;
  /** The canonical address it was sent to (canonicalAddress), or undefined for a nonce bound to no address. */
  readonly source: string | undefined;
}

export class NonceSigner {
  private readonly pool = Buffer.alloc(POOL_BYTES);
  private poolAt = POOL_BYTES;
  private readonly opaques = new Map<string, string>();
  /**
   * The last RECENT_NONCES issued, by nonce, and a ring of them in issue order for eviction (a Map emptied from its
   * front keeps the deleted slots until it is rehashed, so finding its oldest key gets slower and slower). Only
   * nonces made here are in it, so finding one there proves it authentic as its MACs would; the rest (another
   * node's, or older) are checked by HMAC as before.
   */
  private readonly recent = new Map<string, Issued>();
  private readonly ring: Array<string | undefined> = new Array<string | undefined>(RECENT_NONCES).fill(undefined);
  private ringAt = 0;

  constructor(private readonly secret: Buffer) {}

  issue(realm: string, issuedAt: number, source?: string): string {
    const body = Buffer.alloc(BODY_BYTES);
    body.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(issuedAt))), 0);
    if (this.poolAt + 8 > POOL_BYTES) {
      randomFillSync(this.pool);
      this.poolAt = 0;
    }
    this.pool.copy(body, 8, this.poolAt, this.poolAt + 8);
    this.poolAt += 8;
    const parts = [body, this.mac(body, realm)];
    if (source !== undefined) parts.push(this.sourceTag(body, source));
    const nonce = Buffer.concat(parts).toString('base64url');
    this.remember(nonce, { realm, issuedAt: Math.max(0, Math.floor(issuedAt)), source: source === undefined ? undefined : canonicalAddress(source) });
    return nonce;
  }

  /**
   * The issue time of a nonce this server issued for `realm`, or undefined for anything else. With `source`, also
   * whether the nonce was issued to that address.
   */
  open(nonce: string, realm: string, source?: string): OpenedNonce | undefined {
    const issued = this.recent.get(nonce);
    if (issued !== undefined) {
      // Issued here for another realm: its MAC would not match this realm's either.
      if (issued.realm !== realm) return undefined;
      const issuedToSource = issued.source !== undefined && source !== undefined && issued.source === canonicalAddress(source);
      return { issuedAt: issued.issuedAt, issuedToSource };
    }
    const raw = Buffer.from(nonce, 'base64url');
    const bound = raw.length === BODY_BYTES + MAC_BYTES + SOURCE_TAG_BYTES;
    // Only the canonical spelling counts, so one nonce cannot be written two ways (and tracked twice).
    if ((!bound && raw.length !== BODY_BYTES + MAC_BYTES) || raw.toString('base64url') !== nonce) return undefined;
    const body = raw.subarray(0, BODY_BYTES);
    if (!timingSafeEqual(raw.subarray(BODY_BYTES, BODY_BYTES + MAC_BYTES), this.mac(body, realm))) return undefined;
    const issuedAt = Number(body.readBigUInt64BE(0));
    if (!bound || source === undefined) return { issuedAt, issuedToSource: false };
    return { issuedAt, issuedToSource: timingSafeEqual(raw.subarray(BODY_BYTES + MAC_BYTES), this.sourceTag(body, source)) };
  }

  private remember(nonce: string, issued: Issued): void {
    const evicted = this.ring[this.ringAt];
    if (evicted !== undefined) this.recent.delete(evicted);
    this.ring[this.ringAt] = nonce;
    this.ringAt = (this.ringAt + 1) % RECENT_NONCES;
    this.recent.set(nonce, issued);
  }

  /** A per-realm opaque value (RFC 2617 §3.2.1) that the client must return unchanged. */
  opaque(realm: string): string {
    let value = this.opaques.get(realm);
    if (value === undefined) {
      value = createHmac('sha256', this.secret).update('opaque\0').update(realm, 'utf8').digest().subarray(0, 12).toString('base64url');
      if (this.opaques.size >= MAX_OPAQUES) this.opaques.clear();
      this.opaques.set(realm, value);
    }
    return value;
  }

  private mac(body: Buffer, realm: string): Buffer {
    return createHmac('sha256', this.secret).update('nonce\0').update(body).update(realm, 'utf8').digest().subarray(0, MAC_BYTES);
  }

  private sourceTag(body: Buffer, source: string): Buffer {
    return createHmac('sha256', this.secret).update('source\0').update(body).update(canonicalAddress(source), 'utf8').digest().subarray(0, SOURCE_TAG_BYTES);
  }
}

/** One spelling per host: IPv4-mapped IPv6 (what a dual-stack socket reports) as IPv4, brackets off, lower case. */
function canonicalAddress(address: string): string {
  const bare = address.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1] ?? bare;
}
