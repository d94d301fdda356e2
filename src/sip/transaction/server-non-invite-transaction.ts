// Server non-INVITE transaction (RFC 3261 §17.2.2): Trying -> Proceeding -> Completed -> Terminated,
// timer J (absorb request retransmissions after the final response).
import type { SipRequest, SipResponse } from '../message/sip-message.ts';
import type { Endpoint } from '../transport/endpoint.ts';
import { BaseTransaction, type TransactionContext, type TransactionEvents } from './base-transaction.ts';

export class ServerNonInviteTransaction extends BaseTransaction<'J'> {
  readonly kind = 'server-non-invite';
  private last: SipResponse | undefined;

  constructor(key: string, request: SipRequest, source: Endpoint, context: TransactionContext, events: TransactionEvents) {
    super(key, request, source, context, events, 'trying');
  }

  /** The most recent response sent (what a retransmitted request gets back). */
  get lastResponse(): SipResponse | undefined {
    return this.last;
  }

  /** A response from the TU; false when the state no longer accepts one (it is then not sent). */
  respond(response: SipResponse): boolean {
    // "Any other final responses passed by the TU to the server transaction MUST be discarded while in the
    // Completed state."
    if (this.current !== 'trying' && this.current !== 'proceeding') return false;
    this.last = response;
    if (response.status < 200) {
      // Trying/Proceeding: a provisional from the TU is sent and the machine is (or stays) in Proceeding.
      this.setState('proceeding');
      return this.transmit(response);
    }
    // "If the TU passes a final response (status codes 200-699) to the server while in the Proceeding [or Trying]
    // state, the transaction MUST enter the Completed state, and the response MUST be passed to the transport layer
    // for transmission."
    this.setState('completed');
    if (!this.transmit(response)) return false;
    // "When the server transaction enters the Completed state, it MUST set Timer J to fire in 64*T1 seconds for
    // unreliable transports, and zero seconds for reliable transports."
    this.waitThenTerminate('J', 64 * this.context.timers.t1);
    // Completed for 64*T1 on UDP, answering retransmissions with `last` only: the rest of the request can go.
    if (this.stillIn('completed')) this.keepForRetransmissions(response);
    return true;
  }

  /** A retransmission of the request (the layer matched it here). */
  receiveRetransmission(): void {
    // Trying: "any further request retransmissions are discarded". Proceeding: "the most recently sent provisional
    // response MUST be passed to the transport layer". Completed: "the server transaction MUST pass the final
    // response to the transport layer for retransmission".
    if ((this.current === 'proceeding' || this.current === 'completed') && this.last) this.transmit(this.last);
  }
}
