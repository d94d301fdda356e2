// The 100 Trying a server INVITE transaction sends on its own (RFC 3261 §17.2.1, built per §8.2.6).
import { Headers } from '../message/headers.ts';
import type { SipRequest, SipResponse } from '../message/sip-message.ts';

/** §8.2.6.2: Via (in order), From, To, Call-ID and CSeq are copied; a 100 may go without a To tag. */
const COPIED = new Set(['via', 'from', 'to', 'call-id', 'cseq', 'timestamp']);

export function buildTrying(request: SipRequest): SipResponse {
  const headers = new Headers();
  // §8.2.6.1: "any Timestamp header field present in the request MUST be copied into this 100 (Trying) response"
  for (const [name, value] of request.headers.entries()) if (COPIED.has(name)) headers.append(name, value);
  return { type: 'response', status: 100, reason: 'Trying', version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}
