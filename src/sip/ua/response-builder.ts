// Builds a response to a request as a UAS does (RFC 3261 §8.2.6): Via, From, Call-ID, CSeq copied,
// To copied with our tag added, then the caller's headers and body.
import { randomText } from '../../shared/index.ts';
import { Headers, parseNameAddr, type SipRequest, type SipResponse } from '../message/index.ts';

export type HeaderList = Iterable<readonly [string, string]>;

export interface ResponseOptions {
  /** The To tag to add when the request's To has none; a fresh one when omitted (never on a 100). */
  readonly toTag?: string;
  /** Appended after the copied headers (Contact, Allow, Unsupported, WWW-Authenticate...). */
  readonly headers?: HeaderList;
  readonly body?: Buffer | string;
  /** Written as the Server header when given (§20.35). */
  readonly server?: string;
}

/** §19.3: a tag MUST be globally unique and cryptographically random with at least 32 bits of randomness. */
export function newTag(): string {
  return randomText(8, 'hex');
}

/** The tag parameter of a To or From value, or undefined (also when the value does not parse). */
export function tagOfHeader(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = parseNameAddr(value);
  const tag = parsed.ok ? parsed.value.params.get('tag') : undefined;
  return tag === null || tag === '' ? undefined : tag;
}

export function buildResponse(request: SipRequest, status: number, reason: string, options: ResponseOptions = {}): SipResponse {
  const headers = new Headers();
  const source = request.headers;
  // §8.2.6.2: "The Via header field values in the response MUST equal the Via header field values in the
  // request and MUST maintain the same ordering." The lines are copied as they are, after RFC 3581 stamping.
  for (const [name, value] of source.entries()) if (name === 'via') headers.append('Via', value);
  // "the From field of the response MUST equal the From header field of the request"
  copy(source, headers, 'from');
  const to = source.get('to');
  if (to !== undefined) headers.append('To', withTag(to, status, options.toTag));
  // "The Call-ID header field of the response MUST equal the Call-ID header field of the request. The CSeq
  // header field of the response MUST equal the CSeq field of the request."
  copy(source, headers, 'call-id');
  copy(source, headers, 'cseq');
  // §8.2.6.1: "any Timestamp header field present in the request MUST be copied into this 100 (Trying) response".
  if (status === 100) copy(source, headers, 'timestamp');
  if (options.server !== undefined && options.server !== '') headers.append('Server', options.server);
  for (const [name, value] of options.headers ?? []) headers.append(name, value);
  const body = options.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
  return { type: 'response', status, reason, version: 'SIP/2.0', headers, body };
}

function copy(from: Headers, to: Headers, name: string): void {
  const value = from.get(name);
  if (value !== undefined) to.append(name, value);
}

function withTag(to: string, status: number, tag: string | undefined): string {
  // "If a request contained a To tag in the request, the To header field in the response MUST equal that of the
  // request." A To that does not parse (a partial request being refused) is copied as it is.
  const parsed = parseNameAddr(to);
  if (!parsed.ok || tagOfHeader(to) !== undefined) return to;
  // "the UAS MUST add a tag to the To header field in the response (with the exception of the 100 (Trying)
  // response, in which a tag MAY be present)". §20.10: a tag after a bare addr-spec belongs to the header.
  if (status === 100 && tag === undefined) return to;
  return `${to};tag=${tag ?? newTag()}`;
}
