// Mobile-originated SMS from an SMSC (deliver_sm that is not a receipt): the text as the library decoded it, and the
// parts of a concatenated SMS (UDH IEI 0x00 / 0x08, or the sar_* TLVs) joined in order once all have come. Parts
// wait in memory, bounded in count and age: a part whose siblings never come is dropped after `maxAgeMs`.
import type { SmppPdu } from './smpp-library.ts';

export interface InboundSms {
  readonly from: string;
  readonly to: string;
  readonly text: string;
}

interface Concat {
  readonly ref: number;
  readonly total: number;
  readonly seq: number;
}

interface Pending {
  readonly parts: Map<number, string>;
  readonly total: number;
  readonly since: number;
}

/** The library decodes short_message to { message, udh? } and message_payload the same way. */
function body(value: unknown): { text: string; udh: Buffer[] } {
  if (typeof value === 'string') return { text: value, udh: [] };
  if (typeof value !== 'object' || value === null) return { text: '', udh: [] };
  const record = value as { message?: unknown; udh?: unknown };
  const text = typeof record.message === 'string' ? record.message : Buffer.isBuffer(record.message) ? record.message.toString('latin1') : '';
  const udh = Array.isArray(record.udh) ? record.udh.filter((u): u is Buffer => Buffer.isBuffer(u)) : [];
  return { text, udh };
}

/** The text of a deliver_sm (short_message, else message_payload). */
export function deliverText(pdu: SmppPdu): string {
  const short = body(pdu.short_message);
  return short.text !== '' ? short.text : body(pdu.message_payload).text;
}

function concatOf(pdu: SmppPdu): Concat | undefined {
  for (const element of body(pdu.short_message).udh) {
    const [iei, len] = [element[0], element[1]];
    if (iei === 0x00 && len === 3) return { ref: element[2] ?? 0, total: element[3] ?? 0, seq: element[4] ?? 0 };
    if (iei === 0x08 && len === 4) return { ref: element.readUInt16BE(2), total: element[4] ?? 0, seq: element[5] ?? 0 };
  }
  const [ref, total, seq] = [pdu.sar_msg_ref_num, pdu.sar_total_segments, pdu.sar_segment_seqnum];
  if (typeof ref === 'number' && typeof total === 'number' && typeof seq === 'number') return { ref, total, seq };
  return undefined;
}

export class InboundAssembler {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly maxAgeMs = 10 * 60_000, private readonly maxMessages = 10_000) {}

  /** The whole SMS once this part completes it; undefined while parts are missing (or for a part that makes no sense). */
  add(pdu: SmppPdu): InboundSms | undefined {
    const from = String(pdu.source_addr ?? '');
    const to = String(pdu.destination_addr ?? '');
    const text = deliverText(pdu);
    const concat = concatOf(pdu);
    if (concat === undefined || concat.total <= 1) return { from, to, text };
    if (concat.seq < 1 || concat.seq > concat.total) return undefined;
    this.expire();
    const key = `${from}|${to}|${concat.ref}|${concat.total}`;
    const entry = this.pending.get(key) ?? { parts: new Map<number, string>(), total: concat.total, since: Date.now() };
    entry.parts.set(concat.seq, text);
    this.pending.set(key, entry);
    if (entry.parts.size < entry.total) return undefined;
    const joined = Array.from({ length: entry.total }, (_, i) => entry.parts.get(i + 1) ?? '').join('');
    return { from, to, text: joined };
  }

  /** Forgets a completed SMS once it was taken (kept until then, so the SMSC's retry of the last part completes it again). */
  done(sms: InboundSms, pdu: SmppPdu): void {
    const concat = concatOf(pdu);
    if (concat !== undefined) this.pending.delete(`${sms.from}|${sms.to}|${concat.ref}|${concat.total}`);
  }

  private expire(): void {
    const oldest = Date.now() - this.maxAgeMs;
    for (const [key, entry] of this.pending) if (entry.since < oldest || this.pending.size > this.maxMessages) this.pending.delete(key);
  }
}
