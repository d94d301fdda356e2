// The state of one dialog (RFC 3261 §12): its ID, parties, remote target, route set and CSeq counters,
// created as UAS (§12.1.1) or UAC (§12.1.2), confirmed by a 2xx (§13.2.2.4), and its in-dialog requests.
import { err, ok, type Result } from '../../shared/index.ts';
import type { SipMessage, SipRequest, SipResponse } from '../message/index.ts';
import type { Endpoint } from '../transport/index.ts';
import { readCSeq, readCallId, readContactUri, readParty, readRecordRoute, requireContactUri, routeUri } from './dialog-fields.ts';
import { dialogKey, keyOfRequest, keyOfResponse } from './dialog-key.ts';
import { endpointForUri } from './endpoint-for-uri.ts';
import { buildInDialogRequest, type DialogRequestOptions, type DialogRequestState } from './in-dialog-request.ts';

/**
 * Where in-dialog requests go. The creator chooses: for a phone behind NAT the packets' source and its flow
 * (RFC 5626), otherwise e.g. `endpointForUri(dialog.nextHopUri())`.
 */
export interface DialogPeer {
  readonly endpoint: Endpoint;
  readonly flowId: string | undefined;
}

export type DialogRole = 'uac' | 'uas';
export type DialogState = 'early' | 'confirmed';

/** Methods whose request and 2xx replace the remote target (§12.2: INVITE; RFC 3311 UPDATE; RFC 6665). */
export const TARGET_REFRESH_METHODS: ReadonlySet<string> = new Set(['INVITE', 'UPDATE', 'SUBSCRIBE', 'NOTIFY']);

export interface DialogInit {
  readonly role: DialogRole;
  readonly state: DialogState;
  readonly callId: string;
  readonly localTag: string;
  /** '' when the peer sent no tag (an RFC 2543 UA): §12.1.1 "the remote tag MUST be set to null". */
  readonly remoteTag: string;
  readonly localUri: string;
  readonly remoteUri: string;
  readonly remoteTarget: string;
  readonly routeSet: readonly string[];
  readonly localSeq: number;
  readonly remoteSeq: number | undefined;
  readonly secure: boolean;
  readonly localContact: string;
  readonly peer: DialogPeer;
}

export class Dialog implements DialogRequestState {
  readonly role: DialogRole;
  state: DialogState;
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** Our party as name-addr text without tag (To of the INVITE as UAS, From as UAC). */
  localUri: string;
  remoteUri: string;
  /** The peer's Contact URI: the Request-URI (or last Route, strict routing) of our requests. */
  remoteTarget: string;
  /** Route values in the order our requests carry them. */
  routeSet: string[];
  /** The CSeq number of our last request (ACK and CANCEL reuse their INVITE's). */
  localSeq: number;
  remoteSeq: number | undefined;
  /** §12.1: requests of a secure dialog go over TLS with a SIPS Request-URI. */
  secure: boolean;
  /** Our Contact value (name-addr text) written in in-dialog requests other than ACK and CANCEL. */
  localContact: string;
  peer: DialogPeer;

  constructor(init: DialogInit) {
    this.role = init.role;
    this.state = init.state;
    this.callId = init.callId;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.localUri = init.localUri;
    this.remoteUri = init.remoteUri;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = [...init.routeSet];
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.secure = init.secure;
    this.localContact = init.localContact;
    this.peer = init.peer;
  }

