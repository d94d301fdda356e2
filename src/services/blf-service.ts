// BLF states (spec §2.4 BLFS): every extension hint (`100-ACME`) and flow hint of a tenant with its Asterisk
// device state and since when, from the live registrations and channels; flows from their stored states (§2.6).
import { asDeviceState, deviceState, type BindingStore, type ChannelRegistry, type DeviceState, type FlowStateSource } from '../pbx/index.ts';
import { PbxError, formatDateTime, type Clock } from '../shared/index.ts';
import type { Store } from '../store/index.ts';
import type { FlowService } from './flow-service.ts';

/** The live device states a node tracks (the presence DeviceStateTracker): what changed when. */
export interface DeviceStates {
  list(tenantId: number): ReadonlyArray<{ readonly hint: string; readonly state: DeviceState; readonly since: Date }>;
}

export interface BlfState {
  readonly hint: string;
  readonly state: string;
  /** `YYYY-MM-DD HH:MM:SS` of the last change known, null when none is. */
  readonly timestamp: string | null;
}

export class BlfService implements FlowStateSource {
  private states: DeviceStates | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly channels: ChannelRegistry,
    private readonly bindings: BindingStore,
    private readonly flows: FlowService,
  ) {}

  /** The node's tracker once SIP runs (it knows when each state changed); undefined when it stops. */
  attach(states: DeviceStates | undefined): void {
    this.states = states;
  }

  /** Extensions (in id order), then flows (in id order), of one tenant. */
  async list(tenantId: number): Promise<BlfState[]> {
    const tenant = await this.store.tenants.get(tenantId);
    if (!tenant) throw new PbxError('not_found', `Tenant ${tenantId} not found`);
    const now = this.clock.now().getTime();
    // Computed here from the store's bindings (every node's) and this node's channels, the same rule the tracker
    // applies; the tracker only adds when the state began. An unreachable binding counts as none (INFO extensions).
    const registered = new Set((await this.bindings.list(tenantId)).filter((b) => b.expiresAt.getTime() > now && b.reachable).map((b) => b.extensionId));
    const channels = this.channels.list(tenantId);
    const tracked = new Map((this.states?.list(tenantId) ?? []).map((s) => [s.hint, s]));
    const stored = new Map((await this.store.states.list(tenantId)).map((s) => [s.st_extension, s]));
    const extensions = await this.store.objects('extension').list(tenantId, {}, { columns: ['ex_id', 'ex_number'] });
    const rows: BlfState[] = extensions.map((row) => {
      const number = String(row.ex_number);
      const hint = `${number}-${tenant.te_code}`;
      const state = deviceState({ registered: registered.has(Number(row.ex_id)), channels: channels.filter((c) => c.extension === number) });
      const since = tracked.get(hint);
      const timestamp = since !== undefined && since.state === state ? formatDateTime(since.since) : (stored.get(hint)?.st_timestamp ?? null);
      return { hint, state, timestamp };
    });
    for (const flow of await this.flows.list(tenantId)) rows.push({ hint: flow.hint, state: flow.state, timestamp: flow.timestamp });
    return rows;
  }

  /** FlowStateSource for presence: the lamp of the tenant's flow numbered `number` (subscribers of a flow number). */
  async flowState(tenantId: number, number: string): Promise<{ state: string; since: Date | undefined } | undefined> {
    const flow = (await this.flows.list(tenantId)).find((f) => String(f.flow.fl_number ?? '') === number);
    if (flow === undefined) return undefined;
    return { state: asDeviceState(flow.state), since: flow.timestamp === null ? undefined : parseTimestamp(flow.timestamp) };
  }
}

/** `YYYY-MM-DD HH:MM:SS` as formatDateTime wrote it (UTC). */
function parseTimestamp(text: string): Date | undefined {
  const date = new Date(`${text.replace(' ', 'T')}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
