// Server INVITE transaction (RFC 3261 §17.2.1 as updated by RFC 6026 §8.5-8.7): Proceeding -> Completed -> Confirmed,
// or Proceeding -> Accepted, then Terminated; the automatic 100 Trying; timers G, H, I and L.
import type { SipRequest, SipResponse } from '../message/sip-message.ts';
import type { Endpoint } from '../transport/endpoint.ts';
import { BaseTransaction, type TransactionContext, type TransactionEvents } from './base-transaction.ts';
import { TRYING_DELAY_MS } from './timer-config.ts';
import { buildTrying } from './trying-response.ts';

export class ServerInviteTransaction extends BaseTransaction<'trying' | 'G' | 'H' | 'I' | 'L'> {
  readonly kind = 'server-invite';
  private last: SipResponse | undefined;

  constructor(key: string, request: SipRequest, source: Endpoint, context: TransactionContext, events: TransactionEvents) {
    super(key, request, source, context, events, 'proceeding');
  }

  /** Arms the 100 Trying; call once the TU has been given the request. */
  start(): void {
    // "the server transaction MUST generate a 100 (Trying) response unless it knows that the TU will generate a
    // provisional or final response within 200 ms"; we cannot know, so we wait 200 ms and see.
    if (this.current === 'proceeding' && this.last === undefined) {
      this.timers.start('trying', TRYING_DELAY_MS, () => {
        if (this.current === 'proceeding' && this.last === undefined) this.sendProvisional(buildTrying(this.request));
      });
    }
  }

  /** The most recent response sent (what a retransmitted INVITE gets back). */
  get lastResponse(): SipResponse | undefined {
    return this.last;
  }

  /** A response from the TU; false when the state no longer accepts one (it is then not sent). */
  respond(response: SipResponse): boolean {
    // RFC 6026 §8.7: "Any retransmission of the 2xx response passed from the TU to the transaction while in the
    // Accepted state MUST be passed to the transport layer for transmission" (the TU retransmits 2xx, §13.3.1.4).
    if (this.current === 'accepted' && response.status >= 200 && response.status < 300) return this.transmit(response);
    if (this.current !== 'proceeding') return false;
    this.timers.stop('trying');
    const status = response.status;
    if (status < 200) return this.sendProvisional(response);
    if (status < 300) {
      // "If, while in the Proceeding state, the TU passes a 2xx response to the server transaction, the server
      // transaction MUST pass this response to the transport layer for transmission." RFC 6026 then moves it to
      // Accepted (not Terminated) with Timer L = 64*T1, so a retransmitted INVITE is absorbed instead of reaching the
      // TU as a new request (the error RFC 6026 corrects).
      this.last = response;
      if (!this.transmit(response)) return false;
      this.setState('accepted');
      this.timers.start('L', 64 * this.context.timers.t1, () => this.terminate());
      return true;
    }
    this.last = response;
    if (!this.transmit(response)) return false;
    // "the response MUST be passed to the transport layer for transmission, and the state machine MUST enter the
    // Completed state. For unreliable transports, timer G is set to fire in T1 seconds ... For any transport, timer
    // H MUST be set to fire in 64*T1 seconds."
    this.setState('completed');
    const { t1 } = this.context.timers;
    if (!this.reliable) this.armG(t1);
    // "If timer H fires while in the Completed state ... the server transaction MUST transition to the Terminated
    // state, and MUST indicate to the TU that a transaction failure has occurred."
    this.timers.start('H', 64 * t1, () => {
      if (this.current === 'completed') this.fail('timeout');
    });
    return true;
  }

  /** A retransmission of the INVITE (the layer matched it here). */
  receiveRetransmission(): void {
    // Proceeding: "the most recent provisional response that was received from the TU MUST be passed to the
    // transport layer for retransmission". Completed: "the server SHOULD pass the response to the transport for
    // retransmission". Confirmed absorbs. Accepted too: RFC 6026 §8.7 "These retransmissions are not passed onto the
    // TU", and the transaction does not answer them, since the TU owns 2xx retransmission.
    if ((this.current === 'proceeding' || this.current === 'completed') && this.last) this.transmit(this.last);
  }

  /** An ACK the layer matched here; false when it is not the transaction's to absorb (the TU gets it instead). */
  receiveAck(): boolean {
    // RFC 6026 §8.7: "Any ACKs received from the network while in the Accepted state MUST be passed directly to the
    // TU and not absorbed."
    if (this.current === 'accepted') return false;
    if (this.current !== 'completed') return true; // Confirmed absorbs further ACKs.
    // "If an ACK is received while the server transaction is in the Completed state, the server transaction MUST
    // transition to the Confirmed state. As Timer G is ignored in this state, any retransmissions of the response
    // will cease."
    this.timers.stop('G');
    this.timers.stop('H');
    this.setState('confirmed');
    // "timer I is set to fire in T4 seconds for unreliable transports, and zero seconds for reliable transports."
    this.waitThenTerminate('I', this.context.timers.t4);
    return true;
  }

  private sendProvisional(response: SipResponse): boolean {
    this.last = response;
    return this.transmit(response);
  }

  private armG(interval: number): void {
    this.timers.start('G', interval, () => {
      const retransmit = (): void => {
        if (this.current !== 'completed' || !this.last) return;
        // "the response is passed to the transport layer once more for retransmission, and timer G is set to fire in
        // MIN(2*T1, T2) seconds. From then on, when timer G fires, ... doubled, unless that value exceeds T2".
        if (this.transmit(this.last)) this.armG(Math.min(interval * 2, this.context.timers.t2));
      };
      // Node runs due timers before it reads the sockets: after a busy spell, the ACK for this response may already
      // be waiting. Reading it first spares a retransmission that a UAC which has moved on (SIPp) takes as an error.
      const afterInput = this.context.afterPendingInput;
      if (afterInput === undefined) retransmit();
      else afterInput(retransmit);
    });
  }
}