  /**
   * The UAS side of a dialog-creating request (§12.1.1), typically an INVITE, answered with `localTag` in the
   * To of our 1xx/2xx; `localContact` is the Contact of those responses. Starts early; `confirm()` when the 2xx
   * is sent (requests can be built in either state).
   */
  static fromIncomingInvite(request: SipRequest, localTag: string, localContact: string, peer: DialogPeer): Result<Dialog, string> {
    const callId = readCallId(request);
    if (!callId.ok) return callId;
    const to = readParty(request, 'to');
    if (!to.ok) return to;
    if (to.value.tag !== '') return err('the request already has a To tag: it belongs to a dialog');
    const from = readParty(request, 'from');
    if (!from.ok) return from;
    const cseq = readCSeq(request);
    if (!cseq.ok) return cseq;
    // "The UAS MUST set the remote target URI to the URI in the Contact header field of the request."
    const target = requireContactUri(request);
    if (!target.ok) return target;
    // "The route set MUST be set to the list of URIs in the Record-Route header field from the request, taken in
    // order and preserving all URI parameters. If no Record-Route header field is present in the request, the
    // route set MUST be set to the empty set."
    const routes = readRecordRoute(request);
    if (!routes.ok) return routes;
    return ok(new Dialog({
      role: 'uas',
      state: 'early',
      callId: callId.value,
      localTag,
      remoteTag: from.value.tag,
      // "The remote URI MUST be set to the URI in the From field, and the local URI MUST be set to the URI in the To field."
      localUri: to.value.nameAddr,
      remoteUri: from.value.nameAddr,
      remoteTarget: target.value,
      routeSet: routes.value,
      // "The local sequence number MUST be empty": §12.2.1.1 then picks an initial value (§8.1.1.5: below 2**31);
      // 0 makes our first request CSeq 1.
      localSeq: 0,
      // "The remote sequence number MUST be set to the value of the sequence number in the CSeq header field of the request."
      remoteSeq: cseq.value.seq,
      // "If the request arrived over TLS, and the Request-URI contained a SIPS URI, the "secure" flag is set to TRUE."
      secure: isTls(peer) && /^sips:/i.test(request.uri),
      localContact,
      peer,
    }));
  }

  /**
   * The UAC side (§12.1.2): a 1xx with a To tag (early dialog) or a 2xx (confirmed) to our `request` (as sent).
   * `localContact` is normally the request's Contact.
   */
  static fromResponse(request: SipRequest, response: SipResponse, localContact: string, peer: DialogPeer): Result<Dialog, string> {
    if (response.status < 101 || response.status > 299) return err(`a ${response.status} response creates no dialog`);
    const callId = readCallId(request);
    if (!callId.ok) return callId;
    const from = readParty(request, 'from');
    if (!from.ok) return from;
    if (from.value.tag === '') return err('our request has no From tag');
    const to = readParty(response, 'to');
    if (!to.ok) return to;
    // §12.1: a dialog is established by "non-failure responses ... with a To tag"; only a 2xx from an RFC 2543
    // UA may lack it ("if the response had no tag, the remote tag MUST be set to null").
    if (to.value.tag === '' && response.status < 200) return err('a provisional response without To tag creates no dialog');
    const cseq = readCSeq(request);
    if (!cseq.ok) return cseq;
    // "The remote target MUST be set to the URI from the Contact header field of the response."
    const target = requireContactUri(response);
    if (!target.ok) return target;
    const routes = readRecordRoute(response);
    if (!routes.ok) return routes;
    return ok(new Dialog({
      role: 'uac',
      state: response.status >= 200 ? 'confirmed' : 'early',
      callId: callId.value,
      localTag: from.value.tag,
      remoteTag: to.value.tag,
      // "The remote URI MUST be set to the URI in the To field, and the local URI MUST be set to the URI in the From field."
      localUri: from.value.nameAddr,
      remoteUri: to.value.nameAddr,
      remoteTarget: target.value,
      // "The route set MUST be set to the list of URIs in the Record-Route header field from the response, taken in
      // reverse order and preserving all URI parameters."
      routeSet: routes.value.reverse(),
      // "The local sequence number MUST be set to the value of the sequence number in the CSeq header field of the
      // request. The remote sequence number MUST be empty"
      localSeq: cseq.value.seq,
      remoteSeq: undefined,
      // "If the request was sent over TLS, and the Request-URI contained a SIPS URI, the secure flag is set to TRUE."
      secure: isTls(peer) && /^sips:/i.test(request.uri),
      localContact,
      peer,
    }));
  }

  /** The dialog key of an incoming request (To tag = our local tag, From tag = remote tag); undefined outside a dialog. */
  static keyOfRequest(request: SipRequest): string | undefined {
    return keyOfRequest(request);
  }

  /** The dialog key of a response to our request (From tag = local, To tag = remote). */
  static keyOfResponse(response: SipResponse): string | undefined {
    return keyOfResponse(response);
  }

