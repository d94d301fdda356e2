// SIP message parser (RFC 3261 §7, §18.3, §25; the RFC 4475 torture cases): bytes in, a SipMessage
// or a SipParseError out. It never throws: a malformed packet is a value to answer or drop.
import { err, ok, type Result } from '../../shared/index.ts';
import { checkHeaders, newKeyHeaders, noteHeader, topVia, type KeyHeaders } from './check-headers.ts';
import { TOKEN, isRun } from './char-classes.ts';
import { canonicalName, Headers } from './headers.ts';
import type { SipMessage, SipParseError, SipRequest } from './sip-message.ts';
import { parseStartLine, type StartLine } from './start-line.ts';

/** Largest message accepted; bigger ones are refused with 513 (§21.5.14). */
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const MAX_HEADERS = 256;
/** Longest header line, after unfolding. */
export const MAX_HEADER_LINE = 8 * 1024;

const EMPTY = Buffer.alloc(0);

interface Failure {
  readonly status: number;
  readonly reason: string;
}

export function parseMessage(data: Buffer): Result<SipMessage, SipParseError> {
  try {
    return parse(data);
  } catch {
    // Defence in depth: no input may raise out of a socket handler (docs/architecture.md).
    return err({ status: 400, reason: 'Malformed message' });
  }
}

function parse(data: Buffer): Result<SipMessage, SipParseError> {
  const total = data.length;
  let start = 0;
  // §7.5: implementations processing SIP messages over stream-oriented transports MUST ignore
  // any CRLF appearing before the start-line (also how RFC 5626 keep-alives look).
  while (start < total && (data[start] === 0x0d || data[start] === 0x0a)) start++;
  if (start === total) return err({ status: 400, reason: 'Empty message' });
  const tooLarge = total - start > MAX_MESSAGE_BYTES;
  const limit = tooLarge ? start + MAX_MESSAGE_BYTES : total;

  // The header section ends at the first empty line; CRLF and bare LF line ends are both
  // accepted. "\n\r\n" also finds CRLF CRLF; an earlier bare-LF blank line is the rare case.
  let headEnd = data.indexOf('\n\r\n', start, 'latin1');
  let bodyStart = headEnd + 3;
  let head = headEnd >= 0 && headEnd < limit ? data.toString('utf8', start, headEnd) : '';
  if (headEnd < 0 || headEnd >= limit || head.includes('\n\n')) {
    const lflf = data.indexOf('\n\n', start, 'latin1');
    if (lflf >= 0 && lflf < limit && (headEnd < 0 || lflf < headEnd)) {
      headEnd = lflf;
      bodyStart = lflf + 2;
    } else if (headEnd >= limit) headEnd = -1;
    head = data.toString('utf8', start, headEnd >= 0 ? headEnd : limit);
  }
  const terminated = headEnd >= 0;
  if (!terminated) bodyStart = limit;

  const firstNl = head.indexOf('\n');
  const lineEnd = firstNl < 0 ? head.length : firstNl;
  const startLine = parseStartLine(head.slice(0, head.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd));
  if (startLine.kind === 'garbage') return err({ status: startLine.status, reason: startLine.reason });

  const headers = new Headers();
  const key = newKeyHeaders();
  const lineFailure = readHeaderLines(head, firstNl < 0 ? head.length : firstNl + 1, headers, key);

  const failure: Failure | undefined =
    startLine.failure ??
    lineFailure ??
    (tooLarge ? { status: 513, reason: 'Message Too Large' } : undefined) ??
    (terminated ? undefined : { status: 400, reason: 'Missing empty line after headers' }) ??
    reasonToFailure(checkHeaders(key, startLine.kind === 'request' ? startLine.method : undefined));
  if (failure !== undefined) return refuse(failure, startLine, headers, key);

  let body = EMPTY;
  let bodyEnd = total;
  if (key.contentLength !== undefined) {
    const length = Number(key.contentLength);
    if (total - bodyStart < length) {
      // §18.3: if the transport packet ends before the end of the message body, this is
      // considered an error (a request gets a 400, a response is discarded; RFC 4475 §3.1.2.2).
      return refuse({ status: 400, reason: 'Body shorter than Content-Length' }, startLine, headers, key);
    }
    // §18.3: additional bytes in the transport packet beyond the end of the body MUST be discarded.
    bodyEnd = bodyStart + length;
  }
  if (bodyEnd > bodyStart) {
    // A copy, so the message never pins or aliases the transport's receive buffer.
    body = Buffer.allocUnsafe(bodyEnd - bodyStart);
    data.copy(body, 0, bodyStart, bodyEnd);
  }

  if (startLine.kind === 'request') {
    return ok({ type: 'request', method: startLine.method, uri: startLine.uri, version: 'SIP/2.0', headers, body });
  }
  return ok({ type: 'response', status: startLine.status, reason: startLine.reason, version: 'SIP/2.0', headers, body });
}

