// RFC 4733 §2.3 telephone-event payload (event, E, R, volume, duration) and the DTMF event codes
// of §3.2. One payload may carry several 4-byte event reports (packing, §2.5.1). Parse never throws.
import { err, ok, type Result } from '../shared/index.ts';

export const TELEPHONE_EVENT_BYTES = 4;

export interface TelephoneEvent {
  /** 0-255; DTMF 0-9 are 0-9, * is 10, # is 11, A-D are 12-15, flash is 16. */
  readonly event: number;
  /** The E bit: this packet reports the end of the event. */
  readonly end: boolean;
  /** Power level in -dBm0 (0-63) for tone events; 0 for the others. */
  readonly volume: number;
  /** Duration so far, in timestamp units of the stream (8000 per second for 8 kHz audio). */
  readonly duration: number;
}

export type TelephoneEventParseError = 'telephone-event payload is not a whole number of 4-byte events';

export function parseTelephoneEvents(payload: Buffer): Result<TelephoneEvent[], TelephoneEventParseError> {
  if (payload.length === 0 || payload.length % TELEPHONE_EVENT_BYTES !== 0) {
    return err('telephone-event payload is not a whole number of 4-byte events');
  }
  const events: TelephoneEvent[] = [];
  for (let at = 0; at < payload.length; at += TELEPHONE_EVENT_BYTES) {
    const flags = payload[at + 1] ?? 0;
    events.push({
      event: payload[at] ?? 0,
      end: (flags & 0x80) !== 0,
      // §2.3: the R bit is reserved; the receiver ignores it, so it is not read.
      volume: flags & 0x3f,
      duration: payload.readUInt16BE(at + 2),
    });
  }
  return ok(events);
}

/** The first (and usually only) event of a payload, the common case for DTMF. */
export function parseTelephoneEvent(payload: Buffer): Result<TelephoneEvent, TelephoneEventParseError> {
  const events = parseTelephoneEvents(payload);
  if (!events.ok) return events;
  const first = events.value[0];
  return first === undefined ? err('telephone-event payload is not a whole number of 4-byte events') : ok(first);
}

export function serializeTelephoneEvents(events: readonly TelephoneEvent[]): Buffer {
  const out = Buffer.alloc(events.length * TELEPHONE_EVENT_BYTES);
  events.forEach((e, i) => {
    const at = i * TELEPHONE_EVENT_BYTES;
    out[at] = e.event & 0xff;
    // §2.3: the sender sets the reserved R bit to zero.
    out[at + 1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f);
    // Longer events are sent as segments (§2.5.1), so a duration never exceeds 16 bits here.
    out.writeUInt16BE(Math.max(0, Math.min(0xffff, Math.trunc(e.duration))), at + 2);
  });
  return out;
}

export function serializeTelephoneEvent(event: TelephoneEvent): Buffer {
  return serializeTelephoneEvents([event]);
}

/** §3.2 order: digits, then *, #, A-D, then flash. */
const DTMF_SYMBOLS = '0123456789*#ABCD';
export const FLASH_EVENT = 16;

/** The DTMF symbol of an event code, or undefined for flash and non-DTMF events. */
export function dtmfSymbolOf(event: number): string | undefined {
  return Number.isInteger(event) && event >= 0 && event < DTMF_SYMBOLS.length ? DTMF_SYMBOLS[event] : undefined;
}

/** The event code of a DTMF symbol (case-insensitive for A-D), or undefined. */
export function dtmfEventOf(symbol: string): number | undefined {
  if (symbol.length !== 1) return undefined;
  const index = DTMF_SYMBOLS.indexOf(symbol.toUpperCase());
  return index < 0 ? undefined : index;
}
