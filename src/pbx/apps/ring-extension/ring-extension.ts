// EXT-<id> (spec §3.3): ring an extension of the tenant, every registered contact at once. Its forwarding slots
// decide what happens when it cannot take the call (EXT-UNCONDITIONAL before ringing, EXT-BUSY for DND or a busy
// phone, EXT-OFFLINE without a registration, EXT-NOANSWER after its ring time), each only when switched on and
// filled; otherwise the list goes on to its next target.
import { forwardingDecision, type ExtensionSituation, type ExtensionTarget, type ForwardingDirectory } from '../../dialplan/index.ts';
import type { Binding } from '../../registrar/index.ts';
import { contactTargets, type Application, type CallHandle, type StepOutcome, type Target } from '../../calls/index.ts';

export interface RingExtensionDeps {
  readonly directory: {
    extensionById(tenantId: number, extensionId: number): Promise<ExtensionTarget | undefined>;
    contacts(tenantId: number, extensionId: number): Promise<Binding[]>;
  };
  readonly forwarding: ForwardingDirectory;
}

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
    if (contacts.length === 0) return (await forward('offline')) ?? { kind: 'next', reason: 'unavailable', status: 480, text: 'Temporarily Unavailable' };
    // ex_recording of the called extension records its calls too, as the caller's does (call-setup.ts).
    if (extension.recording === true) call.recordCall();
    const caller = call.callerParty;
    const outcome = await call.ring({ targets: contactTargets(extension, contacts, { number: caller.number, name: caller.name }, call.domain), ...(extension.ringSeconds === undefined ? {} : { ringSeconds: extension.ringSeconds }) });
    switch (outcome.kind) {
      case 'answered':
        return { kind: 'connected' };
      case 'caller-gone':
        return { kind: 'caller-gone' };
      case 'busy':
        return (await forward('busy')) ?? { kind: 'next', reason: 'busy' };
      case 'noanswer':
        return (await forward('noanswer')) ?? { kind: 'next', reason: 'noanswer' };
      case 'no-codec':
        return { kind: 'next', reason: 'failed', status: 488, text: 'Not Acceptable Here' };
      case 'failed':
        return { kind: 'next', reason: 'failed', status: outcome.status, text: outcome.text };
    }
  }

  /** The extension's slot for a situation as a goto, when it is switched on and has targets. */
  private async forward(call: CallHandle, extension: ExtensionTarget, situation: ExtensionSituation): Promise<StepOutcome | undefined> {
    if (call.over) return { kind: 'caller-gone' };
    const decision = await forwardingDecision(this.deps.forwarding, call.tenantId, extension.extensionId, situation);
    return decision === undefined ? undefined : { kind: 'goto', slot: { slot: decision.slot, ownerId: extension.extensionId } };
  }
}
