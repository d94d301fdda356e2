// The live device state of every extension hint (`<number>-<TENANTCODE>`) this node knows of, from registrations
// (registrar and qualify events) and live channels (the ChannelRegistry), plus flows pushed to it; emits changes.
import type { Clock, Logger } from '../../shared/index.ts';
import type { ChannelRegistry, LiveChannel } from '../calls/channel-registry.ts';
import type { Binding, QualifyListener, RegistrarListener } from '../registrar/index.ts';
import { rings, stateOfCounts, type DeviceState } from './device-state.ts';
import type { FlowStateSource, PresenceDirectory } from './ports.ts';

/** An extension as the directory answers it. */
type ExtensionTarget = NonNullable<Awaited<ReturnType<PresenceDirectory['findExtension']>>>;

export interface DeviceSnapshot {
  readonly tenantId: number;
  /** The extension or flow number (`100`, `*30`). */
  readonly number: string;
  /** The hint name: `100-ACME`. */
  readonly hint: string;
  readonly kind: 'extension' | 'flow';
  readonly state: DeviceState;
  /** When the state last changed (as seen by this node). */
  readonly since: Date;
  /** The extension's live legs, in creation order (none for a flow). */
  readonly channels: readonly LiveChannel[];
}

export interface DeviceStateTrackerDeps {
  readonly channels: ChannelRegistry;
  readonly directory: PresenceDirectory;
  readonly flows?: FlowStateSource;
  readonly clock: Clock;
  readonly logger: Logger;
}

interface Entry {
  readonly tenantId: number;
  readonly number: string;
  readonly hint: string;
  readonly kind: 'extension' | 'flow';
  registered: boolean;
  state: DeviceState;
  since: Date;
  /**
   * What BLF shows of each of the extension's channels (direction, state, connected number), by channel name, and
   * how many ring and how many are in use. Kept change by change, so an extension with hundreds of calls (a PBX
   * registered as one extension) costs the same per change as a phone with one: no pass over all its channels.
   */
  readonly shown: Map<string, ShownChannel>;
  ringing: number;
  inUse: number;
}

interface ShownChannel {
  /** `direction/state/connectedNum`: a change of any of them changes what a BLF subscriber sees. */
  readonly key: string;
  readonly ringing: boolean;
}

type ChangeListener = (snapshot: DeviceSnapshot) => void;

interface Watcher {
  readonly listener: ChangeListener;
  readonly wants: ((tenantId: number, number: string) => boolean) | undefined;
}

const keyOf = (tenantId: number, number: string): string => `${tenantId}:${number}`;

export class DeviceStateTracker implements RegistrarListener, QualifyListener {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry | undefined>>();
  private readonly listeners = new Set<Watcher>();
  /** The entry each tracked channel counts in: a channel moved to another extension leaves its old one. */
  private readonly entryOfChannel = new Map<string, Entry>();
  private stopChannels: (() => void) | undefined;

  constructor(private readonly deps: DeviceStateTrackerDeps) {}

  /** Follows the channel registry. Registrar and qualify events come through the listener methods below. */
  start(): void {
    this.stopChannels ??= this.deps.channels.subscribe((channel, change) => this.channelChanged(channel, change));
  }

  stop(): void {
    this.stopChannels?.();
    this.stopChannels = undefined;
  }

  /**
   * Called on every change of state or of the dialogs shown; returns the unsubscribe function. `wants` (tenant and
   * number) limits it to the hints it watches: nobody watching a busy extension, no snapshot of it is made.
   */
  onChange(listener: ChangeListener, wants?: (tenantId: number, number: string) => boolean): () => void {
    const watcher: Watcher = { listener, wants };
    this.listeners.add(watcher);
    return () => this.listeners.delete(watcher);
  }

  /** The current state of the tenant's extension or flow `number`; undefined when the tenant has neither. */
  async snapshot(tenantId: number, number: string): Promise<DeviceSnapshot | undefined> {
    const entry = this.entries.get(keyOf(tenantId, number)) ?? (await this.load(tenantId, number));
    return entry === undefined ? undefined : this.view(entry);
  }

  /** The hints this node has state for, of one tenant. */
  list(tenantId: number): DeviceSnapshot[] {
    return [...this.entries.values()].filter((e) => e.tenantId === tenantId).map((e) => this.view(e));
  }

