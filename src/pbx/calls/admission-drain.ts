// The node's drain gate: once a drain has begun, no new call starts here. A new INVITE gets 503 with Retry-After at
// once (before any authentication or lookup), so a carrier or a SIP edge (Kamailio's dispatcher) fails over to another
// node instead of waiting; an API originate is refused with a reason. In-dialog requests (re-INVITE, BYE, REFER ...),
// REGISTER and OPTIONS never pass through here: calls in progress and registrations carry on while the node drains.
import type { ServerTransaction, SipStack } from '../../sip/index.ts';

/** What an API originate is told while the node drains. */
export const DRAINING_ORIGINATE_ERROR = 'this node is draining (shutting down): it takes no new calls; place the call on another node';

export class CallDrain {
  private endsAt: number | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  get draining(): boolean {
    return this.endsAt !== undefined;
  }

  /** New calls are refused from now on; `limitMs` is how long calls in progress may go on (what Retry-After tells). */
  begin(limitMs: number): void {
    this.endsAt ??= this.now() + limitMs;
  }

  /**
   * Answers a new INVITE 503 when draining, and says whether it did. Retry-After (RFC 3261 §21.5.4) is the time the
   * drain has left, at least a few seconds: this node will not take calls before then.
   */
  refuseInvite(stack: Pick<SipStack, 'respond'>, transaction: ServerTransaction): boolean {
    if (this.endsAt === undefined) return false;
    const seconds = Math.max(5, Math.ceil((this.endsAt - this.now()) / 1000));
    stack.respond(transaction, 503, 'Service Unavailable', [['Retry-After', String(seconds)], ['Warning', '399 callgrid "this node is draining"']]);
    return true;
  }

  /** Why an originate may not start now, or undefined. */
  refuseOriginate(): string | undefined {
    return this.endsAt === undefined ? undefined : DRAINING_ORIGINATE_ERROR;
  }
}