  /** The dialog ID (Call-ID, local tag, remote tag) as a map key; see dialogKey. */
  get id(): string {
    return dialogKey(this.callId, this.localTag, this.remoteTag);
  }

  /**
   * Moves an early dialog to confirmed. As UAC pass the 2xx: §13.2.2.4 "the dialog MUST be transitioned to the
   * "confirmed" state, and the route set for the dialog MUST be recomputed based on the 2xx response", and its
   * Contact is the remote target (§12.1.2). As UAS call it without argument when our 2xx goes out.
   */
  confirm(response?: SipResponse): Result<void, string> {
    if (response === undefined || this.role === 'uas') {
      this.state = 'confirmed';
      return ok(undefined);
    }
    if (response.status < 200 || response.status > 299) return err(`a ${response.status} does not confirm a dialog`);
    const to = readParty(response, 'to');
    if (!to.ok) return to;
    if (to.value.tag !== this.remoteTag) return err('the 2xx belongs to another dialog (To tag differs)');
    const target = requireContactUri(response);
    if (!target.ok) return target;
    const routes = readRecordRoute(response);
    if (!routes.ok) return routes;
    this.remoteTarget = target.value;
    this.routeSet = routes.value.reverse();
    this.state = 'confirmed';
    return ok(undefined);
  }

  /**
   * A new request within the dialog with the next CSeq. §12.2.1.1: "Requests within a dialog MUST contain strictly
   * monotonically increasing and contiguous CSeq sequence numbers (increasing-by-one) in each direction (excepting
   * ACK and CANCEL of course, whose numbers equal the requests being acknowledged or cancelled)". ACK and CANCEL
   * therefore have their own builders (buildAck, buildCancel); asking for them here is a programming error.
   */
  createRequest(method: string, options: DialogRequestOptions = {}): SipRequest {
    if (method === 'ACK' || method === 'CANCEL') throw new RangeError(`build ${method} with build${method === 'ACK' ? 'Ack' : 'Cancel'}, not createRequest`);
    this.localSeq += 1;
    return buildInDialogRequest(this, method, this.localSeq, options);
  }

  /**
   * §12.2.2 for an incoming in-dialog request: false when it is out of order ("MUST be rejected with a 500
   * (Server Internal Error) response") or its CSeq is unreadable; otherwise records its number.
   */
  checkRemoteSeq(request: SipRequest): boolean {
    const cseq = readCSeq(request);
    if (!cseq.ok) return false;
    // "If the remote sequence number was not empty, but the sequence number of the request is lower than the
    // remote sequence number, the request is out of order and MUST be rejected". An equal number is an ACK or
    // CANCEL of the last request (or a retransmission the transaction layer absorbs).
    if (this.remoteSeq !== undefined && cseq.value.seq < this.remoteSeq) return false;
    // "If the remote sequence number is empty, it MUST be set to the value of the sequence number in the CSeq
    // header field value in the request."
    this.remoteSeq = cseq.value.seq;
    return true;
  }

  /**
   * Target refresh from a re-INVITE/UPDATE we received (§12.2.2) or the 2xx to one we sent (§12.2.1.2): "it MUST
   * replace the dialog's remote target URI with the URI from the Contact header field in that request, if
   * present". No Contact leaves the target alone; a malformed one is an error and changes nothing.
   */
  refreshTarget(message: SipMessage): Result<void, string> {
    const target = readContactUri(message);
    if (!target.ok) return target;
    if (target.value !== undefined) this.remoteTarget = target.value;
    return ok(undefined);
  }

  /** The URI our requests are sent towards (§8.1.2): the first route if any, else the remote target. */
  nextHopUri(): string {
    const [first] = this.routeSet;
    return first === undefined ? this.remoteTarget : (routeUri(first) ?? first);
  }

  /** `nextHopUri()` as an Endpoint when its host is an IP address (see endpointForUri). */
  nextHopEndpoint(): Endpoint | undefined {
    return endpointForUri(this.nextHopUri());
  }
}

function isTls(peer: DialogPeer): boolean {
  return peer.endpoint.protocol === 'tls' || peer.endpoint.protocol === 'wss';
}
