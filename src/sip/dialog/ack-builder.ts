// The ACK for a 2xx to our INVITE (RFC 3261 §13.2.2.4): built like any in-dialog request but with the
// INVITE's CSeq number and credentials. The stack's sendAck adds the Via (a new branch: the ACK is its own transaction).
import type { SipRequest, SipResponse } from '../message/index.ts';
import { readCSeq, readParty } from './dialog-fields.ts';
import type { Dialog } from './dialog.ts';
import { buildInDialogRequest } from './in-dialog-request.ts';

/**
 * ACK for `response` (a 2xx) to `invite` (as sent) within `dialog`. Create or `confirm` the dialog from that 2xx
 * first: the ACK goes to the 2xx's Contact over its route set. `body` is the answer when the INVITE had no offer.
 * A non-2xx, or a 2xx of another dialog or INVITE, is a programming error (the transaction ACKs non-2xx) and throws.
 */
export function buildAck(dialog: Dialog, invite: SipRequest, response: SipResponse, body?: Buffer | string, contentType = 'application/sdp'): SipRequest {
  if (response.status < 200 || response.status > 299) throw new RangeError(`a ${response.status} is acknowledged by its transaction (§17.1.1.3), not by the dialog`);
  const cseq = readCSeq(invite);
  const answered = readCSeq(response);
  if (!cseq.ok || cseq.value.method !== 'INVITE' || !answered.ok || answered.value.seq !== cseq.value.seq) throw new RangeError('the 2xx does not answer this INVITE (CSeq differs)');
  const to = readParty(response, 'to');
  if (!to.ok || to.value.tag !== dialog.remoteTag) throw new RangeError('the 2xx belongs to another dialog (To tag differs)');
  // "The ACK MUST contain the same credentials as the INVITE": both header kinds, every line, in order.
  const credentials = invite.headers.entries().filter(([name]) => name === 'authorization' || name === 'proxy-authorization');
  // "The sequence number of the CSeq header field MUST be the same as the INVITE being acknowledged, but the CSeq
  // method MUST be ACK." Everything else is built "in the same way as for any request sent within a dialog".
  return buildInDialogRequest(dialog, 'ACK', cseq.value.seq, body === undefined ? { headers: credentials } : { headers: credentials, body, contentType });
}
