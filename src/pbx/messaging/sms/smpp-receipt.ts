// SMPP 3.4 delivery receipts (deliver_sm with esm_class message type 0x04, or 0x20 intermediate notification; the
// text of SMPP 3.4 appendix B `id:IIII sub:001 dlvrd:001 submit date:... done date:... stat:DELIVRD err:000 text:...`,
// and the receipted_message_id / message_state TLVs, preferred when present), and how their message ids are matched
// with those of submit_sm_resp: SMSCs often answer one in hex and the other in decimal.

export type ReceiptOutcome = 'delivered' | 'undelivered' | 'pending';

export interface SmppReceipt {
  readonly messageId: string;
  /** The receipt's stat word (DELIVRD, UNDELIV, ...). */
  readonly stat: string;
  /** Its err field ('' when absent). */
  readonly error: string;
  /** delivered (DELIVRD), undelivered (EXPIRED DELETED UNDELIV REJECTD UNKNOWN), pending (ENROUTE ACCEPTD, intermediate). */
  readonly outcome: ReceiptOutcome;
}

/** message_state TLV values (SMPP 3.4 §5.2.28) as the receipt text's stat words. */
const STATES = ['', 'ENROUTE', 'DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD'];
const FINAL_FAILED = new Set(['EXPIRED', 'DELETED', 'UNDELIV', 'REJECTD', 'UNKNOWN']);

/** True when a deliver_sm's esm_class says it is a receipt rather than a mobile-originated SMS. */
export const isReceipt = (esmClass: number): boolean => (esmClass & 0x3c) === 0x04 || (esmClass & 0x3c) === 0x20;

/** The receipt a deliver_sm carries, or undefined when it names no message id. */
export function parseReceipt(text: string, tlv: { readonly receiptedMessageId?: string; readonly messageState?: number }): SmppReceipt | undefined {
  const messageId = tlv.receiptedMessageId?.trim() || /\bid:\s*([^\s]+)/i.exec(text)?.[1] || '';
  if (messageId === '') return undefined;
  const fromTlv = tlv.messageState === undefined ? undefined : STATES[tlv.messageState];
  const stat = (fromTlv || /\bstat:\s*([A-Za-z_]+)/i.exec(text)?.[1] || 'UNKNOWN').toUpperCase();
  const error = /\berr:\s*([^\s]+)/i.exec(text)?.[1] ?? '';
  const outcome: ReceiptOutcome = stat === 'DELIVRD' || stat === 'DELIVERED' ? 'delivered' : FINAL_FAILED.has(stat) ? 'undelivered' : 'pending';
  return { messageId, stat, error, outcome };
}

const HEX = /^[0-9a-f]+$/;
const DECIMAL = /^[0-9]+$/;
const stripZeros = (id: string): string => id.replace(/^0+(?=.)/, '');

/** How a submit_sm_resp id is kept: lower case, leading zeros dropped when it is all hex digits. */
export function normalizeMessageId(id: string): string {
  const lower = id.trim().toLowerCase();
  return HEX.test(lower) ? stripZeros(lower) : lower;
}

/**
 * The kept ids a receipt id may stand for, best first: itself, then (when it reads as a number) the same number
 * written in the other base — decimal from hex and hex from decimal.
 */
export function receiptIdCandidates(id: string): string[] {
  const own = normalizeMessageId(id);
  const candidates = [own];
  if (own.length <= 64) {
    if (DECIMAL.test(own)) candidates.push(BigInt(own).toString(16));
    if (HEX.test(own)) candidates.push(BigInt(`0x${own}`).toString(10));
  }
  return [...new Set(candidates)];
}
