// FLOW-<id> (spec §3.3, §4.3 "Flow"): a flow is a named list of destinations reused from many places, a macro
// (MiRTA's "Flow & Variables"): its one slot, FLOW, holds that list, and the call continues there. The flow's
// state and value (its BLF lamp, SETFLOW, feature-code toggles) do not choose the way here: a CONDITION of type
// flow state inside the list does, so one flow can serve day and night. Nothing is answered or rung.
import type { Logger } from '../../../shared/index.ts';
import type { Application, CallHandle, SlotDirectory, StepOutcome, Target } from '../../calls/index.ts';

/** The tenant's flows as this step needs them. */
export interface FlowDirectory {
  /** The tenant's flow with this id (another tenant's reads as undefined). */
  flow(tenantId: number, flowId: number): Promise<{ readonly id: number; readonly name: string } | undefined>;
}

export interface FlowStepDeps {
  readonly flows: FlowDirectory;
  readonly slots: SlotDirectory;
  readonly logger: Logger;
}

export class FlowStep implements Application {
  constructor(private readonly deps: FlowStepDeps) {}

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const flow = await this.deps.flows.flow(call.tenantId, target.id);
    if (flow === undefined) return { kind: 'next', reason: 'unavailable', status: 404, text: `flow ${target.id} not found` };
    // An empty flow is a macro with no steps: the calling list goes on, as a condition's empty branch does.
    if ((await this.deps.slots.slotTargets(call.tenantId, 'FLOW', flow.id)).length === 0) {
      this.deps.logger.info({ tenantId: call.tenantId, linkedId: call.linkedId, flow: flow.id }, 'call: flow has no destinations; next target');
      return { kind: 'continue' };
    }
    // A goto: the runner cuts a flow entered twice in one call as a loop (a flow naming itself).
    return { kind: 'goto', slot: { slot: 'FLOW', ownerId: flow.id } };
  }
}
