// EXT-<id> (spec §3.3): ring an extension of the tenant, every registered contact at once. Its forwarding slots
// decide what happens when it cannot take the call (EXT-UNCONDITIONAL before ringing, EXT-BUSY for DND or a busy
// phone, EXT-OFFLINE without a registration, EXT-NOANSWER after its ring time), each only when switched on and
// filled; otherwise the list goes on to its next target. Its follow-me numbers (follow-me.ts) ring with the phones
// or after them unless the call said nofollow. RINGMUSICONHOLD-<id> is the same step with the caller hearing music.
import { forwardingDecision, type ExtensionSituation, type ExtensionTarget, type ForwardingDirectory } from '../../dialplan/index.ts';
import type { Binding } from '../../registrar/index.ts';
import { contactTargets, type Application, type CallHandle, type RingOutcome, type RingRequest, type RingTarget, type StepOutcome, type Target } from '../../calls/index.ts';
import { followMeTargets, type FollowMeDeps, type FollowMeDirectory, type FollowMeSettings } from './follow-me.ts';

export interface RingExtensionDeps {
  readonly directory: {
    extensionById(tenantId: number, extensionId: number): Promise<ExtensionTarget | undefined>;
    contacts(tenantId: number, extensionId: number): Promise<Binding[]>;
  };
  readonly forwarding: ForwardingDirectory;
  /** Extensions' follow-me settings and how to dial them out; none = follow-me is not rung on this node. */
  readonly followMe?: FollowMeDeps & { readonly settings: FollowMeDirectory };
  /** What the caller hears while the phones ring: RINGMUSICONHOLD plays its tenant's music instead of ringback. */
  readonly callerHears?: RingRequest['callerHears'];
}

/** A follow-me number's ring time when neither ex_fmfmdialtimeout nor the extension's own is set. */
const FOLLOW_ME_DEFAULT_S = 20;

