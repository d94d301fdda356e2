// The live call registry of this node: every channel (call leg) that exists now, with the controls the API
// may pull on it. The B2BUA adds and updates channels; the call services read and steer them.

/** Asterisk's channel states as MiRTA shows them: a leg being dialled, ringing, or talking. */
export type ChannelState = 'Down' | 'Ring' | 'Ringing' | 'Up';

/** IN: the leg from the calling party into the PBX; OUT: a leg the PBX placed towards a callee. */
export type ChannelDirection = 'IN' | 'OUT';

export interface LiveChannel {
  /** MiRTA-style channel name, e.g. `PJSIP/100-ACME-00000001`. */
  readonly name: string;
  readonly tenantId: number;
  /** `<node>-<epoch seconds>.<seq>`: unique across nodes and restarts. */
  readonly uniqueId: string;
  /** The uniqueid of the call's first channel: shared by all legs of one call. */
  readonly linkedId: string;
  /** The node that holds the leg. */
  readonly node: string;
  readonly direction: ChannelDirection;
  /** The extension number at this end of the leg ('' for a carrier or an unknown party). */
  readonly extension: string;
  /** The SIP account at this end (`100-ACME`), '' for a carrier. */
  readonly account: string;
  /** The caller id this leg presents (who is calling). */
  readonly callerIdNum: string;
  readonly callerIdName: string;
  /** The party at the other end of the call, as shown to this leg. */
  readonly connectedNum: string;
  readonly connectedName: string;
  /** The number dialled, as the dialplan saw it. */
  readonly exten: string;
  /** The tenant's dialplan context (MiRTA: the tenant code). */
  readonly context: string;
  readonly state: ChannelState;
  readonly createdAt: Date;
  readonly answeredAt: Date | undefined;
  /** The channel this one is bridged to, once the call is answered. */
  readonly bridgedTo: string | undefined;
  /** The SIP Call-ID of the leg's dialog. */
  readonly sipCallId: string;
  /** The id DIAL answered, for API-originated calls ('' otherwise). */
  readonly originateId: string;
  /**
   * What the channel runs now, as Asterisk's Application and Data show it (`Dial` / `PJSIP/101-ACME,30`, `Playback` /
   * the file, `IVR`...): set by the step running; absent until a step says (the API then shows Dial or AppDial).
   */
  readonly application?: string;
  readonly appData?: string;
}

/** What the API may do to a live channel. The B2BUA implements it per leg. */
export interface ChannelControl {
  /** Ends the whole call this channel belongs to (BYE or CANCEL on every leg). */
  hangup(cause: string): void;
  /**
   * Blind transfer: the party on this channel is connected to `destination` (a number the tenant's dialplan
   * resolves) and the channel's peer leg is released. Resolves with an error text when it cannot be done.
   */
  blindTransfer(destination: string): Promise<string | undefined>;
  /**
   * Attended transfer by the party on this channel: it talks to `destination` first while its peer waits, and when
   * it hangs up its peer is connected to the destination. Resolves with why it cannot be done, or undefined.
   */
  attendedTransfer?(destination: string): Promise<string | undefined>;
}

interface Entry {
  channel: LiveChannel;
  readonly control: ChannelControl;
}

export class ChannelRegistry {
  private readonly channels = new Map<string, Entry>();
  private readonly listeners = new Set<(channel: LiveChannel, change: 'added' | 'updated' | 'removed') => void>();

  add(channel: LiveChannel, control: ChannelControl): void {
    this.channels.set(channel.name, { channel, control });
    this.emit(channel, 'added');
  }

  /** Replaces some fields of a live channel (state, bridge, connected line). Unknown names are ignored. */
  update(name: string, patch: Partial<Omit<LiveChannel, 'name' | 'tenantId' | 'uniqueId'>>): void {
    const entry = this.channels.get(name);
    if (entry === undefined) return;
    entry.channel = { ...entry.channel, ...patch };
    this.emit(entry.channel, 'updated');
  }

  remove(name: string): boolean {
    const entry = this.channels.get(name);
    if (entry === undefined) return false;
    this.channels.delete(name);
    this.emit(entry.channel, 'removed');
    return true;
  }

  get(name: string): LiveChannel | undefined {
    return this.channels.get(name)?.channel;
  }

  control(name: string): ChannelControl | undefined {
    return this.channels.get(name)?.control;
  }

  /** Channels in creation order, of one tenant or (undefined) of all. */
  list(tenantId?: number): LiveChannel[] {
    const all = [...this.channels.values()].map((e) => e.channel);
    return tenantId === undefined ? all : all.filter((c) => c.tenantId === tenantId);
  }

  /** A call is the set of channels sharing a linkedid. */
  countCalls(tenantId?: number): number {
    return new Set(this.list(tenantId).map((c) => c.linkedId)).size;
  }

  /** The calls a SIP account (an extension's phones) is in now, placing or receiving. */
  countCallsOf(tenantId: number, account: string): number {
    const calls = new Set<string>();
    for (const { channel } of this.channels.values()) if (channel.tenantId === tenantId && channel.account === account) calls.add(channel.linkedId);
    return calls.size;
  }

  /** Called on every add, update and remove (BLF, extension state). Returns the unsubscribe function. */
  subscribe(listener: (channel: LiveChannel, change: 'added' | 'updated' | 'removed') => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(channel: LiveChannel, change: 'added' | 'updated' | 'removed'): void {
    for (const listener of this.listeners) listener(channel, change);
  }
}
