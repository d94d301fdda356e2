// Client non-INVITE transaction (RFC 3261 §17.1.2): Trying -> Proceeding -> Completed -> Terminated,
// timers E (retransmit, capped at T2), F (timeout) and K (absorb response retransmissions).
import type { SipRequest, SipResponse } from '../message/sip-message.ts';
import type { Endpoint } from '../transport/endpoint.ts';
import { BaseTransaction, type ClientTransactionEvents, type TransactionContext } from './base-transaction.ts';

export class ClientNonInviteTransaction extends BaseTransaction<'E' | 'F' | 'K'> {
  readonly kind = 'client-non-invite';

  constructor(key: string, request: SipRequest, destination: Endpoint, context: TransactionContext, private readonly client: ClientTransactionEvents) {
    super(key, request, destination, context, client, 'trying');
  }

  /** Sends the request and arms the timers (§17.1.2.2). */
  start(): void {
    if (!this.transmit(this.request)) return;
    const { t1 } = this.context.timers;
    // "If an unreliable transport is in use, the client transaction MUST set timer E to fire in T1 seconds."
    if (!this.reliable) this.armE(t1);
    // "the Trying state ... MUST set timer F to fire in 64*T1 seconds" (for any transport).
    this.timers.start('F', 64 * t1, () => {
      // "If Timer F fires while in the Trying state [or Proceeding], the client transaction SHOULD inform the TU
      // about the timeout, and then it SHOULD enter the Terminated state."
      if (this.current === 'trying' || this.current === 'proceeding') this.fail('timeout');
    });
  }

  receiveResponse(response: SipResponse): void {
    if (this.current !== 'trying' && this.current !== 'proceeding') return; // Completed absorbs retransmitted finals.
    if (response.status < 200) {
      // "If a provisional response is received while in the Trying state, the response MUST be passed to the TU,
      // and then the client transaction SHOULD move to the Proceeding state."
      this.setState('proceeding');
      this.client.onResponse(response);
      return;
    }
    // "If a final response (status codes 200-699) is received while in the Trying [or Proceeding] state, the
    // response MUST be passed to the TU, and the client transaction MUST transition to the Completed state."
    this.timers.stop('E');
    this.timers.stop('F');
    this.setState('completed');
    this.client.onResponse(response);
    // "Once the client transaction enters the Completed state, it MUST set Timer K to fire in T4 seconds for
    // unreliable transports, and zero seconds for reliable transports."
    if (this.stillIn('completed')) this.waitThenTerminate('K', this.context.timers.t4);
  }

  private armE(interval: number): void {
    this.timers.start('E', interval, () => {
      if (this.current !== 'trying' && this.current !== 'proceeding') return;
      if (!this.transmit(this.request)) return;
      // Trying: "reset with a value of MIN(2*T1, T2)" and doubling; Proceeding: "reset with a value of T2".
      const { t2 } = this.context.timers;
      this.armE(this.current === 'proceeding' ? t2 : Math.min(interval * 2, t2));
    });
  }
}
