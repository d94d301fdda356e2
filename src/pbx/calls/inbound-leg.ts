// The caller's leg of a call: the UAS side of the B2BUA (RFC 3261 §13.3). Sends provisional and final answers to
// the INVITE, retransmits its 2xx until the ACK comes (§13.3.1.4), and holds the dialog once there is one (§12.1.1).
import type { Clock, CancelTimer, Logger } from '../../shared/index.ts';
import { Dialog, isReliable, type HeaderList, type InboundSource, type ServerInviteTransaction, type SipRequest, type SipResponse, type SipStack } from '../../sip/index.ts';
import { localContact } from './local-contact.ts';

export type InboundState = 'proceeding' | 'early' | 'confirmed' | 'terminated';

export class InboundLeg {
  private state: InboundState = 'proceeding';
  private dialogValue: Dialog | undefined;
  /** The 2xx retransmission timer (unreliable transports) or the plain ACK wait (reliable ones), until the ACK. */
  private stopRetransmit: CancelTimer | undefined;
  private sentRinging = false;
  /** A BYE asked for before the ACK came (§15): sent when the ACK arrives or the wait for it ends. */
  private heldBye: { readonly reason: string | undefined } | undefined;

  constructor(
    private readonly stack: SipStack,
    readonly transaction: ServerInviteTransaction,
    readonly invite: SipRequest,
    readonly source: InboundSource,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Called when the 2xx was retransmitted for 64*T1 without an ACK: the call must end (§13.3.1.4). */
    private readonly onAckTimeout: () => void,
  ) {}

  /** The IP the caller's SIP comes from: the relay also takes its media from there (a phone behind NAT). */
  get signallingAddress(): string {
    return this.source.endpoint.address;
  }

  get dialog(): Dialog | undefined {
    return this.dialogValue;
  }

  get current(): InboundState {
    return this.state;
  }

  get localTag(): string {
    return this.stack.toTag(this.transaction);
  }

  /** 180 Ringing once, or 183 Session Progress with the early media SDP (each SDP-carrying 183 is sent). */
  ringing(earlySdp?: string): void {
    if (this.state !== 'proceeding' && this.state !== 'early') return;
    if (earlySdp === undefined && this.sentRinging) return;
    this.sentRinging = true;
    this.state = 'early';
    const headers: Array<[string, string]> = [['Contact', this.contact()]];
    if (earlySdp === undefined) this.stack.respond(this.transaction, 180, 'Ringing', headers);
    else this.stack.respond(this.transaction, 183, 'Session Progress', [...headers, ['Content-Type', 'application/sdp']], earlySdp);
  }

  /** 200 OK with our answer; the dialog is confirmed and the 2xx is retransmitted until the ACK over UDP. */
  answer(sdp: string): boolean {
    if (this.state !== 'proceeding' && this.state !== 'early') return false;
    const headers: HeaderList = [['Contact', this.contact()], ['Content-Type', 'application/sdp'], ['Allow', ALLOW], ['Supported', 'replaces']];
    if (!this.stack.respond(this.transaction, 200, 'OK', headers, sdp)) return false;
    this.state = 'confirmed';
    const created = Dialog.fromIncomingInvite(this.invite, this.localTag, this.contact(), { endpoint: this.source.endpoint, flowId: this.source.flowId });
    if (!created.ok) {
      this.logger.warn({ error: created.error }, 'call: no dialog from the INVITE');
      return false;
    }
    created.value.confirm();
    this.dialogValue = created.value;
    const response = this.transaction.lastResponse;
    // Over TCP or WS the transport carries the 2xx; only the wait for the ACK is timed.
    this.retransmit(isReliable(this.source.endpoint.protocol) ? undefined : response, 500, 0);
    return true;
  }

  /** A final error answer (the INVITE transaction ACKs it, §17.2.1). */
  reject(status: number, reason: string, headers: HeaderList = []): void {
    if (this.state !== 'proceeding' && this.state !== 'early') return;
    this.state = 'terminated';
    this.stack.respond(this.transaction, status, reason, headers);
  }

  /** The ACK for our 2xx arrived: stop retransmitting, and send the BYE that waited for it. */
  acked(): void {
    this.stopWaitingForAck();
    this.releaseHeldBye();
  }

  /** True while a BYE waits for the caller's ACK: the B2BUA keeps routing that ACK here after the call ended. */
  get awaitingAckForBye(): boolean {
    return this.heldBye !== undefined;
  }

  /** Ends a confirmed leg with BYE (§15.1.1). */
  bye(reason?: string): void {
    if (this.state !== 'confirmed' || this.dialogValue === undefined) {
      this.stopWaitingForAck();
      this.state = 'terminated';
      return;
    }
    this.state = 'terminated';
    // §15: "the callee's UA MUST NOT send a BYE on a confirmed dialog until it has received an ACK for its 2xx
    // response or until the server transaction times out." A BYE sent first can overtake the 2xx and be lost.
    if (this.stopRetransmit !== undefined) {
      this.heldBye = { reason };
      return;
    }
    sendInDialog(this.stack, this.dialogValue, 'BYE', reason);
  }

  /** The far end ended the leg (its BYE, or CANCEL before the answer): nothing more is sent to it. */
  ended(): void {
    this.stopWaitingForAck();
    this.heldBye = undefined;
    this.state = 'terminated';
  }

  private stopWaitingForAck(): void {
    this.stopRetransmit?.();
    this.stopRetransmit = undefined;
  }

  private releaseHeldBye(): void {
    const held = this.heldBye;
    this.heldBye = undefined;
    if (held !== undefined && this.dialogValue !== undefined) sendInDialog(this.stack, this.dialogValue, 'BYE', held.reason);
  }

  private contact(): string {
    return localContact(this.stack, this.source.endpoint.protocol, this.source.local);
  }

  // §13.3.1.4: "the 2xx response is passed to the transport with an interval that starts at T1 seconds and doubles
  // for each retransmission until it reaches T2 seconds", and "If the server retransmits the 2xx response for 64*T1
  // seconds without receiving an ACK, the dialog is confirmed, but the session SHOULD be terminated."
  // Over a reliable transport `response` is undefined: the same timer only bounds the wait for the ACK.
  private retransmit(response: SipResponse | undefined, interval: number, elapsed: number): void {
    this.stopRetransmit = this.clock.setTimer(interval, () => {
      if (elapsed + interval >= 64 * 500) {
        this.stopRetransmit = undefined;
        // A BYE already decided goes now; otherwise the call ends for want of an ACK.
        if (this.heldBye !== undefined) return this.releaseHeldBye();
        this.onAckTimeout();
        return;
      }
      if (response !== undefined) this.stack.respondWith(this.transaction, response);
      this.retransmit(response, Math.min(interval * 2, 4000), elapsed + interval);
    });
  }
}

export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO, REFER, NOTIFY';

/** Sends a request inside a dialog (BYE, re-INVITE answer paths use their own transactions). */
export function sendInDialog(stack: SipStack, dialog: Dialog, method: string, reason?: string): void {
  const request = dialog.createRequest(method, reason ? { headers: [['Reason', reason]] } : {});
  const sent = stack.sendRequest(request, dialog.peer.endpoint, dialog.peer.flowId);
  if (!sent.ok) return;
  void sent.value.final;
}
