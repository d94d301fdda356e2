// HUNTLIST-<id> (spec §3.3, §3.4.15): a ring group. Its members are the HUNTLIST slot's targets in order: the
// tenant's extensions (every registered phone of each) and custom external numbers (CUSTOM EXTERNALNUMBER, dialled
// out). RINGALL rings everyone at once for hu_ringtime; RINGALLLOOP does so again until hu_dialtimeout; SEQUENCE
// rings one member after another, each for hu_ringtime; CYCLE does the same starting after the member that took the
// last call. The members not chosen are cancelled "completed elsewhere". Members' own forwards ring only with
// hu_allowredirect, and then only phones and numbers (member-parties.ts): one member's voicemail must not take the
// group's call. When nobody answers: HUNTLIST-TIMEOUT, else the list goes on. Options: hu_requestconfirm (members
// confirm with a key, answer-confirmation.ts), hu_usemoh (the caller hears music), hu_checkoffline (unregistered
// members skipped), hu_allowfmfm / hu_allowadditionaldestinations (members' follow-me numbers ring with them).
import type { Clock, Logger } from '../../../shared/index.ts';
import type { Binding } from '../../registrar/index.ts';
import type { ExtensionTarget, ForwardingDirectory } from '../../dialplan/index.ts';
import { describeTarget, type CustomDestination } from '../../dialplan/index.ts';
import { type Application, type CallHandle, type ChannelRegistry, type RingOutcome, type RingRequest, type RingTarget, type SlotDirectory, type StepOutcome, type Target } from '../../calls/index.ts';
import type { DialOut } from '../dial-out/index.ts';
import type { MediaFileDirectory } from '../playback/index.ts';
import { confirmationOf, type FollowMeDeps, type FollowMeDirectory } from '../ring-extension/index.ts';
import type { HuntlistDirectory, HuntlistSettings } from './huntlist-settings.ts';
import { MemberParties, type Parties } from './member-parties.ts';

export interface HuntlistDeps {
  readonly lists: HuntlistDirectory;
  /** The list's HUNTLIST and HUNTLIST-TIMEOUT slots, and members' forwarding slots (hu_allowredirect). */
  readonly slots: SlotDirectory & ForwardingDirectory;
  readonly directory: {
    extensionById(tenantId: number, extensionId: number): Promise<ExtensionTarget | undefined>;
    contacts(tenantId: number, extensionId: number): Promise<Binding[]>;
  };
  readonly customs: { customs(tenantId: number, ids: readonly number[]): Promise<CustomDestination[]> };
  readonly channels: ChannelRegistry;
  readonly dialOut: DialOut;
  readonly clock: Clock;
  /** Confirmation prompts (hu_confirmmessage_id). */
  readonly media?: MediaFileDirectory;
  /** Members' follow-me (hu_allowfmfm); none = not rung from hunt lists on this node. */
  readonly followMe?: FollowMeDirectory;
  /** How long a member has to confirm; undefined = the engine's 15 s. */
  readonly confirmSeconds?: number;
  readonly logger?: Logger;
}

/** What every ring of one list asks beside its parties: confirmation and the caller's music. */
type RingOptions = Pick<RingRequest, 'confirm' | 'callerHears'>;

/** A member as the group rings it. */
type Member = { readonly kind: 'extension'; readonly extension: ExtensionTarget } | { readonly kind: 'number'; readonly number: string; readonly ringSeconds: number | undefined };

/** RINGALLLOOP without hu_dialtimeout: a minute of rounds, as a caller would wait for a ring group. */
const LOOP_DEFAULT_S = 60;
/** Where CYCLE starts next, per tenant and list: the member after the last that answered (this node's memory). */
const MAX_CYCLE_LISTS = 10_000;

export class HuntList implements Application {
  private readonly cycle = new Map<string, number>();
  private readonly parties: MemberParties;