  /** A flow's state changed (SETFLOW): subscribers of its number are told. */
  flowChanged(tenantId: number, number: string, hint: string, state: DeviceState): void {
    const key = keyOf(tenantId, number);
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.kind === 'extension') return;
    if (entry === undefined) {
      const created = newEntry({ tenantId, number, hint, kind: 'flow', registered: false, state, since: this.deps.clock.now() });
      this.entries.set(key, created);
      this.emit(created);
      return;
    }
    if (entry.state === state) return;
    entry.state = state;
    entry.since = this.deps.clock.now();
    this.emit(entry);
  }

  bindingAdded(binding: Binding): void {
    this.accountChanged(binding);
  }

  bindingRefreshed(binding: Binding, previous: Binding): void {
    // A refresh of a reachable binding changes nothing; one that was unreachable is reachable again.
    if (binding.reachable !== previous.reachable) this.accountChanged(binding);
  }

  bindingRemoved(binding: Binding): void {
    this.accountChanged(binding);
  }

  bindingExpired(binding: Binding): void {
    this.accountChanged(binding);
  }

  reachabilityChanged(binding: Binding): void {
    this.accountChanged(binding);
  }

  private accountChanged(binding: Binding): void {
    void this.reloadAccount(binding.tenantId, binding.extensionId).catch((error: unknown) => this.deps.logger.error({ err: error }, 'presence: registration state lookup failed'));
  }

  private async reloadAccount(tenantId: number, extensionId: number): Promise<void> {
    const extension = await this.deps.directory.extensionById(tenantId, extensionId);
    if (extension === undefined) return;
    const key = keyOf(tenantId, extension.number);
    const entry = this.entries.get(key);
    if (entry === undefined) {
      // The extension was just read: the load need not read it again (one read less per new binding).
      await this.load(tenantId, extension.number, extension);
      return;
    }
    entry.registered = await this.registered(tenantId, extensionId);
    this.settle(entry, false);
  }

  private channelChanged(channel: LiveChannel, change: 'added' | 'updated' | 'removed'): void {
    const before = this.entryOfChannel.get(channel.name);
    const entry = channel.extension === '' || change === 'removed' ? undefined : this.entries.get(keyOf(channel.tenantId, channel.extension));
    // Left its extension (hung up, or moved to another one by a transfer): that extension shows one channel less.
    if (before !== undefined && before !== entry) {
      this.entryOfChannel.delete(channel.name);
      this.settle(before, unshow(before, channel.name));
    }
    if (change === 'removed' || channel.extension === '') return;
    // Known extensions change at once, so the NOTIFY leaves with the SIP event that caused it.
    if (entry !== undefined) {
      if (entry.kind !== 'extension') return;
      this.entryOfChannel.set(channel.name, entry);
      this.settle(entry, show(entry, channel));
      return;
    }
    void this.load(channel.tenantId, channel.extension).catch((error: unknown) => this.deps.logger.error({ err: error }, 'presence: extension lookup failed'));
  }

  /** Reads an extension (or else a flow) and starts tracking it; one read per key at a time. */
  private load(tenantId: number, number: string, known?: ExtensionTarget): Promise<Entry | undefined> {
    const key = keyOf(tenantId, number);
    const pending = this.loading.get(key);
    if (pending !== undefined) return pending;
    const loaded = this.read(tenantId, number, known).finally(() => this.loading.delete(key));
    this.loading.set(key, loaded);
    return loaded;
  }

  private async read(tenantId: number, number: string, known?: ExtensionTarget): Promise<Entry | undefined> {
    const code = await this.deps.directory.tenantCode(tenantId);
    if (code === undefined) return undefined;
    const hint = `${number}-${code}`;
    const extension = known ?? (await this.deps.directory.findExtension(tenantId, number));
    const key = keyOf(tenantId, number);
    if (extension === undefined) {
      const flow = await this.deps.flows?.flowState(tenantId, number);
      if (flow === undefined) return undefined;
      const raced = this.entries.get(key);
      if (raced !== undefined) return raced;
      const entry = newEntry({ tenantId, number, hint, kind: 'flow', registered: false, state: asDeviceState(flow.state), since: flow.since ?? this.deps.clock.now() });
      this.entries.set(key, entry);
      return entry;
    }
    const registered = await this.registered(tenantId, extension.extensionId);
    // Another read or an event may have created it meanwhile: keep that one, with the fresher registration.
    const raced = this.entries.get(key);
    if (raced !== undefined) {
      raced.registered = registered;
      this.settle(raced, false);
      return raced;
    }
    // New: its channels so far are read once; from now on each channel event keeps it up to date.
    const entry = newEntry({ tenantId, number, hint, kind: 'extension', registered, state: 'UNAVAILABLE', since: this.deps.clock.now() });
    for (const channel of this.deps.channels.ofExtension(tenantId, number)) {
      show(entry, channel);
      this.entryOfChannel.set(channel.name, entry);
    }
    entry.state = stateOf(entry);
    this.entries.set(key, entry);
    return entry;
  }

  private async registered(tenantId: number, extensionId: number): Promise<boolean> {
    return (await this.deps.directory.contacts(tenantId, extensionId)).some((b) => b.reachable);
  }

  /** After a change of the entry's channels (`shownChanged`: what BLF shows changed) or registration: tells listeners. */
  private settle(entry: Entry, shownChanged: boolean): void {
    if (entry.kind !== 'extension') return;
    const state = stateOf(entry);
    if (state === entry.state && !shownChanged) return;
    if (state !== entry.state) entry.since = this.deps.clock.now();
    entry.state = state;
    this.emit(entry);
  }

  /** The entry as a value: its channels as they are now (one copy per change; nothing is recomputed from them). */
  private view(entry: Entry): DeviceSnapshot {
    const { tenantId, number, hint, kind, state, since } = entry;
    const channels = kind === 'extension' ? this.deps.channels.ofExtension(tenantId, number) : [];
    return { tenantId, number, hint, kind, state, since, channels };
  }

  private emit(entry: Entry): void {
    let snapshot: DeviceSnapshot | undefined;
    for (const { listener, wants } of this.listeners) {
      if (wants !== undefined && !wants(entry.tenantId, entry.number)) continue;
      snapshot ??= this.view(entry);
      try {
        listener(snapshot);
      } catch (error) {
        // A subscriber's bug must not reach the channel registry's caller (the B2BUA on a socket handler).
        this.deps.logger.error({ err: error }, 'presence: change listener threw');
      }
    }
  }
}