export class RingExtension implements Application {
  constructor(private readonly deps: RingExtensionDeps) {}

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const extension = await this.deps.directory.extensionById(call.tenantId, target.id);
    if (extension === undefined) return { kind: 'next', reason: 'unavailable', status: 404, text: 'Not Found' };
    call.attempt({ destination: extension.number, peerAccount: extension.account, landed: { kind: 'EXT', label: extension.number } });
    const forward = (situation: ExtensionSituation) => this.forward(call, extension, situation);
    const unconditional = await forward('incoming');
    if (unconditional !== undefined) return unconditional;
    // Do-not-disturb reads as busy, as Asterisk's DND does.
    if (extension.dnd) return (await forward('busy')) ?? { kind: 'next', reason: 'busy' };
    const contacts = await this.deps.directory.contacts(call.tenantId, extension.extensionId);
    const followMe = await this.followMeOf(call, extension);
    if (contacts.length === 0 && followMe === undefined) return (await forward('offline')) ?? { kind: 'next', reason: 'unavailable', status: 480, text: 'Temporarily Unavailable' };
    // ex_recording of the called extension records its calls too, as the caller's does (call-setup.ts).
    if (extension.recording === true) call.recordCall();
    const caller = call.callerParty;
    const phones = contactTargets(extension, contacts, { number: caller.number, name: caller.name }, call.domain);
    const outcome = followMe === undefined ? await this.ring(call, phones, extension.ringSeconds) : await this.ringWithFollowMe(call, extension, phones, followMe);
    switch (outcome.kind) {
      case 'answered':
        return { kind: 'connected' };
      case 'caller-gone':
        return { kind: 'caller-gone' };
      case 'busy':
        return (await forward('busy')) ?? { kind: 'next', reason: 'busy' };
      case 'noanswer':
        return (await forward(contacts.length === 0 ? 'offline' : 'noanswer')) ?? { kind: 'next', reason: 'noanswer' };
      case 'no-codec':
        return { kind: 'next', reason: 'failed', status: 488, text: 'Not Acceptable Here' };
      case 'failed':
        return { kind: 'next', reason: 'failed', status: outcome.status, text: outcome.text };
    }
  }

  private ring(call: CallHandle, targets: RingTarget[], ringSeconds: number | undefined, codecs?: readonly string[]): Promise<RingOutcome> {
    return call.ring({ targets, ...(ringSeconds === undefined ? {} : { ringSeconds }), ...(codecs ? { codecs } : {}), ...(this.deps.callerHears ? { callerHears: this.deps.callerHears } : {}) });
  }

  /**
   * Together: one ringing of the phones and the numbers, the numbers joining after ex_fmfmdelay, for as long as the
   * phones ring or the delay plus ex_fmfmdialtimeout, whichever is longer. After: the phones for their ring time,
   * then each number in turn for ex_fmfmdialtimeout while nobody answered (a busy phone keeps its busy forward).
   */
  private async ringWithFollowMe(call: CallHandle, extension: ExtensionTarget, phones: RingTarget[], followMe: FollowMeSettings & { readonly deps: FollowMeDeps }): Promise<RingOutcome> {
    const numberSeconds = followMe.ringSeconds ?? extension.ringSeconds ?? FOLLOW_ME_DEFAULT_S;
    if (followMe.method === 'together') {
      const delay = phones.length === 0 ? 0 : followMe.delaySeconds;
      const numbers = await followMeTargets(call, followMe, followMe.deps, delay);
      // No phone and no number with a route: as an extension without a registration (its offline forward).
      if (phones.length === 0 && numbers.targets.length === 0) return { kind: 'noanswer' };
      return this.ring(call, [...phones, ...numbers.targets], Math.max(extension.ringSeconds ?? 0, delay + numberSeconds), numbers.codecs);
    }
    let last: RingOutcome = { kind: 'noanswer' };
    if (phones.length > 0) {
      last = await this.ring(call, phones, extension.ringSeconds);
      if (last.kind === 'answered' || last.kind === 'caller-gone' || last.kind === 'busy') return last;
    }
    for (const number of followMe.numbers) {
      if (call.over) return { kind: 'caller-gone' };
      const one = await followMeTargets(call, { ...followMe, numbers: [number] }, followMe.deps);
      if (one.targets.length === 0) continue;
      last = await this.ring(call, one.targets, numberSeconds, one.codecs);
      if (last.kind === 'answered' || last.kind === 'caller-gone') return last;
    }
    // The numbers' own busy or failure is not the extension's: the caller's next step is the no-answer one.
    return last.kind === 'busy' || last.kind === 'failed' || last.kind === 'no-codec' ? { kind: 'noanswer' } : last;
  }

  /** The extension's follow-me when it applies to this call: on, dialable here, not turned off by the call (DIAL nofollow). */
  private async followMeOf(call: CallHandle, extension: ExtensionTarget): Promise<(FollowMeSettings & { readonly deps: FollowMeDeps }) | undefined> {
    const deps = this.deps.followMe;
    if (deps === undefined || call.followMe === false) return undefined;
    const settings = await deps.settings.followMe(call.tenantId, extension.extensionId);
    if (settings === undefined) return undefined;
    if (settings.conditionId !== undefined) {
      // Ringing a mobile outside the hours its condition allows would be worse than not following: not built, not rung.
      deps.logger?.warn({ tenantId: call.tenantId, extensionId: extension.extensionId }, 'call: follow-me on a condition (ex_fmfmonconditionid) is not implemented; follow-me not rung');
      return undefined;
    }
    return { ...settings, deps };
  }

  /** The extension's slot for a situation as a goto, when it is switched on and has targets. */
  private async forward(call: CallHandle, extension: ExtensionTarget, situation: ExtensionSituation): Promise<StepOutcome | undefined> {
    if (call.over) return { kind: 'caller-gone' };
    const decision = await forwardingDecision(this.deps.forwarding, call.tenantId, extension.extensionId, situation);
    return decision === undefined ? undefined : { kind: 'goto', slot: { slot: decision.slot, ownerId: extension.extensionId } };
  }
}
