// ENABLEUNCONDITIONALDID-<did id>, DISABLEUNCONDITIONALDID-<did id>, TOGGLEUNCONDITIONALDID-<did id> (spec §3.3):
// switch a DID's unconditional forward. The switch is di_unconditionalstatus: while it is on and the DID's
// DID-UNCONDITIONAL slot has targets, inbound calls run that slot instead of DID (dialplan/inbound-did.ts). Only the
// switch changes here, never the slot's targets, so a night forward can be turned on and off from a phone or a menu.
// The step needs nothing of the caller (it neither answers nor plays): the list goes on at once; a PLAYBACK after
// it can confirm. SETUNCONDITIONALDID (keying in a new forward number) is set-unconditional-did.ts.
import type { Logger } from '../../../shared/index.ts';
import type { Application, CallHandle, StepOutcome, Target } from '../../calls/index.ts';

export type DidForwardChange = 'enable' | 'disable' | 'toggle';

/** A DID's unconditional forward switch, tenant-scoped: another tenant's DID reads as absent. */
export interface DidForwardDirectory {
  /** The DID's number and whether its unconditional forward is on; undefined when the tenant has no such DID. */
  unconditional(tenantId: number, didId: number): Promise<{ readonly number: string; readonly on: boolean } | undefined>;
  setUnconditional(tenantId: number, didId: number, on: boolean): Promise<void>;
  /**
   * Makes `number` (digits) the DID's unconditional forward: its DID-UNCONDITIONAL slot becomes one CUSTOM
   * destination of type EXTERNALNUMBER dialling it (the tenant's existing one, else a new one), and the forward is
   * switched on. Throws when the tenant has no such DID.
   */
  forwardTo(tenantId: number, didId: number, number: string): Promise<{ readonly customId: number }>;
}

export class DidForward implements Application {
  constructor(
    private readonly deps: { readonly dids: DidForwardDirectory; readonly logger: Logger },
    private readonly change: DidForwardChange,
  ) {}

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const did = await this.deps.dids.unconditional(call.tenantId, target.id);
    if (did === undefined) return { kind: 'next', reason: 'unavailable', status: 404, text: `DID ${target.id} not found` };
    const on = this.change === 'toggle' ? !did.on : this.change === 'enable';
    // Written only when it changes: a DID switched on twice is not written twice.
    if (on !== did.on) await this.deps.dids.setUnconditional(call.tenantId, target.id, on);
    this.deps.logger.info({ tenantId: call.tenantId, linkedId: call.linkedId, did: target.id, number: did.number, change: this.change, on }, 'call: DID unconditional forward switched');
    return { kind: 'continue' };
  }
}
