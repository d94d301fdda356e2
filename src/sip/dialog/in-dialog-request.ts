// Builds a request within a dialog (RFC 3261 §12.2.1.1): Request-URI and Route from the remote target and
// route set (loose or strict routing), To/From/Call-ID from the dialog ID, the given CSeq, Contact, body.
import { Headers, canonicalName, parseUri, serializeUri, type SipRequest } from '../message/index.ts';
import type { HeaderList } from '../ua/index.ts';
import { routeUri } from './dialog-fields.ts';

/** The dialog state a request is built from (a Dialog satisfies it). */
export interface DialogRequestState {
  readonly callId: string;
  readonly localUri: string;
  readonly localTag: string;
  readonly remoteUri: string;
  readonly remoteTag: string;
  readonly remoteTarget: string;
  readonly routeSet: readonly string[];
  readonly localContact: string | undefined;
}

export interface DialogRequestOptions {
  /** Appended after the dialog's headers (Authorization, Session-Expires, Event...). */
  readonly headers?: HeaderList;
  readonly body?: Buffer | string;
  /** Content-Type of a non-empty body; 'application/sdp' when omitted and `headers` carry none. */
  readonly contentType?: string;
}

/** The Request-URI and Route values of a request sent to `remoteTarget` over `routeSet` (§12.2.1.1). */
export function requestTarget(remoteTarget: string, routeSet: readonly string[]): { uri: string; routes: string[] } {
  const [first, ...rest] = routeSet;
  // "If the route set is empty, the UAC MUST place the remote target URI into the Request-URI. The UAC MUST NOT
  // add a Route header field to the request."
  if (first === undefined) return { uri: remoteTarget, routes: [] };
  const firstUri = routeUri(first) ?? first;
  const parsed = parseUri(firstUri);
  // "If the route set is not empty, and the first URI in the route set contains the lr parameter, the UAC MUST
  // place the remote target URI into the Request-URI and MUST include a Route header field containing the route
  // set values in order, including all parameters."
  if (!parsed.ok || parsed.value.params.has('lr')) return { uri: remoteTarget, routes: [...routeSet] };
  // Strict routing: "the UAC MUST place the first URI from the route set into the Request-URI, stripping any
  // parameters that are not allowed in a Request-URI. The UAC MUST add a Route header field containing the
  // remainder of the route set values in order, including all parameters. The UAC MUST then place the remote
  // target URI into the Route header field as the last value." §19.1.1: method and headers are not allowed there.
  const params = new Map(parsed.value.params);
  params.delete('method');
  const uri = serializeUri({ ...parsed.value, params, headers: new Map() });
  return { uri, routes: [...rest, `<${remoteTarget}>`] };
}

/** A request of the dialog with CSeq `seq` (the caller chooses it: ACK reuses the INVITE's, others increment). */
export function buildInDialogRequest(dialog: DialogRequestState, method: string, seq: number, options: DialogRequestOptions = {}): SipRequest {
  const { uri, routes } = requestTarget(dialog.remoteTarget, dialog.routeSet);
  const extra = [...(options.headers ?? [])];
  const has = (name: string): boolean => extra.some(([n]) => canonicalName(n) === name);
  const headers = new Headers();
  // §7.3.1: headers proxies need (Route, Max-Forwards) go towards the top; the stack puts its Via first.
  for (const route of routes) headers.append('Route', route);
  if (!has('max-forwards')) headers.append('Max-Forwards', '70');
  // "The URI in the From field of the request MUST be set to the local URI from the dialog state. The tag in the
  // From header field of the request MUST be set to the local tag of the dialog ID."
  headers.append('From', `${dialog.localUri};tag=${dialog.localTag}`);
  // "The URI in the To field of the request MUST be set to the remote URI from the dialog state. The tag in the To
  // header field of the request MUST be set to the remote tag of the dialog ID. If the remote tag is null, the tag
  // parameter MUST NOT be included."
  headers.append('To', dialog.remoteTag === '' ? dialog.remoteUri : `${dialog.remoteUri};tag=${dialog.remoteTag}`);
  // "The Call-ID of the request MUST be set to the Call-ID of the dialog."
  headers.append('Call-ID', dialog.callId);
  headers.append('CSeq', `${seq} ${method}`);
  // "A UAC SHOULD include a Contact header field in any target refresh requests within a dialog"; it does no harm
  // in the others, and ACK and CANCEL are built without one.
  if (dialog.localContact !== undefined && method !== 'ACK' && method !== 'CANCEL' && !has('contact')) headers.append('Contact', dialog.localContact);
  for (const [name, value] of extra) headers.append(name, value);
  const body = options.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
  // §20.15: "The Content-Type header field MUST be present if the body is not empty." Content-Length is the
  // serializer's, computed from the body.
  if (body.length > 0 && !has('content-type')) headers.append('Content-Type', options.contentType ?? 'application/sdp');
  return { type: 'request', method, uri, version: 'SIP/2.0', headers, body };
}