  constructor(private readonly deps: HuntlistDeps) {
    this.parties = new MemberParties({ ...deps, forwarding: deps.slots, followMeDeps: this.followMeDeps() });
  }

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const list = await this.deps.lists.huntlist(call.tenantId, target.id);
    if (list === undefined) return { kind: 'next', reason: 'unavailable', status: 404, text: 'Not Found' };
    const members = await this.members(call, list);
    const deadline = this.deps.clock.now().getTime() + this.totalMs(list, members.length);
    const options: RingOptions = {
      ...(list.requestConfirm ? { confirm: await confirmationOf(call, list.confirmMessageId, this.deps) } : {}),
      ...(list.useMoh ? { callerHears: 'music' as const } : {}),
    };
    const outcome = list.strategy === 'RINGALL' || list.strategy === 'RINGALLLOOP' ? await this.ringAll(call, list, members, deadline, options) : await this.hunt(call, list, members, deadline, options);
    if (outcome !== undefined) return outcome;
    if ((await this.deps.slots.slotTargets(call.tenantId, 'HUNTLIST-TIMEOUT', list.id)).length > 0) return { kind: 'goto', slot: { slot: 'HUNTLIST-TIMEOUT', ownerId: list.id } };
    return { kind: 'next', reason: 'noanswer' };
  }

  /** Everyone at once, once (RINGALL) or round after round until the deadline (RINGALLLOOP). */
  private async ringAll(call: CallHandle, list: HuntlistSettings, members: readonly Member[], deadline: number, options: RingOptions): Promise<StepOutcome | undefined> {
    call.attempt({ destination: list.number || call.dialled, peerAccount: '', landed: { kind: 'HUNTLIST', label: String(list.id) } });
    do {
      const ringSeconds = this.ringFor(list.ringSeconds, deadline);
      const ringing = await this.targetsOf(call, list, members, ringSeconds);
      if (ringing.targets.length === 0) return undefined;
      const outcome = await call.ring({ targets: ringing.targets, ringSeconds, ...(ringing.codecs ? { codecs: ringing.codecs } : {}), ...options });
      if (outcome.kind === 'answered') return { kind: 'connected' };
      if (outcome.kind === 'caller-gone' || call.over) return { kind: 'caller-gone' };
    } while (list.strategy === 'RINGALLLOOP' && this.deps.clock.now().getTime() < deadline - 1000);
    return undefined;
  }

  /** One member after another (SEQUENCE), starting after the last member that answered (CYCLE). */
  private async hunt(call: CallHandle, list: HuntlistSettings, members: readonly Member[], deadline: number, options: RingOptions): Promise<StepOutcome | undefined> {
    const key = `${call.tenantId}:${list.id}`;
    const start = list.strategy === 'CYCLE' ? (this.cycle.get(key) ?? 0) % Math.max(1, members.length) : 0;
    for (let i = 0; i < members.length; i++) {
      if (call.over) return { kind: 'caller-gone' };
      if (this.deps.clock.now().getTime() >= deadline) return undefined;
      const index = (start + i) % members.length;
      const member = members[index];
      if (member === undefined) continue;
      const answered = await this.ringOne(call, list, member, deadline, options);
      if (answered.kind === 'caller-gone') return answered;
      if (answered.kind === 'connected') {
        if (list.strategy === 'CYCLE') this.remember(key, index + 1);
        return answered;
      }
    }
    return undefined;
  }

  private async ringOne(call: CallHandle, list: HuntlistSettings, member: Member, deadline: number, options: RingOptions): Promise<StepOutcome> {
    const ringSeconds = this.ringFor(member.kind === 'number' ? (member.ringSeconds ?? list.ringSeconds) : list.ringSeconds, deadline);
    let outcome: RingOutcome;
    if (member.kind === 'number') {
      // The carriers' failover (dial-out) when nothing else is asked; a confirmation or music needs one ring request.
      if (options.confirm === undefined && options.callerHears === undefined) return this.deps.dialOut.dial(call, { number: member.number, ringSeconds });
      const carrier = await this.deps.dialOut.firstTarget(call, member.number);
      if (carrier === undefined) return { kind: 'next', reason: 'unavailable' };
      call.attempt({ destination: member.number, peerAccount: '', landed: { kind: 'PROVIDER', label: member.number } });
      outcome = await call.ring({ targets: [carrier.target], ringSeconds, ...(carrier.codecs.length > 0 ? { codecs: carrier.codecs } : {}), ...options });
    } else {
      const ringing = await this.parties.ofExtension(call, list, member.extension, ringSeconds);
      if (ringing.targets.length === 0) return { kind: 'next', reason: 'unavailable' };
      call.attempt({ destination: member.extension.number, peerAccount: member.extension.account, landed: { kind: 'EXT', label: member.extension.number } });
      outcome = await this.ringParties(call, ringing, ringSeconds, options);
      // Its phones said busy: with hu_allowredirect its busy forward rings for what is left of its turn.
      if (outcome.kind === 'busy' && !call.over && this.deps.clock.now().getTime() < deadline) {
        const busy = await this.parties.afterBusy(call, list, member.extension);
        if (busy.targets.length > 0) outcome = await this.ringParties(call, busy, this.ringFor(ringSeconds, deadline), options);
      }
    }
    if (outcome.kind === 'answered') return { kind: 'connected' };
    if (outcome.kind === 'caller-gone') return outcome;
    return { kind: 'next', reason: outcome.kind === 'busy' ? 'busy' : 'noanswer' };
  }

  private ringParties(call: CallHandle, parties: Parties, ringSeconds: number, options: RingOptions): Promise<RingOutcome> {
    return call.ring({ targets: parties.targets, ringSeconds, ...(parties.codecs ? { codecs: parties.codecs } : {}), ...options });
  }

  /** Every member's parties for a round of RINGALL: extensions' phones, and the first carrier of outside numbers. */
  private async targetsOf(call: CallHandle, list: HuntlistSettings, members: readonly Member[], ringSeconds: number): Promise<{ targets: RingTarget[]; codecs?: readonly string[] }> {
    const targets: RingTarget[] = [];
    let codecs: readonly string[] | undefined;
    // A phone rung for two members (one forwards to the other) gets one INVITE.
    const add = (more: readonly RingTarget[]) => targets.push(...more.filter((t) => !targets.some((o) => o.requestUri === t.requestUri && o.endpoint.address === t.endpoint.address && o.endpoint.port === t.endpoint.port)));
    for (const member of members) {
      if (member.kind === 'extension') {
        const ringing = await this.parties.ofExtension(call, list, member.extension, ringSeconds);
        add(ringing.targets);
        if (ringing.codecs) codecs = ringing.codecs;
        continue;
      }
      const carrier = await this.deps.dialOut.firstTarget(call, member.number);
      if (carrier === undefined) continue;
      add([carrier.target]);
      // One offer goes to every party: a carrier's allow list narrows it for all (the phones offer G.711 anyway).
      if (carrier.codecs.length > 0) codecs = carrier.codecs;
    }
    return { targets, ...(codecs ? { codecs } : {}) };
  }

  private followMeDeps(): FollowMeDeps {
    const { dialOut, media, confirmSeconds, logger } = this.deps;
    return { dialOut, ...(media ? { media } : {}), ...(confirmSeconds === undefined ? {} : { confirmSeconds }), ...(logger ? { logger } : {}) };
  }

  /** The HUNTLIST slot's targets as members, in order; targets of other kinds are not members. */
  private async members(call: CallHandle, list: HuntlistSettings): Promise<Member[]> {
    const targets = await this.deps.slots.slotTargets(call.tenantId, 'HUNTLIST', list.id);
    const customIds = targets.filter((t) => t.tag === 'CUSTOM').map((t) => t.id);
    const customs = new Map((customIds.length > 0 ? await this.deps.customs.customs(call.tenantId, customIds) : []).map((c) => [c.customId, c] as const));
    const members: Member[] = [];
    for (const target of targets) {
      if (target.tag === 'EXT') {
        const extension = await this.deps.directory.extensionById(call.tenantId, target.id);
        if (extension !== undefined) members.push({ kind: 'extension', extension });
      } else if (target.tag === 'CUSTOM') {
        const routed = describeTarget(target, customs);
        if (routed.kind === 'external') members.push({ kind: 'number', number: routed.number, ringSeconds: routed.ringSeconds });
      }
    }
    return members;
  }

  private totalMs(list: HuntlistSettings, members: number): number {
    if (list.totalSeconds !== undefined) return list.totalSeconds * 1000;
    if (list.strategy === 'RINGALLLOOP') return LOOP_DEFAULT_S * 1000;
    return (list.strategy === 'RINGALL' ? 1 : Math.max(1, members)) * list.ringSeconds * 1000;
  }

  /** A member's (or a round's) ring time, cut to what is left of the list's total. */
  private ringFor(seconds: number, deadline: number): number {
    const left = Math.ceil((deadline - this.deps.clock.now().getTime()) / 1000);
    return Math.max(1, Math.min(seconds, left));
  }

  private remember(key: string, next: number): void {
    if (this.cycle.size >= MAX_CYCLE_LISTS && !this.cycle.has(key)) this.cycle.delete(this.cycle.keys().next().value as string);
    this.cycle.set(key, next);
  }
}
