// A leg the B2BUA places towards a callee: the UAC side (RFC 3261 §13.2). Sends the INVITE to one contact,
// reports provisional and final answers, ACKs the 2xx itself (§13.2.2.4, again for each retransmission), cancels
// only after a provisional answer (§9.1) and ends with BYE.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../shared/index.ts';
import {
  Dialog,
  Headers,
  buildAck,
  buildCancel,
  digestAuthorization,
  pickChallenge,
  newCallId,
  newTag,
  type ClientTransaction,
  type Endpoint,
  type SipRequest,
  type SipResponse,
  type SipStack,
} from '../../sip/index.ts';
import { localContact } from './local-contact.ts';
import { ALLOW, sendInDialog } from './inbound-leg.ts';

export interface OutboundTarget {
  /** The Request-URI: the registered Contact URI of a phone, or the number at a carrier. */
  readonly requestUri: string;
  /** Where the INVITE goes: the phone's NAT address from its REGISTER, or the carrier. */
  readonly endpoint: Endpoint;
  readonly flowId: string | undefined;
}

export interface OutboundListener {
  provisional(leg: OutboundLeg, response: SipResponse): void;
  answered(leg: OutboundLeg, response: SipResponse): void;
  /** A final error answer, or 408 for a timeout and 503 for a transport failure. */
  failed(leg: OutboundLeg, status: number, reason: string): void;
}

export interface OutboundRequest {
  readonly target: OutboundTarget;
  /** From and To as name-addr without tags. */
  readonly from: string;
  readonly to: string;
  readonly sdp: string;
  readonly extraHeaders?: ReadonlyArray<readonly [string, string]>;
  /** A carrier's digest credentials, answered once to its 401/407 (RFC 3261 §22.2). */
  readonly credentials?: { readonly username: string; readonly password: string };
}

type OutboundState = 'calling' | 'early' | 'answered' | 'failed' | 'ended';

export class OutboundLeg {
  private state: OutboundState = 'calling';
  private sent: SipRequest | undefined;
  private transactionValue: ClientTransaction | undefined;
  private dialogValue: Dialog | undefined;
  private ack: SipRequest | undefined;
  private cancelWanted = false;
  private cancelReason: string | undefined;
  private authenticated = false;
  readonly id = randomBytes(4).toString('hex');

  constructor(
    private readonly stack: SipStack,
    private readonly request: OutboundRequest,
    private readonly listener: OutboundListener,
    private readonly logger: Logger,
    /** Told of every INVITE transaction the leg starts (the first, and a retry with credentials). */
    private readonly track: (transaction: ClientTransaction, leg: OutboundLeg) => void = () => undefined,
  ) {}

  /** The Call-ID of this leg's INVITE (its dialog's, once answered). */
  /** The IP this leg's SIP goes to: the relay also takes its media from there (a phone behind NAT). */
  /** The SDP offer our INVITE carried (each party's may name a different address of ours: fork.ts). */
  get offeredSdp(): string {
    return this.request.sdp;
  }

  get signallingAddress(): string {
    return this.request.target.endpoint.address;
  }

  get callId(): string {
    return this.sent?.headers.get('call-id') ?? '';
  }

  get transaction(): ClientTransaction | undefined {
    return this.transactionValue;
  }

  get dialog(): Dialog | undefined {
    return this.dialogValue;
  }

  get answered(): boolean {
    return this.state === 'answered';
  }

  get pending(): boolean {
    return this.state === 'calling' || this.state === 'early';
  }

  /** Sends the INVITE; false when the stack refused it (the caller treats the leg as failed). */
  start(): boolean {
    const { target } = this.request;
    const headers = new Headers();
    headers.append('From', `${this.request.from};tag=${newTag()}`);
    headers.append('To', this.request.to);
    headers.append('Call-ID', newCallId());
    headers.append('CSeq', '1 INVITE');
    headers.append('Contact', localContact(this.stack, target.endpoint.protocol));
    headers.append('Allow', ALLOW);
    headers.append('Supported', 'replaces');
    for (const [name, value] of this.request.extraHeaders ?? []) headers.append(name, value);
    headers.append('Content-Type', 'application/sdp');
    const invite: SipRequest = { type: 'request', method: 'INVITE', uri: target.requestUri, version: 'SIP/2.0', headers, body: Buffer.from(this.request.sdp) };
    return this.send(invite);
  }

  private send(invite: SipRequest): boolean {
    const { target } = this.request;
    const sent = this.stack.sendRequest(invite, target.endpoint, target.flowId);
    if (!sent.ok) {
      this.logger.warn({ error: sent.error }, 'call: INVITE not sent');
      this.state = 'failed';
      return false;
    }
    this.sent = sent.value.request;
    this.transactionValue = sent.value.transaction;
    this.track(sent.value.transaction, this);
    const transaction = sent.value.transaction;
    void sent.value.final.then((outcome) => {
      // Responses arrive through handleResponse; a retried INVITE's first transaction no longer speaks for the leg.
      if (outcome.kind === 'response' || transaction !== this.transactionValue) return;
      this.fail(outcome.kind === 'timeout' ? 408 : 503, outcome.kind === 'timeout' ? 'Request Timeout' : 'Service Unavailable');
    });
    return true;
  }

