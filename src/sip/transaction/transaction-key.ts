// Keys that match messages to transactions: responses to client transactions (RFC 3261 §17.1.3) and
// requests to server transactions (§17.2.3, with the RFC 2543 fallback for branches without the cookie).
import type { Headers } from '../message/headers.ts';
import { parseParams } from '../message/params.ts';
import type { SipRequest, SipResponse, Via } from '../message/sip-message.ts';
import { parseCSeq, parseVia, serializeVia } from '../message/via.ts';
import { hasMagicCookie } from './branch.ts';

export function topVia(headers: Headers): Via | undefined {
  const value = headers.getAll('via')[0];
  if (value === undefined) return undefined;
  const via = parseVia(value);
  return via.ok ? via.value : undefined;
}

/**
 * The server transaction a request belongs to. `method` defaults to the request's own, with ACK filed under
 * INVITE; the UAS core passes 'INVITE' to find the transaction a CANCEL cancels (§9.2).
 */
export function serverKey(request: SipRequest, method = request.method === 'ACK' ? 'INVITE' : request.method): string | undefined {
  const via = topVia(request.headers);
  if (!via) return undefined;
  if (hasMagicCookie(via.branch)) {
    // "the branch parameter in the request is equal to the one in the top Via header field of the request that
    // created the transaction, the sent-by value in the top Via of the request is equal to the one in the request
    // that created the transaction, and the method of the request matches the one that created the transaction,
    // except for ACK, where the method of the request that created the transaction is INVITE."
    return `3261|${via.branch}|${sentBy(via)}|${method}`;
  }
  // Without the cookie, §17.2.3 falls back to RFC 2543: Request-URI, From tag, Call-ID, CSeq number and top Via.
  // The To tag is left out of the key: an ACK carries the tag of our response, which the layer checks apart.
  const cseq = parseCSeq(request.headers.get('cseq') ?? '');
  const callId = request.headers.get('call-id');
  if (!cseq.ok || callId === undefined) return undefined;
  return `2543|${method}|${request.uri}|${tagOf(request.headers.get('from'))}|${callId.trim()}|${cseq.value.seq}|${serializeVia(via)}`;
}

/** The server transaction a response we sent belongs to (to report an asynchronous transport failure). */
export function serverKeyOfResponse(response: SipResponse): string | undefined {
  const via = topVia(response.headers);
  const cseq = parseCSeq(response.headers.get('cseq') ?? '');
  if (!via || !hasMagicCookie(via.branch) || !cseq.ok) return undefined;
  return `3261|${via.branch}|${sentBy(via)}|${cseq.value.method}`;
}

/** The key a client transaction is filed under: its top Via branch and its method. */
export function clientKey(request: SipRequest, method = request.method): string | undefined {
  const branch = topVia(request.headers)?.branch;
  return branch === undefined ? undefined : `${branch}|${method}`;
}

export function clientKeyOfResponse(response: SipResponse): string | undefined {
  // §17.1.3: "the same value of the branch parameter in the top Via header field as the branch parameter in the
  // top Via header field of the request that created the transaction" and "the method parameter in the CSeq header
  // field matches the method of the request that created the transaction" (CANCEL shares the INVITE's branch).
  const branch = topVia(response.headers)?.branch;
  const cseq = parseCSeq(response.headers.get('cseq') ?? '');
  return branch === undefined || !cseq.ok ? undefined : `${branch}|${cseq.value.method}`;
}

/** The tag parameter of a From or To value ('' when absent). */
export function tagOf(value: string | undefined): string {
  if (value === undefined) return '';
  // §20.10: without angle brackets, every ;param belongs to the header, not to the URI.
  const close = value.lastIndexOf('>');
  const semicolon = value.indexOf(';');
  const rest = close >= 0 ? value.slice(close + 1) : semicolon >= 0 ? value.slice(semicolon) : '';
  return parseParams(rest)?.get('tag') ?? '';
}

function sentBy(via: Via): string {
  // Host names compare case-insensitively; the port is compared as written (sent-by equality, §17.2.3).
  return `${via.host.toLowerCase()}:${via.port ?? ''}`;
}
