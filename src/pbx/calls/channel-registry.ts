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
  /** When it was added: creation order, kept by an index bucket a channel moved into. */
  readonly seq: number;
}

/**
 * The node's live channels. Besides the channels by name it keeps indexes kept up to date on every change: by tenant,
 * by extension, and the calls (linkedids) of each tenant and SIP account. Every call asks for counts (the tenant's
 * channel limit, the extension's calls) and every channel change recomputes an extension's device state; scanning
 * every channel each time cost O(channels) per event, which at a thousand calls was a visible share of a call's CPU.
 */
export class ChannelRegistry {
  private readonly channels = new Map<string, Entry>();
  private readonly byTenant = new Map<number, Map<string, Entry>>();
  private readonly byExtension = new Map<string, Map<string, Entry>>();
  /** linkedid -> how many of its channels, per tenant and per tenant + account. */
  private readonly callsOfTenant = new Map<number, Map<string, number>>();
  private readonly callsOfAccount = new Map<string, Map<string, number>>();
  private readonly listeners = new Set<(channel: LiveChannel, change: 'added' | 'updated' | 'removed') => void>();
  private added = 0;

  add(channel: LiveChannel, control: ChannelControl): void {
    const replaced = this.channels.get(channel.name);
    if (replaced !== undefined) {
      // A name used again is a new channel: the old one goes (and says so), the new one takes the end of the order.
      this.channels.delete(channel.name);
      this.unindex(replaced, replaced.channel);
      this.emit(replaced.channel, 'removed');
    }
    const entry: Entry = { channel, control, seq: this.added++ };
    this.channels.set(channel.name, entry);
    this.index(entry, channel);
    this.emit(channel, 'added');
  }

  /** Replaces some fields of a live channel (state, bridge, connected line). Unknown names are ignored. */
  update(name: string, patch: Partial<Omit<LiveChannel, 'name' | 'tenantId' | 'uniqueId'>>): void {
    const entry = this.channels.get(name);
    if (entry === undefined) return;
    const before = entry.channel;
    const after = { ...before, ...patch };
    entry.channel = after;
    // Only a changed key moves the entry, so an extension's channels keep their creation order.
    if (after.extension !== before.extension) {
      take(this.byExtension, extensionKey(before), name);
      put(this.byExtension, extensionKey(after), name, entry);
    }
    if (after.linkedId !== before.linkedId || after.account !== before.account) {
      uncount(this.callsOfTenant, before.tenantId, before.linkedId);
      uncount(this.callsOfAccount, accountKey(before), before.linkedId);
      count(this.callsOfTenant, after.tenantId, after.linkedId);
      count(this.callsOfAccount, accountKey(after), after.linkedId);
    }
    this.emit(after, 'updated');
  }

  remove(name: string): boolean {
    const entry = this.channels.get(name);
    if (entry === undefined) return false;
    this.channels.delete(name);
    this.unindex(entry, entry.channel);
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
    const entries = tenantId === undefined ? this.channels.values() : (this.byTenant.get(tenantId)?.values() ?? []);
    return Array.from(entries, (e) => e.channel);
  }

  /** The channels at one extension of a tenant, in creation order. */
  ofExtension(tenantId: number, extension: string): LiveChannel[] {
    const bucket = this.byExtension.get(`${tenantId}\u0000${extension}`);
    if (bucket === undefined) return [];
    const entries = Array.from(bucket.values());
    // A channel moved here by a transfer was appended: order by creation, as list() does (only then is a sort needed).
    for (let i = 1; i < entries.length; i++) {
      if ((entries[i - 1] as Entry).seq > (entries[i] as Entry).seq) {
        entries.sort((x, y) => x.seq - y.seq);
        break;
      }
    }
    return entries.map((e) => e.channel);
  }

  /** A call is the set of channels sharing a linkedid. */
  countCalls(tenantId?: number): number {
    if (tenantId !== undefined) return this.callsOfTenant.get(tenantId)?.size ?? 0;
    let calls = 0;
    for (const linked of this.callsOfTenant.values()) calls += linked.size;
    return calls;
  }

  /** The calls a SIP account (an extension's phones) is in now, placing or receiving. */
  countCallsOf(tenantId: number, account: string): number {
    return this.callsOfAccount.get(`${tenantId}\u0000${account}`)?.size ?? 0;
  }

  private index(entry: Entry, channel: LiveChannel): void {
    put(this.byTenant, channel.tenantId, channel.name, entry);
    put(this.byExtension, extensionKey(channel), channel.name, entry);
    count(this.callsOfTenant, channel.tenantId, channel.linkedId);
    count(this.callsOfAccount, accountKey(channel), channel.linkedId);
  }

  private unindex(entry: Entry, channel: LiveChannel): void {
    if (this.byTenant.get(channel.tenantId)?.get(channel.name) === entry) take(this.byTenant, channel.tenantId, channel.name);
    take(this.byExtension, extensionKey(channel), channel.name);
    uncount(this.callsOfTenant, channel.tenantId, channel.linkedId);
    uncount(this.callsOfAccount, accountKey(channel), channel.linkedId);
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

const extensionKey = (channel: LiveChannel): string => `${channel.tenantId}\u0000${channel.extension}`;
const accountKey = (channel: LiveChannel): string => `${channel.tenantId}\u0000${channel.account}`;

function put<K>(index: Map<K, Map<string, Entry>>, key: K, name: string, entry: Entry): void {
  let bucket = index.get(key);
  if (bucket === undefined) index.set(key, (bucket = new Map()));
  bucket.set(name, entry);
}

function take<K>(index: Map<K, Map<string, Entry>>, key: K, name: string): void {
  const bucket = index.get(key);
  if (bucket === undefined) return;
  bucket.delete(name);
  if (bucket.size === 0) index.delete(key);
}

function count<K>(index: Map<K, Map<string, number>>, key: K, linkedId: string): void {
  let calls = index.get(key);
  if (calls === undefined) index.set(key, (calls = new Map()));
  calls.set(linkedId, (calls.get(linkedId) ?? 0) + 1);
}

function uncount<K>(index: Map<K, Map<string, number>>, key: K, linkedId: string): void {
  const calls = index.get(key);
  const n = calls?.get(linkedId);
  if (calls === undefined || n === undefined) return;
  if (n > 1) calls.set(linkedId, n - 1);
  else calls.delete(linkedId);
  if (calls.size === 0) index.delete(key);
}
