// SPECIAL-<id> (spec §3.3): the end of a list as an Asterisk dialplan ends it: hang up, busy, congestion, decline,
// answer, silence or ringing (special-catalogue.ts). The call lands here, so the step is a CDR attempt of its own,
// with Asterisk's application as lastapp (Busy, Congestion, ...).
import type { Clock, Logger } from '../../../shared/index.ts';
import type { Application, CallHandle, PlayItem, StepOutcome, Target } from '../../calls/index.ts';
import { SPECIAL_HOLD_MS, specialDestination, type SpecialAction } from './special-catalogue.ts';

export interface SpecialDeps {
  /** Times the holds (SILENCE, RINGING) out; a FakeClock in tests. */
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What a held caller hears: nothing, or the ringback tone, each looped until the caller leaves or the hold ends. */
const HOLD_ITEMS: Readonly<Record<'silence' | 'ringback', readonly PlayItem[]>> = {
  silence: [{ kind: 'silence', ms: 1000 }],
  ringback: [{ kind: 'tone', tone: 'ringback' }],
};

export class Special implements Application {
  constructor(private readonly deps: SpecialDeps) {}

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const special = specialDestination(target.id);
    if (special === undefined) {
      this.deps.logger.warn({ tenantId: call.tenantId, linkedId: call.linkedId, target: `SPECIAL-${target.id}` }, 'call: no such special destination; next target');
      return { kind: 'next', reason: 'unavailable', status: 404, text: `special destination ${target.id} does not exist` };
    }
    call.attempt({ destination: call.dialled, peerAccount: '', landed: { kind: 'PLAYBACK', label: `SPECIAL-${special.id}` }, app: special.app });
    this.deps.logger.debug({ tenantId: call.tenantId, linkedId: call.linkedId, special: special.name }, 'call: special destination');
    return this.act(call, special.action, special.id);
  }

  private async act(call: CallHandle, action: SpecialAction, id: number): Promise<StepOutcome> {
    switch (action.kind) {
      case 'hangup':
        call.hangup(`special-${id}`);
        return { kind: 'done' };
      case 'refuse':
        // The call's own refusal: the SIP answer while ringing, the matching tone then BYE once answered.
        await call.refuse(action.status, action.text);
        return { kind: 'done' };
      case 'answer':
        return this.answer(call, action.then, id);
    }
  }

  private async answer(call: CallHandle, then: 'continue' | 'hangup' | 'silence' | 'ringback', id: number): Promise<StepOutcome> {
    const media = await call.answer();
    // No G.711 in the caller's offer: the PBX cannot answer it with its own media (as PLAYBACK).
    if (media === undefined) return call.over ? { kind: 'caller-gone' } : { kind: 'failed', status: 488, text: 'Not Acceptable Here' };
    if (then === 'continue') return { kind: 'continue' };
    if (then === 'hangup') {
      call.hangup(`special-${id}`);
      return { kind: 'done' };
    }
    // Held until the caller hangs up, but never longer than SPECIAL_HOLD_MS: a forgotten call must not hold a port.
    const cancel = this.deps.clock.setTimer(SPECIAL_HOLD_MS, () => media.stop());
    const end = await media.play(HOLD_ITEMS[then], { loop: true });
    cancel();
    if (end.reason === 'hangup' || call.over) return { kind: 'caller-gone' };
    call.hangup(`special-${id}-limit`);
    return { kind: 'done' };
  }
}
