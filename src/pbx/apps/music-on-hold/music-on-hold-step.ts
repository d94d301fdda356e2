// MUSICONHOLD-<class id> (spec §3.3 "set music-on-hold class"): the rest of the call hears this class when a party
// puts the other on hold, instead of the holding extension's or the tenant's default. A step that does its part and
// lets the list go on; a class the tenant does not have is logged and changes nothing.
import type { Logger } from '../../../shared/index.ts';
import type { Application, CallHandle, MohDirectory, StepOutcome, Target } from '../../calls/index.ts';

export class MusicOnHoldStep implements Application {
  constructor(private readonly deps: { readonly classes: Pick<MohDirectory, 'classById'>; readonly logger: Logger }) {}

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const found = await this.deps.classes.classById(call.tenantId, target.id);
    if (found === undefined) {
      this.deps.logger.warn({ tenantId: call.tenantId, classId: target.id, linkedId: call.linkedId }, 'call: MUSICONHOLD names no class of the tenant; the call keeps its music');
      return { kind: 'continue' };
    }
    call.useMusicOnHold?.(found.id);
    return { kind: 'continue' };
  }
}