  /** Every response to our INVITE, as the stack's delegate receives them (provisionals, finals, 2xx again). */
  handleResponse(response: SipResponse): void {
    if (response.status < 200) {
      if (this.state !== 'calling' && this.state !== 'early') return;
      this.state = 'early';
      if (this.cancelWanted) return this.sendCancel();
      if (response.status > 100) this.listener.provisional(this, response);
      return;
    }
    if (response.status < 300) return this.handle2xx(response);
    if ((response.status === 401 || response.status === 407) && this.retryWithCredentials(response)) return;
    if (this.state === 'calling' || this.state === 'early') this.fail(response.status, response.reason);
  }

  /**
   * §22.2: "the client SHOULD retry the request with the appropriate credentials" — once: a second challenge means
   * the credentials are wrong. §8.1.3.5: the retry is a new request with the same Call-ID, From tag and a higher CSeq.
   */
  private retryWithCredentials(response: SipResponse): boolean {
    const credentials = this.request.credentials;
    if (credentials === undefined || this.authenticated || this.sent === undefined || this.cancelWanted || !this.pending) return false;
    const proxy = response.status === 407;
    const challenge = pickChallenge(response.headers.getAll(proxy ? 'proxy-authenticate' : 'www-authenticate'));
    if (challenge === undefined) return false;
    const answer = digestAuthorization(challenge, credentials, { method: 'INVITE', uri: this.sent.uri });
    if (!answer.ok) {
      this.logger.warn({ error: answer.error }, 'call: cannot answer the carrier challenge');
      return false;
    }
    this.authenticated = true;
    const headers = new Headers();
    for (const [name, value] of this.sent.headers.entries()) if (name !== 'via' && name !== 'cseq') headers.append(name, value);
    headers.append('CSeq', '2 INVITE');
    headers.append(proxy ? 'Proxy-Authorization' : 'Authorization', answer.value.header);
    this.state = 'calling';
    const retry: SipRequest = { type: 'request', method: 'INVITE', uri: this.sent.uri, version: 'SIP/2.0', headers, body: this.sent.body };
    // The transaction ACKs the 407 once this handler returns (§17.1.1.3); the retry goes out after that ACK, as
    // carriers expect, not before it.
    void Promise.resolve().then(() => {
      if (!this.send(retry)) this.listener.failed(this, 503, 'Service Unavailable');
    });
    return true;
  }

  /**
   * Stops a pending INVITE. §9.1: "If no provisional response has been received, the CANCEL request MUST NOT be
   * sent; rather, the client MUST wait for the arrival of a provisional response before sending the request."
   */
  /** Cancels a leg still ringing; `reason` goes in a Reason header (RFC 3326), e.g. the call was answered elsewhere. */
  cancel(reason?: string): void {
    if (reason !== undefined) this.cancelReason = reason;
    if (this.state === 'early') this.sendCancel();
    else if (this.state === 'calling') this.cancelWanted = true;
  }

  /** Ends an answered leg with BYE (§15.1.1). */
  bye(reason?: string): void {
    if (this.state !== 'answered' || this.dialogValue === undefined) return;
    this.state = 'ended';
    sendInDialog(this.stack, this.dialogValue, 'BYE', reason);
  }

  /** The far end sent BYE. */
  ended(): void {
    this.state = 'ended';
  }

  private handle2xx(response: SipResponse): void {
    if (this.sent === undefined) return;
    // §13.2.2.4: "The UAC core MUST generate an ACK request for each 2xx received from the transaction layer":
    // a retransmitted 2xx gets the same ACK again.
    if (this.ack !== undefined && this.dialogValue !== undefined && sameDialog(response, this.dialogValue)) {
      void this.stack.sendAck(this.ack, this.request.target.endpoint, this.request.target.flowId);
      return;
    }
    const created = Dialog.fromResponse(this.sent, response, localContact(this.stack, this.request.target.endpoint.protocol), {
      endpoint: this.request.target.endpoint,
      flowId: this.request.target.flowId,
    });
    if (!created.ok) {
      this.logger.warn({ error: created.error }, 'call: 2xx without a usable dialog');
      return;
    }
    const ack = buildAck(created.value, this.sent, response);
    void this.stack.sendAck(ack, this.request.target.endpoint, this.request.target.flowId);
    if (this.state === 'answered' || this.state === 'ended' || this.state === 'failed') {
      // A second fork answered (§13.2.2.4) or we gave up already: accept it with the ACK, then end it at once.
      sendInDialog(this.stack, created.value, 'BYE');
      return;
    }
    this.dialogValue = created.value;
    this.ack = ack;
    this.state = 'answered';
    if (this.cancelWanted) {
      // The callee answered while we wanted to stop: the call is over, end the leg it just set up.
      this.bye();
      this.listener.failed(this, 487, 'Request Terminated');
      return;
    }
    this.listener.answered(this, response);
  }

  private sendCancel(): void {
    if (this.sent === undefined) return;
    this.cancelWanted = false;
    const cancel = buildCancel(this.sent);
    if (this.cancelReason !== undefined) cancel.headers.append('Reason', this.cancelReason);
    const sent = this.stack.sendRequest(cancel, this.request.target.endpoint, this.request.target.flowId);
    if (sent.ok) void sent.value.final;
  }

  private fail(status: number, reason: string): void {
    if (this.state !== 'calling' && this.state !== 'early') return;
    this.state = 'failed';
    this.listener.failed(this, status, reason);
  }
}

function sameDialog(response: SipResponse, dialog: Dialog): boolean {
  return Dialog.keyOfResponse(response) === dialog.id;
}
