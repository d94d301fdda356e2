// Client INVITE transaction (RFC 3261 §17.1.1 as updated by RFC 6026 §8.4): Calling -> Proceeding -> Completed or
// Accepted -> Terminated; timers A (retransmit), B (timeout), D (absorb non-2xx retransmissions), M (absorb 2xx).
import type { SipRequest, SipResponse } from '../message/sip-message.ts';
import type { Endpoint } from '../transport/endpoint.ts';
import { BaseTransaction, type ClientTransactionEvents, type TransactionContext } from './base-transaction.ts';
import { buildNon2xxAck } from './non-2xx-ack.ts';
import { timerD } from './timer-config.ts';

export class ClientInviteTransaction extends BaseTransaction<'A' | 'B' | 'D' | 'M'> {
  readonly kind = 'client-invite';
  private ack: SipRequest | undefined;

  constructor(key: string, request: SipRequest, destination: Endpoint, context: TransactionContext, private readonly client: ClientTransactionEvents) {
    super(key, request, destination, context, client, 'calling');
  }

  /** Sends the INVITE and arms the timers (§17.1.1.2). */
  start(): void {
    if (!this.transmit(this.request)) return;
    const { t1 } = this.context.timers;
    // "If an unreliable transport is being used, the client transaction MUST start timer A with a value of T1."
    if (!this.reliable) this.armA(t1);
    // "For any transport, the client transaction MUST start timer B with a value of 64*T1 seconds."
    this.timers.start('B', 64 * t1, () => {
      // "If the client transaction is still in the Calling state when timer B fires, the client transaction
      // SHOULD inform the TU that a timeout has occurred."
      if (this.current === 'calling') this.fail('timeout');
    });
  }

  /** The ACK sent for a non-2xx final response, once there is one. */
  get ackRequest(): SipRequest | undefined {
    return this.ack;
  }

  receiveResponse(response: SipResponse): void {
    const status = response.status;
    if (this.current === 'calling' || this.current === 'proceeding') {
      if (status < 200) {
        // Calling -> Proceeding: "the client transaction SHOULD NOT retransmit the request any longer"; B only guards Calling.
        this.timers.stop('A');
        this.timers.stop('B');
        this.setState('proceeding');
        this.client.onResponse(response);
      } else if (status < 300) {
        // §17.1.1.2: "the response MUST be passed up to the TU"; RFC 6026 §8.4 sends the transaction to Accepted
        // instead of Terminated, with Timer M = 64*T1, so 2xx retransmissions and forked 2xx still find it.
        // The TU acknowledges 2xx itself (§13.2.2.4).
        this.timers.stop('A');
        this.timers.stop('B');
        this.setState('accepted');
        this.client.onResponse(response);
        if (this.stillIn('accepted')) this.timers.start('M', 64 * this.context.timers.t1, () => this.terminate());
      } else {
        this.timers.stop('A');
        this.timers.stop('B');
        this.setState('completed');
        // "the client transaction MUST pass the received response up to the TU, and the client transaction
        // MUST generate an ACK request" (built per §17.1.1.3).
        this.ack = buildNon2xxAck(this.request, response);
        this.client.onResponse(response);
        if (!this.stillIn('completed') || !this.transmit(this.ack)) return;
        // "The client transaction SHOULD start timer D when it enters the Completed state, with a value of at
        // least 32 seconds for unreliable transports, and a value of zero seconds for reliable transports."
        this.waitThenTerminate('D', timerD(this.context.timers));
      }
    } else if (this.current === 'accepted' && status >= 200 && status < 300) {
      // RFC 6026 §8.4: "Any 2xx responses that match this client transaction and that are received while in the
      // Accepted state MUST be passed up to the TU. The client transaction MUST NOT generate an ACK to the 2xx".
      this.client.onResponse(response);
    } else if (this.current === 'completed' && status >= 300 && this.ack) {
      // "Any retransmissions of the final response that are received while in the Completed state MUST cause the
      // ACK to be re-passed to the transport layer for retransmission, but the newly received response MUST NOT
      // be passed up to the TU."
      this.transmit(this.ack);
    }
  }

  private armA(interval: number): void {
    this.timers.start('A', interval, () => {
      if (this.current !== 'calling') return;
      // "the client transaction MUST retransmit the request by passing it to the transport layer, and MUST reset
      // the timer with a value of 2*T1" — and doubling again each time, with no cap for INVITE.
      if (this.transmit(this.request)) this.armA(interval * 2);
    });
  }
}
