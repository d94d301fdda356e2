// Who a call is from, as its steps and the parties it rings see it: the caller in its record (CDR src and clid), the
// identity presented to the parties rung (DIAL's own caller id, a CALLERIDMOD rewrite), and what the caller's own
// INVITE said. The Call reads its record and parties here; a rewrite replaces those objects instead of mutating
// them, because others (the runner, a transfer, the CDR's builder) may still hold the old ones.
import type { CallRecord, Landing } from '../cdr/index.ts';
import type { CallerSide } from './caller-side.ts';
import type { ChannelRegistry } from './channel-registry.ts';
import type { CallHandle } from './runner/step.ts';

/** The call's record as it starts: the CDR's fields but its attempts and end, and where the first attempt goes. */
export type StartingRecord = Omit<CallRecord, 'attempts' | 'endedAt'> & { readonly destination: string; readonly calleeAccount: string; readonly landed: Landing };

/** The call's two ends as the steps see them, beyond its CDR record. */
export interface CallParties {
  /** Who the called parties see calling (DIAL presents its own caller id). */
  readonly presented: { readonly number: string; readonly name: string };
  /** The calling extension's id, when an extension calls: its routes and permissions apply to numbers dialled out. */
  readonly callerExtensionId?: number;
  /** The host the caller dialled; parties rung see the call come from it. */
  readonly domain: string;
  /** DIAL's nofollow=yes: extensions rung in this call do not ring their follow-me numbers. */
  readonly noFollow?: boolean;
  /** Channel variables the call was placed with (DIAL var=); conditions read them. */
  readonly variables?: Readonly<Record<string, string>>;
}

export class CallingParty {
  constructor(
    private current: StartingRecord,
    private presentedAs: CallParties,
    private readonly caller: CallerSide,
    private readonly channels: ChannelRegistry,
    /** The caller's channel: CHANNELS shows the caller id it has now. */
    private readonly channelName: string,
  ) {}

  get record(): StartingRecord {
    return this.current;
  }

  get parties(): CallParties {
    return this.presentedAs;
  }

  /** Who is calling for the steps: the presented identity where one is set, else the record's caller. */
  get party(): CallHandle['callerParty'] {
    const { number, name, account } = this.current.caller;
    const { presented, callerExtensionId } = this.presentedAs;
    return { number: presented.number || number, name: presented.name || name, account, ...(callerExtensionId === undefined ? {} : { extensionId: callerExtensionId }) };
  }

  /**
   * A step rewrote who is calling (CALLERIDMOD, CLIDNAMEBYPHONEBOOK), as Asterisk's Set(CALLERID(...)): the parties
   * rung from now on (the forks' caller id), the caller's channel (CHANNELS) and the CDR (src, clid) show it.
   */
  rewrite(update: { readonly number?: string; readonly name?: string }): void {
    const current = this.party;
    const number = update.number ?? current.number;
    const name = update.name ?? current.name;
    this.presentedAs = { ...this.presentedAs, presented: { number, name } };
    this.current = { ...this.current, caller: { ...this.current.caller, number, name } };
    this.channels.update(this.channelName, { callerIdNum: number, callerIdName: name });
  }

  /** The first value of a header of the caller's INVITE. */
  sipHeader(name: string): string | undefined {
    const { leg } = this.caller;
    // Only a caller's own INVITE counts: an API call's source leg is the PBX's INVITE out, which says nothing of a caller.
    return 'invite' in leg ? leg.invite.headers.get(name) : undefined;
  }
}
