// What the B2BUA knows of each dialog it holds: the call it belongs to and which party of that call is on it.
import type { Call } from './call.ts';
import type { InboundLeg } from './inbound-leg.ts';
import type { OutboundLeg } from './outbound-leg.ts';

/**
 * 'a' is the caller's dialog, 'b' the callee's; 'consult': an attended transfer's target, talking with the called
 * party; 'released': a phone that completed its own attended transfer (RFC 3891) and is no party of the call any
 * more: its BYE is answered and ends nothing.
 */
export type DialogSide = 'a' | 'b' | 'consult' | 'released';

export interface DialogEntry {
  readonly call: Call;
  readonly side: DialogSide;
  readonly leg: InboundLeg | OutboundLeg;
}
