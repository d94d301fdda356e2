// The CANCEL of an INVITE we sent (RFC 3261 §9.1). It carries the INVITE's top Via, which the stack keeps,
// so that it matches the INVITE's server transaction at the next hop.
import { Headers, type SipRequest } from '../message/index.ts';
import { readCSeq } from './dialog-fields.ts';

/**
 * CANCEL for `invite` as it was sent (sendRequest added its Via). §9.1: it "SHOULD NOT be sent" before a
 * provisional response came, and cancels nothing once a final one has; the caller knows which applies.
 * Passing anything but a sent INVITE is a programming error and throws.
 */
export function buildCancel(invite: SipRequest): SipRequest {
  const cseq = readCSeq(invite);
  if (invite.method !== 'INVITE' || !cseq.ok) throw new RangeError(`only a UAC's INVITE is cancelled, not ${invite.method}`);
  // "A CANCEL constructed by a client MUST have only a single Via header field value matching the top Via value
  // in the request being cancelled." Without it the stack would add a new branch that matches nothing.
  const topVia = invite.headers.getAll('via')[0];
  if (topVia === undefined) throw new RangeError('the INVITE has no Via: cancel the request as sent');
  const headers = new Headers();
  headers.append('Via', topVia);
  // "If the request being cancelled contains a Route header field, the CANCEL request MUST include that Route
  // header field's values."
  for (const [name, value] of invite.headers.entries()) if (name === 'route') headers.append('Route', value);
  headers.append('Max-Forwards', '70');
  // "The Request-URI, Call-ID, To, the numeric part of CSeq, and From header fields in the CANCEL request MUST be
  // identical to those in the request being cancelled, including tags."
  for (const name of ['from', 'to', 'call-id']) {
    const value = invite.headers.get(name);
    if (value !== undefined) headers.append(name, value);
  }
  headers.append('CSeq', `${cseq.value.seq} CANCEL`);
  return { type: 'request', method: 'CANCEL', uri: invite.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}
