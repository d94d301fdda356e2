// An extension's forward as parties to ring beside others (a hunt list member with hu_allowredirect): the same
// decision the EXT step takes (forwardingDecision: the slot switched on and filled, the unconditional one first), its
// targets as dialplan/extension-slots.ts describes them. Only targets that are people ring: another extension's phones
// and outside numbers. VOICEMAIL, IVR, other lists and the rest are left out, so a member's voicemail never takes a
// call meant for the whole group (the EXT step, alone, still runs the slot as a list).
import { forwardingDecision, type ExtensionSituation, type ExtensionTarget, type ForwardingDirectory, type RoutedDestination } from '../../dialplan/index.ts';
import type { Binding } from '../../registrar/index.ts';
import { contactTargets, type CallHandle, type RingTarget } from '../../calls/index.ts';
import type { DialOut } from '../dial-out/index.ts';
import { presentFollowMe, type FollowMeCallerId } from './follow-me-caller-id.ts';

export interface MemberForwardingDeps {
  readonly forwarding: ForwardingDirectory;
  readonly directory: {
    extensionById(tenantId: number, extensionId: number): Promise<ExtensionTarget | undefined>;
    contacts(tenantId: number, extensionId: number): Promise<Binding[]>;
  };
  readonly dialOut: Pick<DialOut, 'firstTarget'>;
}

/** A forward that applies: its slot, the parties it rings (none: only targets that are not people), what was left out. */
export interface ForwardedParties {
  readonly slot: string;
  readonly targets: RingTarget[];
  readonly codecs?: readonly string[];
  /** Targets not rung (`VOICEMAIL-3`, `CUSTOM-4 no route`), for the log. */
  readonly leftOut: string[];
}

/**
 * The parties `extension`'s forward for `situation` rings, or undefined when no forward applies (the member rings
 * as usual). A forwarded-to extension rings its registered phones only (not in DND; its own forwards are not followed
 * again, so two members forwarding to each other cannot loop).
 */
export async function forwardedParties(call: CallHandle, deps: MemberForwardingDeps, extension: ExtensionTarget, situation: ExtensionSituation): Promise<ForwardedParties | undefined> {
  const decision = await forwardingDecision(deps.forwarding, call.tenantId, extension.extensionId, situation);
  if (decision === undefined) return undefined;
  const targets: RingTarget[] = [];
  const leftOut: string[] = [];
  let codecs: readonly string[] | undefined;
  for (const destination of decision.destinations) {
    if (destination.kind === 'unsupported') {
      leftOut.push(`${destination.tag}-${destination.id}`);
      continue;
    }
    if (destination.kind === 'extension') {
      const other = destination.extensionId === extension.extensionId ? undefined : await deps.directory.extensionById(call.tenantId, destination.extensionId);
      if (other === undefined || other.dnd) {
        leftOut.push(`EXT-${destination.extensionId}`);
        continue;
      }
      const contacts = await deps.directory.contacts(call.tenantId, other.extensionId);
      targets.push(...contactTargets(other, contacts, { number: call.callerParty.number, name: call.callerParty.name }, call.domain));
      continue;
    }
    const carrier = await deps.dialOut.firstTarget(call, destination.number);
    if (carrier === undefined) {
      leftOut.push(destination.number);
      continue;
    }
    // What the number sees as the custom destination says (INCOMINGDID, a fixed number), as the CUSTOM step shows it.
    targets.push(presentFollowMe(call, carrier.target, { callerId: presented(destination), numberPrefix: '', namePrefix: '' }));
    if (carrier.codecs.length > 0) codecs = carrier.codecs;
  }
  return { slot: decision.slot, targets, ...(codecs ? { codecs } : {}), leftOut };
}

function presented(destination: Extract<RoutedDestination, { kind: 'external' }>): FollowMeCallerId {
  const mode = destination.presentedCallerId;
  if (mode === 'caller') return { kind: 'route' };
  if (mode === 'incoming-did') return { kind: 'did' };
  return { kind: 'fixed', number: mode.number, name: '' };
}
