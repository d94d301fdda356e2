// The ACK a client INVITE transaction sends for a 300-699 response (RFC 3261 §17.1.1.3).
import { Headers } from '../message/headers.ts';
import type { SipRequest, SipResponse } from '../message/sip-message.ts';
import { parseCSeq } from '../message/via.ts';

export function buildNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = new Headers();
  // "The ACK MUST contain a single Via header field, and this MUST be equal to the top Via header field of the original request."
  const topVia = invite.headers.getAll('via')[0];
  if (topVia !== undefined) headers.append('Via', topVia);
  headers.append('Max-Forwards', '70');
  // "values for the Call-ID, From, and Request-URI that are equal to the values of those header fields in the request"
  copy(invite, headers, 'from');
  // "The To header field in the ACK MUST equal the To header field in the response being acknowledged"
  const to = response.headers.get('to');
  if (to !== undefined) headers.append('To', to);
  copy(invite, headers, 'call-id');
  // "the same value for the sequence number as was present in the original request, but the method parameter MUST be equal to ACK"
  const cseq = parseCSeq(invite.headers.get('cseq') ?? '');
  headers.append('CSeq', `${cseq.ok ? cseq.value.seq : 0} ACK`);
  // "If the INVITE request whose response is being acknowledged had Route header fields, those header fields MUST appear in the ACK."
  copy(invite, headers, 'route');
  return { type: 'request', method: 'ACK', uri: invite.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

/** Copies every line of a header, keeping line boundaries and order. */
function copy(from: SipRequest, to: Headers, name: string): void {
  for (const [header, value] of from.headers.entries()) if (header === name) to.append(header, value);
}
