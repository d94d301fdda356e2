// Whom a hunt list rings for one extension member: its registered phones, its follow-me numbers (hu_allowfmfm,
// hu_allowadditionaldestinations) and, with hu_allowredirect, its own forwards in its place. The forward's decision
// and parties come from the EXT step's code (ring-extension/member-forwarding.ts): one place decides where an
// extension's calls go. Phones and outside numbers ring; a forward to voicemail (or any other step) rings nothing.
import type { Logger } from '../../../shared/index.ts';
import type { ExtensionSituation, ExtensionTarget } from '../../dialplan/index.ts';
import { contactTargets, type CallHandle, type ChannelRegistry, type RingTarget } from '../../calls/index.ts';
import { followMeTargets, forwardedParties, type FollowMeDeps, type FollowMeDirectory, type MemberForwardingDeps } from '../ring-extension/index.ts';
import type { HuntlistSettings } from './huntlist-settings.ts';

export interface MemberPartiesDeps extends MemberForwardingDeps {
  readonly channels: ChannelRegistry;
  readonly followMe?: FollowMeDirectory;
  readonly followMeDeps: FollowMeDeps;
  readonly logger?: Logger;
}

/** The parties of one member (none: it is skipped), and the carrier codecs they narrow the offer to. */
export interface Parties {
  readonly targets: RingTarget[];
  readonly codecs?: readonly string[];
}

const NONE: Parties = { targets: [] };

export class MemberParties {
  constructor(private readonly deps: MemberPartiesDeps) {}

  /**
   * An extension member's parties for a ring of `ringSeconds`. Without hu_allowredirect: its phones (and follow-me),
   * none in DND, busy with hu_checkinuse, or offline with hu_checkoffline. With it, as the EXT step: the unconditional
   * forward rings instead of the member; DND and busy (hu_checkinuse) ring the busy forward; no phone, the offline
   * forward; and the no-answer forward joins the phones once the member's own ring time (ex_dialtimeout) is over,
   * when that is shorter than the group rings it.
   */
  async ofExtension(call: CallHandle, list: HuntlistSettings, extension: ExtensionTarget, ringSeconds: number): Promise<Parties> {
    const forward = (situation: ExtensionSituation) => (list.allowRedirect ? this.forward(call, list, extension, situation) : Promise.resolve(undefined));
    const unconditional = await forward('incoming');
    if (unconditional !== undefined) return unconditional;
    if (extension.dnd) return (await forward('busy')) ?? NONE;
    if (list.skipBusy && this.deps.channels.countCallsOf(call.tenantId, extension.account) > 0) return (await forward('busy')) ?? NONE;
    const contacts = await this.deps.directory.contacts(call.tenantId, extension.extensionId);
    if (contacts.length === 0) {
      const offline = await forward('offline');
      if (offline !== undefined) return offline;
      if (list.skipOffline) return NONE;
    }
    const caller = call.callerParty;
    const phones = contactTargets(extension, contacts, { number: caller.number, name: caller.name }, call.domain);
    const numbers = await this.followMe(call, list, extension, phones.length > 0);
    const own = extension.ringSeconds;
    const noAnswer = phones.length > 0 && own !== undefined && own < ringSeconds ? await forward('noanswer') : undefined;
    const late = (noAnswer?.targets ?? []).map((t) => ({ ...t, delaySeconds: own }));
    const codecs = noAnswer?.codecs ?? numbers.codecs;
    return { targets: [...phones, ...numbers.targets, ...late], ...(codecs ? { codecs } : {}) };
  }

  /** A busy answer from the member's phones while it rang alone (SEQUENCE, CYCLE): its busy forward, with hu_allowredirect. */
  async afterBusy(call: CallHandle, list: HuntlistSettings, extension: ExtensionTarget): Promise<Parties> {
    return list.allowRedirect ? ((await this.forward(call, list, extension, 'busy')) ?? NONE) : NONE;
  }

  /** The member's follow-me numbers when the list allows them and the call did not say nofollow (DIAL). */
  private async followMe(call: CallHandle, list: HuntlistSettings, extension: ExtensionTarget, hasPhones: boolean): Promise<Parties> {
    if (!(list.allowFollowMe || list.allowAdditionalDestinations) || call.followMe === false) return NONE;
    const followMe = await this.deps.followMe?.followMe(call.tenantId, extension.extensionId);
    // Follow-me on a condition is not built (ring-extension.ts says why it is then not rung).
    if (followMe === undefined || followMe.conditionId !== undefined) return NONE;
    return followMeTargets(call, followMe, this.deps.followMeDeps, hasPhones ? followMe.delaySeconds : 0);
  }

  private async forward(call: CallHandle, list: HuntlistSettings, extension: ExtensionTarget, situation: ExtensionSituation): Promise<Parties | undefined> {
    const parties = await forwardedParties(call, this.deps, extension, situation);
    if (parties === undefined) return undefined;
    if (parties.leftOut.length > 0) {
      this.deps.logger?.info({ tenantId: call.tenantId, huntlistId: list.id, extensionId: extension.extensionId, slot: parties.slot, leftOut: parties.leftOut }, 'call: a hunt list member\'s forward rings its phones and numbers only');
    }
    return { targets: parties.targets, ...(parties.codecs ? { codecs: parties.codecs } : {}) };
  }
}