/**
 * Splits the header lines after the start line into `headers`, unfolding continuation lines,
 * and notes the values the parser validates. Returns why it stopped early, if it did.
 */
function readHeaderLines(head: string, from: number, headers: Headers, key: KeyHeaders): Failure | undefined {
  const n = head.length;
  let name = '';
  let value = '';
  let pending = false;
  let count = 0;
  let failure: Failure | undefined;
  for (let p = from; p < n; ) {
    let nl = head.indexOf('\n', p);
    if (nl < 0) nl = n;
    const end = head.charCodeAt(nl - 1) === 0x0d && nl > p ? nl - 1 : nl;
    const first = head.charCodeAt(p);
    if (first === 0x20 || first === 0x09) {
      // §7.3.1: a header value may be folded onto lines starting with SP or HT; the fold is LWS,
      // read as a single SP.
      if (!pending) {
        failure = { status: 400, reason: 'Bad header folding' };
        break;
      }
      const more = trimLws(head, p, end);
      if (more !== '') value = value === '' ? more : `${value} ${more}`;
      if (value.length > MAX_HEADER_LINE) {
        pending = false;
        failure = { status: 513, reason: 'Header Too Long' };
        break;
      }
    } else {
      if (pending) commit(headers, key, name, value);
      pending = false;
      const colon = head.indexOf(':', p);
      if (colon < 0 || colon >= end) {
        failure = { status: 400, reason: 'Bad header line' };
        break;
      }
      let nameEnd = colon;
      while (nameEnd > p && (head.charCodeAt(nameEnd - 1) === 0x20 || head.charCodeAt(nameEnd - 1) === 0x09)) nameEnd--;
      if (!isRun(head, p, nameEnd, TOKEN)) {
        failure = { status: 400, reason: 'Bad header name' };
        break;
      }
      if (end - p > MAX_HEADER_LINE) {
        failure = { status: 513, reason: 'Header Too Long' };
        break;
      }
      if (++count > MAX_HEADERS) {
        failure = { status: 513, reason: 'Too Many Headers' };
        break;
      }
      name = canonicalName(head.slice(p, nameEnd));
      value = trimLws(head, colon + 1, end);
      pending = true;
    }
    p = nl + 1;
  }
  // The last complete header is kept even after a failure, for the partial request.
  if (pending) commit(headers, key, name, value);
  return failure;
}

function commit(headers: Headers, key: KeyHeaders, name: string, value: string): void {
  headers.append(name, value);
  noteHeader(key, name, value);
}

function trimLws(text: string, start: number, end: number): string {
  let s = start;
  let e = end;
  while (s < e && (text.charCodeAt(s) === 0x20 || text.charCodeAt(s) === 0x09)) s++;
  while (e > s && (text.charCodeAt(e - 1) === 0x20 || text.charCodeAt(e - 1) === 0x09)) e--;
  return text.slice(s, e);
}

function reasonToFailure(reason: string | undefined): Failure | undefined {
  return reason === undefined ? undefined : { status: 400, reason };
}

/**
 * The error, with the request as far as it was read when a response can be built from it: the
 * method is known and the top Via parses (responses are routed by it, §18.2.2); the stack copies
 * whichever of From/To/Call-ID/CSeq are present (RFC 4475 §3.3.1 still wants its 400).
 */
function refuse(failure: Failure, startLine: StartLine, headers: Headers, key: KeyHeaders): Result<never, SipParseError> {
  if (startLine.kind !== 'request' || topVia(key) === undefined) return err(failure);
  const partial: SipRequest = { type: 'request', method: startLine.method, uri: startLine.uri, version: startLine.version, headers, body: EMPTY };
  return err({ ...failure, partial });
}
