// Dialog IDs as map keys (RFC 3261 §12): Call-ID, local tag and remote tag, and the key an incoming
// in-dialog request (§12.2.2) or a response to our request (§12.1.2) maps to.
import { randomText } from '../../shared/index.ts';
import type { SipRequest, SipResponse } from '../message/index.ts';
import { readCallId, readParty } from './dialog-fields.ts';

/**
 * The key of a dialog ID. A line feed cannot occur in a parsed header value, so no Call-ID or tag can make two
 * different IDs collide. Compared exactly: §20.8 "Call-IDs are case-sensitive and are simply compared byte-by-byte".
 */
export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}\n${localTag}\n${remoteTag}`;
}

/**
 * The key of the dialog an incoming request belongs to, or undefined when it is not in a dialog. §12.2.2: the
 * local tag is the To tag, the remote tag the From tag ('' for an RFC 2543 peer that sent none).
 */
export function keyOfRequest(request: SipRequest): string | undefined {
  const callId = readCallId(request);
  const to = readParty(request, 'to');
  const from = readParty(request, 'from');
  if (!callId.ok || !to.ok || !from.ok || to.value.tag === '') return undefined;
  return dialogKey(callId.value, to.value.tag, from.value.tag);
}

/**
 * The key of the dialog a response to our request belongs to (§12.1.2: local tag = From tag, remote tag = To
 * tag, '' when the response has none), or undefined without Call-ID or From tag.
 */
export function keyOfResponse(response: SipResponse): string | undefined {
  const callId = readCallId(response);
  const to = readParty(response, 'to');
  const from = readParty(response, 'from');
  if (!callId.ok || !to.ok || !from.ok || from.value.tag === '') return undefined;
  return dialogKey(callId.value, from.value.tag, to.value.tag);
}

/** §8.1.1.4: "the Call-ID header field MUST be selected by the UAC as a globally unique identifier": 128 random bits. */
export function newCallId(): string {
  return randomText(16, 'hex');
}
