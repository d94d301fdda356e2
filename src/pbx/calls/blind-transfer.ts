// Blind transfer (MiRTA TRANSFER, a phone's REFER, RFC 3515): the party on the transferred channel stays and is
// connected to a new destination of its tenant's dialplan; the party it talked to is released. The destination is
// a number like any dialled one: its list runs through the destination runner. A call whose media is on rtpengine
// keeps it there for one plain extension (the new party gets rtpengine's offer again); for any other destination
// (an IVR, a queue, a playback, recording...) the caller is first re-INVITEd back to the relay (media-return.ts).
import type { Logger } from '../../shared/index.ts';
import type { SipStack } from '../../sip/index.ts';
import { resolveDialled, targetsForNumber, type NumberDirectory } from '../dialplan/index.ts';
import type { Call, CallContext } from './call.ts';
import { identityOf, partyOf, tellConnectedLine, type IdentitySettings } from './connected-line.ts';
import type { CallIds } from './call-ids.ts';
import type { CallDirectory, ExtensionTarget } from './call-ports.ts';
import type { Binding } from '../registrar/index.ts';
import type { ChannelRegistry } from './channel-registry.ts';
import { destinationNeedsRelay } from './media-offload.ts';
import { returnToRelay } from './media-return.ts';
import type { OutboundLeg } from './outbound-leg.ts';
import type { RunEnd } from './runner/destination-runner.ts';
import type { Target } from './runner/step.ts';

export interface TransferDeps {
  readonly stack: SipStack;
  readonly directory: CallDirectory;
  readonly channels: ChannelRegistry;
  readonly logger: Logger;
  /** Which identity headers each extension's phone reads (connected-line.ts); none = P-Asserted-Identity. */
  readonly identities?: IdentitySettings | undefined;
}

export interface TransferOptions {
  readonly nodeName: string;
  readonly ids: CallIds;
  readonly context: CallContext;
}

export interface TransferHooks {
  trackLeg(leg: OutboundLeg): void;
  established(call: Call): void;
  run(call: Call, targets: readonly Target[]): Promise<RunEnd>;
}

/** An attended transfer's target: an extension of the call's tenant with its live contacts, or why it cannot be rung. */
export async function transferTarget(deps: Pick<TransferDeps, 'directory'>, tenantId: number, destination: string): Promise<{ extension: ExtensionTarget; contacts: Binding[] } | string> {
  const target = await resolveDialled(deps.directory, tenantId, destination);
  if (target.kind === 'unknown') return `${destination} is not a number of this tenant`;
  if (target.kind === 'busy') return `${destination} is busy (do not disturb)`;
  const contacts = await deps.directory.contacts(tenantId, target.extension.extensionId);
  return contacts.length === 0 ? `${destination} is not registered` : { extension: target.extension, contacts };
}

/** Resolves with why the transfer cannot be done, or undefined once the destination's list runs. */
export async function transferCaller(deps: TransferDeps & { readonly numbers: NumberDirectory }, hooks: TransferHooks, call: Call, destination: string, beforeRelease?: () => void): Promise<string | undefined> {
  if (call.state !== 'answered') return 'only an answered call can be transferred';
  const targets = await targetsForNumber(deps.numbers, call.tenantId, destination);
  if (targets.length === 0) return `${destination} is not a number that can be dialled`;
  // An extension that cannot take the call now is refused before anything changes, so the call goes on as it was
  // (the API answers why; a phone's REFER gets a failure NOTIFY) rather than the caller being left with a busy tone.
  if (targets.length === 1 && targets[0]?.tag === 'EXT') {
    const target = await transferTarget(deps, call.tenantId, destination);
    if (typeof target === 'string') return target;
  }
  // An offloaded call stays on rtpengine when a new call to the destination could have gone there (the new party gets
  // rtpengine's offer again); else the PBX's media is needed, and the caller, the party that stays, moves back to the
  // relay first. Its refusal fails the transfer before anything changed: the call goes on, on rtpengine, as it was.
  const { caller, direction, dialled } = call.record;
  const needsRelay = await destinationNeedsRelay(call.relay, { tenantId: call.tenantId, callerAccount: caller.account, ...(direction === 'IN' && caller.account === '' ? { did: dialled } : {}), targets });
  if (needsRelay !== undefined) {
    deps.logger.info({ linkedId: call.linkedId, destination, why: needsRelay }, 'call: blind transfer of an offloaded call: the caller comes back to the relay');
    if (!(await returnToRelay(deps, call, ['a']))) return `the destination needs the PBX's media (${needsRelay}) and the call's media could not leave rtpengine (the caller refused the re-INVITE, or the call changed meanwhile)`;
    // The re-INVITE took a moment: the call may have ended or changed meanwhile.
    if (call.state !== 'answered') return 'only an answered call can be transferred';
  }
  if (!call.detachCallee(destination, '', { kind: 'EXT', label: destination }, beforeRelease)) return 'the call changed meanwhile';
  deps.logger.info({ linkedId: call.linkedId, destination }, 'call: blind transfer');
  void hooks.run(call, targets).then((end) => {
    // The party that stayed still shows the one released; once the destination answered it shows who did. The new
    // party needs nothing: its INVITE's From named the caller.
    const answered = identityOf(call.channelOf('b'));
    if (end.kind !== 'connected' || answered === undefined || call.over) return;
    return tellConnectedLine(deps, partyOf(call, 'a'), answered);
  }).catch((error: unknown) => deps.logger.warn({ err: error }, 'call: connected line update after a blind transfer failed'));
  return undefined;
}