function newEntry(fields: Omit<Entry, 'shown' | 'ringing' | 'inUse'>): Entry {
  return { ...fields, shown: new Map(), ringing: 0, inUse: 0 };
}

/** Asterisk's rules (device-state.ts) over the entry's counts instead of its channel list. */
function stateOf(entry: Entry): DeviceState {
  return stateOfCounts({ registered: entry.registered, ringing: entry.ringing > 0, inUse: entry.inUse > 0 });
}

/** Records what BLF shows of `channel` at its extension; true when that changed. */
function show(entry: Entry, channel: LiveChannel): boolean {
  const key = `${channel.direction}/${channel.state}/${channel.connectedNum}`;
  const before = entry.shown.get(channel.name);
  if (before?.key === key) return false;
  if (before !== undefined) count(entry, before, -1);
  const shown: ShownChannel = { key, ringing: rings(channel) };
  entry.shown.set(channel.name, shown);
  count(entry, shown, 1);
  return true;
}

/** Forgets a channel of the entry; true when it was shown. */
function unshow(entry: Entry, name: string): boolean {
  const before = entry.shown.get(name);
  if (before === undefined) return false;
  entry.shown.delete(name);
  count(entry, before, -1);
  return true;
}

function count(entry: Entry, shown: ShownChannel, by: 1 | -1): void {
  if (shown.ringing) entry.ringing += by;
  else entry.inUse += by;
}

const STATES: readonly DeviceState[] = ['UNAVAILABLE', 'NOT_INUSE', 'INUSE', 'RINGING', 'RINGINUSE', 'BUSY', 'ONHOLD'];

/** A stored state word as a device state; anything else reads as UNAVAILABLE (what Asterisk reports for an unknown hint). */
export function asDeviceState(text: string): DeviceState {
  const upper = text.toUpperCase();
  return STATES.find((s) => s === upper) ?? 'UNAVAILABLE';
}
