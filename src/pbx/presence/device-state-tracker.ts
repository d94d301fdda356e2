// The live device state of every extension hint (`<number>-<TENANTCODE>`) this node knows of, from registrations
// (registrar and qualify events) and live channels (the ChannelRegistry), plus flows pushed to it; emits changes.
import type { Clock, Logger } from '../../shared/index.ts';
import type { ChannelRegistry, LiveChannel } from '../calls/channel-registry.ts';
import type { Binding, QualifyListener, RegistrarListener } from '../registrar/index.ts';
import { deviceState, type DeviceState } from './device-state.ts';
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
  /** Channel ids and states last emitted: a second call changes what BLF shows without changing the state. */
  signature: string;
  channels: readonly LiveChannel[];
}

type ChangeListener = (snapshot: DeviceSnapshot) => void;

const keyOf = (tenantId: number, number: string): string => `${tenantId}:${number}`;

export class DeviceStateTracker implements RegistrarListener, QualifyListener {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry | undefined>>();
  private readonly listeners = new Set<ChangeListener>();
  private stopChannels: (() => void) | undefined;

  constructor(private readonly deps: DeviceStateTrackerDeps) {}

  /** Follows the channel registry. Registrar and qualify events come through the listener methods below. */
  start(): void {
    this.stopChannels ??= this.deps.channels.subscribe((channel) => this.channelChanged(channel));
  }

  stop(): void {
    this.stopChannels?.();
    this.stopChannels = undefined;
  }

  /** Called on every change of state or of the dialogs shown; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The current state of the tenant's extension or flow `number`; undefined when the tenant has neither. */
  async snapshot(tenantId: number, number: string): Promise<DeviceSnapshot | undefined> {
    const known = this.entries.get(keyOf(tenantId, number));
    if (known !== undefined) {
      if (known.kind === 'extension') this.recompute(known);
      return view(known);
    }
    const entry = await this.load(tenantId, number);
    return entry === undefined ? undefined : view(entry);
  }

  /** The hints this node has state for, of one tenant. */
  list(tenantId: number): DeviceSnapshot[] {
    return [...this.entries.values()].filter((e) => e.tenantId === tenantId).map(view);
  }

  /** A flow's state changed (SETFLOW): subscribers of its number are told. */
  flowChanged(tenantId: number, number: string, hint: string, state: DeviceState): void {
    const key = keyOf(tenantId, number);
    const entry = this.entries.get(key);
    if (entry !== undefined && entry.kind === 'extension') return;
    if (entry === undefined) {
      const created: Entry = { tenantId, number, hint, kind: 'flow', registered: false, state, since: this.deps.clock.now(), signature: '', channels: [] };
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
    this.recompute(entry);
  }

  private channelChanged(channel: LiveChannel): void {
    if (channel.extension === '') return;
    const entry = this.entries.get(keyOf(channel.tenantId, channel.extension));
    // Known extensions are recomputed at once, so the NOTIFY leaves with the SIP event that caused it.
    if (entry !== undefined) {
      if (entry.kind === 'extension') this.recompute(entry);
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
      const entry: Entry = { tenantId, number, hint, kind: 'flow', registered: false, state: asDeviceState(flow.state), since: flow.since ?? this.deps.clock.now(), signature: '', channels: [] };
      this.entries.set(key, entry);
      return entry;
    }
    const registered = await this.registered(tenantId, extension.extensionId);
    // Another read or an event may have created it meanwhile: keep that one, with the fresher registration.
    const entry = this.entries.get(key) ?? { tenantId, number, hint, kind: 'extension' as const, registered, state: 'UNAVAILABLE' as DeviceState, since: this.deps.clock.now(), signature: '', channels: [] };
    entry.registered = registered;
    const isNew = !this.entries.has(key);
    this.entries.set(key, entry);
    if (isNew) {
      const { state, signature, channels } = this.compute(entry);
      Object.assign(entry, { state, signature, channels });
    } else {
      this.recompute(entry);
    }
    return entry;
  }

  private async registered(tenantId: number, extensionId: number): Promise<boolean> {
    return (await this.deps.directory.contacts(tenantId, extensionId)).some((b) => b.reachable);
  }

  private compute(entry: Entry): { state: DeviceState; signature: string; channels: LiveChannel[] } {
    const channels = this.deps.channels.ofExtension(entry.tenantId, entry.number);
    return {
      state: deviceState({ registered: entry.registered, channels }),
      signature: channels.map((c) => `${c.uniqueId}/${c.direction}/${c.state}/${c.connectedNum}`).join(','),
      channels,
    };
  }

  private recompute(entry: Entry): void {
    const next = this.compute(entry);
    if (next.state === entry.state && next.signature === entry.signature) return;
    if (next.state !== entry.state) entry.since = this.deps.clock.now();
    entry.state = next.state;
    entry.signature = next.signature;
    entry.channels = next.channels;
    this.emit(entry);
  }

  private emit(entry: Entry): void {
    const snapshot = view(entry);
    for (const listener of this.listeners) {
      try {
        listener(snapshot);
      } catch (error) {
        // A subscriber's bug must not reach the channel registry's caller (the B2BUA on a socket handler).
        this.deps.logger.error({ err: error }, 'presence: change listener threw');
      }
    }
  }
}

function view(entry: Entry): DeviceSnapshot {
  return { tenantId: entry.tenantId, number: entry.number, hint: entry.hint, kind: entry.kind, state: entry.state, since: entry.since, channels: entry.channels };
}

const STATES: readonly DeviceState[] = ['UNAVAILABLE', 'NOT_INUSE', 'INUSE', 'RINGING', 'RINGINUSE', 'BUSY', 'ONHOLD'];

/** A stored state word as a device state; anything else reads as UNAVAILABLE (what Asterisk reports for an unknown hint). */
export function asDeviceState(text: string): DeviceState {
  const upper = text.toUpperCase();
  return STATES.find((s) => s === upper) ?? 'UNAVAILABLE';
}
