// The headers the parser itself checks (RFC 3261 §8.1.1 mandatory set, §20 syntax, §18.3 framing):
// collected once while reading lines, then validated so a bad value is refused before any layer uses it.
import { splitList } from './headers.ts';
import { nameAddrError } from './name-addr.ts';
import type { Via } from './sip-message.ts';
import { CHARS, WORD } from './char-classes.ts';
import { isValidVia, parseCSeq, parseVia } from './via.ts';

/** Raw values of the headers the parser validates, gathered in the one pass over the lines. */
export interface KeyHeaders {
  readonly via: string[];
  readonly contacts: string[];
  from?: string;
  to?: string;
  callId?: string;
  cseq?: string;
  maxForwards?: string;
  contentLength?: string;
  date?: string;
  /** The first single-value header seen twice (RFC 4475 §3.3.8, §3.3.9). */
  duplicate?: string;
}

export function newKeyHeaders(): KeyHeaders {
  // Every field present from the start keeps one object shape (faster property access).
  return {
    via: [], contacts: [], from: undefined, to: undefined, callId: undefined, cseq: undefined,
    maxForwards: undefined, contentLength: undefined, date: undefined, duplicate: undefined,
  };
}

/** Records one header line (name already canonical, lower case). */
export function noteHeader(key: KeyHeaders, name: string, value: string): void {
  switch (name) {
    case 'via':
      key.via.push(value);
      return;
    case 'contact':
      key.contacts.push(value);
      return;
    case 'from':
      if (key.from === undefined) key.from = value;
      else key.duplicate ??= 'From';
      return;
    case 'to':
      if (key.to === undefined) key.to = value;
      else key.duplicate ??= 'To';
      return;
    case 'call-id':
      if (key.callId === undefined) key.callId = value;
      else key.duplicate ??= 'Call-ID';
      return;
    case 'cseq':
      if (key.cseq === undefined) key.cseq = value;
      else key.duplicate ??= 'CSeq';
      return;
    case 'max-forwards':
      if (key.maxForwards === undefined) key.maxForwards = value;
      else key.duplicate ??= 'Max-Forwards';
      return;
    case 'content-length':
      if (key.contentLength === undefined) key.contentLength = value;
      else key.duplicate ??= 'Content-Length';
      return;
    case 'date':
      key.date = value;
      return;
  }
}

/** The top Via, if it parses: a 400 can only be routed back through it (§18.2.2). */
export function topVia(key: KeyHeaders): Via | undefined {
  const first = key.via[0];
  if (first === undefined) return undefined;
  const element = first.indexOf(',') < 0 ? first : splitList(first)[0];
  if (element === undefined) return undefined;
  const via = parseVia(element);
  return via.ok ? via.value : undefined;
}

/**
 * Validates the collected headers; returns the reason phrase of a 400 or undefined. `method` is
 * the request method, or undefined for a response. Reasons are fixed text, never echoed input.
 */
export function checkHeaders(key: KeyHeaders, method: string | undefined): string | undefined {
  // §7.3.1: only comma-separated-list headers may appear more than once.
  if (key.duplicate !== undefined) return `Multiple ${key.duplicate}`;
  if (key.via.length === 0) return 'Missing Via';
  for (const line of key.via) {
    const elements = line.indexOf(',') < 0 ? [line] : splitList(line);
    if (elements.length === 0) return 'Bad Via';
    for (const element of elements) if (!isValidVia(element)) return 'Bad Via';
  }
  if (key.from === undefined) return 'Missing From';
  if (nameAddrError(key.from) !== undefined) return 'Bad From';
  if (key.to === undefined) return 'Missing To';
  if (nameAddrError(key.to) !== undefined) return 'Bad To';
  if (key.callId === undefined) return 'Missing Call-ID';
  if (!validCallId(key.callId)) return 'Bad Call-ID';
  if (key.cseq === undefined) return 'Missing CSeq';
  const cseq = parseCSeq(key.cseq);
  if (!cseq.ok) return 'Bad CSeq';
  // §8.1.1.5: the method MUST match that of the request (RFC 4475 §3.1.2.17).
  if (method !== undefined && cseq.value.method !== method) return 'CSeq method mismatch';
  // §20.22: Max-Forwards is an integer in the range 0-255 (RFC 4475 §3.1.2.4).
  if (key.maxForwards !== undefined && !validInteger(key.maxForwards, 3, 255)) return 'Bad Max-Forwards';
  if (key.contentLength !== undefined && !validInteger(key.contentLength, 10, 0xffffffff)) return 'Bad Content-Length';
  for (const line of key.contacts) if (!validContact(line)) return 'Bad Contact';
  if (key.date !== undefined && !SIP_DATE.test(key.date)) return 'Bad Date';
  return undefined;
}

/** callid = word [ "@" word ] (§25.1). */
function validCallId(value: string): boolean {
  if (value === '') return false;
  let at = -1;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x40 /* @ */ && at < 0 && i > 0) at = i;
    else if (code > 127 || ((CHARS[code] ?? 0) & WORD) === 0) return false;
  }
  return at !== value.length - 1;
}

function validInteger(value: string, maxDigits: number, max: number): boolean {
  if (value.length === 0 || value.length > maxDigits + 8) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return Number(value) <= max;
}

/** Contact = "*" / 1#(name-addr / addr-spec) with params (§20.10). */
function validContact(line: string): boolean {
  if (line === '*') return true;
  const elements = line.indexOf(',') < 0 ? [line] : splitList(line);
  if (elements.length === 0) return false;
  for (const element of elements) if (nameAddrError(element) !== undefined) return false;
  return true;
}

// SIP-date = rfc1123-date, always in GMT (§20.17, §25.1); RFC 4475 §3.1.2.12 sends "EST".
const SIP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
