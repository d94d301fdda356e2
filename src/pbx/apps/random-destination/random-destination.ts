// CUSTOM-<id> of custom type RANDOMDESTINATION (spec §3.3, §3.4.17): the custom destination owns the slots
// RANDOMDESTINATION1..20; one of those that have targets is drawn at random (crypto.randomInt, uniform, so nobody
// can predict or bias the draw) and the call continues with its list. When none has targets, the unnumbered
// RANDOMDESTINATION slot is the fallback; when that is empty too, the list goes on. Other custom types are the
// dial-out custom step's: this step stands in front of it for CUSTOM and hands those over unchanged.
import { randomInt } from 'node:crypto';
import type { CustomDestination } from '../../dialplan/index.ts';
import type { Logger } from '../../../shared/index.ts';
import type { Application, CallHandle, SlotDirectory, StepOutcome, Target } from '../../calls/index.ts';

export const RANDOM_DESTINATION_TYPE = 'RANDOMDESTINATION';
/** The numbered slots, RANDOMDESTINATION1..20 (spec §3.3). */
export const RANDOM_SLOTS: readonly string[] = Array.from({ length: 20 }, (_, i) => `${RANDOM_DESTINATION_TYPE}${i + 1}`);

export interface RandomDestinationDeps {
  readonly customs: { customs(tenantId: number, ids: readonly number[]): Promise<CustomDestination[]> };
  readonly slots: SlotDirectory;
  /** The CUSTOM step for every other custom type (EXTERNALNUMBER...). */
  readonly otherTypes: Application;
  readonly logger: Logger;
  /** An integer in [0, n): crypto's by default; tests pass their own. */
  readonly pick?: (n: number) => number;
}

export class RandomDestination implements Application {
  private readonly pick: (n: number) => number;

  constructor(private readonly deps: RandomDestinationDeps) {
    this.pick = deps.pick ?? ((n) => randomInt(n));
  }

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    // A custom of another tenant reads as missing: the other step answers it (404-like) as it always did.
    const [custom] = await this.deps.customs.customs(call.tenantId, [target.id]);
    if (custom === undefined || custom.typeCode !== RANDOM_DESTINATION_TYPE) return this.deps.otherTypes.run(call, target);
    // Twenty small reads at most: bounded, and an edit of the slots applies to the next call.
    const filled: string[] = [];
    for (const slot of RANDOM_SLOTS) if ((await this.deps.slots.slotTargets(call.tenantId, slot, custom.customId)).length > 0) filled.push(slot);
    const fields = { tenantId: call.tenantId, linkedId: call.linkedId, custom: custom.customId };
    if (filled.length === 0) {
      if ((await this.deps.slots.slotTargets(call.tenantId, RANDOM_DESTINATION_TYPE, custom.customId)).length > 0) {
        return { kind: 'goto', slot: { slot: RANDOM_DESTINATION_TYPE, ownerId: custom.customId } };
      }
      this.deps.logger.warn(fields, 'call: random destination has no destinations; next target');
      return { kind: 'next', reason: 'unavailable', status: 404, text: `random destination ${custom.customId} has no destinations` };
    }
    const slot = filled[this.pick(filled.length)] ?? filled[0] ?? RANDOM_DESTINATION_TYPE;
    this.deps.logger.debug({ ...fields, slot, among: filled.length }, 'call: random destination drawn');
    return { kind: 'goto', slot: { slot, ownerId: custom.customId } };
  }
}
