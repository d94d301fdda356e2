// FEATURECODE: a star code dialled by a phone (*78 DND on, *28<n> a flow...), run as a step of the call: the PBX
// answers the phone itself, performs the action while a short silence plays (the phone's audio path opens), plays
// the confirmation tone that says how it went, then hangs up. The call shows in CHANNELS while it runs, HANGUP ends
// it, and its CDR is the call's own (ANSWERED, lastapp Playback, landed PLAYBACK:<code>).
import type { Application, CallHandle, StepOutcome, Target } from '../../calls/index.ts';
import type { Logger } from '../../../shared/index.ts';
import { confirmation, LEAD_IN_MS, type ConfirmationKind } from './confirmation-tone.ts';
import type { FeatureActions, FeatureCodeDirectory } from './feature-actions.ts';
import { matchFeatureCode, type FeatureAction } from './feature-code.ts';

export interface FeatureCodeStepDeps {
  readonly actions: FeatureActions;
  readonly directory: FeatureCodeDirectory;
  readonly logger: Logger;
}

export class FeatureCodeStep implements Application {
  constructor(private readonly deps: FeatureCodeStepDeps) {}

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const code = target.number ?? '';
    const action = matchFeatureCode(code, await this.deps.directory.featureCodes(call.tenantId));
    const extensionId = call.callerParty.extensionId;
    if (action === undefined || extensionId === undefined) return { kind: 'next', reason: 'unavailable', status: 404, text: 'Not Found' };
    call.attempt({ destination: code, peerAccount: '', landed: { kind: 'PLAYBACK', label: code }, app: 'Playback' });
    // The codec is settled before anything changes, so a refused call leaves every state as it was.
    const media = await call.answer();
    if (media === undefined) return call.over ? { kind: 'caller-gone' } : { kind: 'failed', status: 488, text: 'Not Acceptable Here' };
    const [result] = await Promise.all([this.perform(call.tenantId, extensionId, action), media.play([{ kind: 'silence', ms: LEAD_IN_MS }])]);
    this.deps.logger.info({ tenantId: call.tenantId, extensionId, code, outcome: result.outcome, detail: result.detail }, 'call: feature code');
    if (call.over) return { kind: 'caller-gone' };
    await media.play(confirmation(result.outcome));
    if (call.over) return { kind: 'caller-gone' };
    call.hangup('feature-code-done');
    return { kind: 'done' };
  }

  private async perform(tenantId: number, extensionId: number, action: FeatureAction): Promise<{ outcome: ConfirmationKind; detail: string }> {
    try {
      if (action.kind === 'dnd') {
        const on = await this.deps.actions.setDnd(tenantId, extensionId, action.value === 'toggle' ? 'toggle' : action.value === 'on');
        return { outcome: on ? 'on' : 'off', detail: `DND ${on ? 'on' : 'off'}` };
      }
      const state = await this.deps.actions.toggleFlow(tenantId, action.number, action.value === 'toggle' ? undefined : action.value);
      if (state === undefined) return { outcome: 'failed', detail: `no flow ${action.number}` };
      // A lit lamp (INUSE) is "on"; every other state reads as off.
      return { outcome: state === 'INUSE' ? 'on' : 'off', detail: `flow ${action.number} ${state}` };
    } catch (error) {
      this.deps.logger.warn({ err: error, action }, 'feature code: action failed');
      return { outcome: 'failed', detail: `${action.kind} failed` };
    }
  }
}
