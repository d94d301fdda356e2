// The B2BUA's view of the store: a tenant's extensions as call targets (a few of their 149 columns), tenant codes,
// and the live registered contacts of an extension from the binding store.
import type { Clock } from '../../shared/index.ts';
import type { ObjectRow, Tenant } from '../../domain/index.ts';
import type { Store } from '../../store/index.ts';
import { requireColumns, type StoreExtensionRows } from '../dialplan/index.ts';
import type { Binding, BindingStore } from '../registrar/index.ts';
import type { CallDirectory, ExtensionTarget } from './call-ports.ts';

const COLUMNS = ['ex_id', 'ex_te_id', 'ex_number', 'ex_username', 'ex_name', 'ex_dnd', 'ex_dialtimeout', 'ex_recording'];

export class StoreCallDirectory implements CallDirectory {
  /** Tenant rows read for calls (code, channel limit), kept briefly: every call needs them, they rarely change. */
  private readonly tenantRows = new Map<number, { readonly readAt: number; readonly row: Promise<Tenant | undefined> }>();

  constructor(
    private readonly store: Store,
    private readonly bindings: BindingStore,
    private readonly clock: Clock,
    private readonly tenantCacheMs = 2000,
    /** Extension rows shared with the other call-path readers and kept briefly (main.ts); without, each read queries. */
    private readonly extensions?: StoreExtensionRows,
  ) {
    if (extensions !== undefined) requireColumns('StoreCallDirectory', COLUMNS);
  }

  async findExtension(tenantId: number, number: string): Promise<ExtensionTarget | undefined> {
    const row = this.extensions !== undefined ? await this.extensions.byNumber(tenantId, number) : (await this.store.objects('extension').list(tenantId, { ex_number: number }, { limit: 1, columns: COLUMNS }))[0];
    return row === undefined ? undefined : target(row);
  }

  async extensionById(tenantId: number, extensionId: number): Promise<ExtensionTarget | undefined> {
    const row = this.extensions !== undefined ? await this.extensions.byId(tenantId, extensionId) : (await this.store.objects('extension').list(tenantId, { ex_id: extensionId }, { limit: 1, columns: COLUMNS }))[0];
    return row === undefined ? undefined : target(row);
  }

  async tenantCode(tenantId: number): Promise<string | undefined> {
    return (await this.tenant(tenantId))?.te_code;
  }

  async maxCalls(tenantId: number): Promise<number | undefined> {
    const limit = Number((await this.tenant(tenantId))?.te_maxchannels ?? 0);
    return Number.isFinite(limit) && limit > 0 ? limit : undefined;
  }

  private tenant(tenantId: number): Promise<Tenant | undefined> {
    const now = this.clock.now().getTime();
    const cached = this.tenantRows.get(tenantId);
    if (cached !== undefined && now - cached.readAt < this.tenantCacheMs) return cached.row;
    const row = this.store.tenants.get(tenantId);
    this.tenantRows.set(tenantId, { readAt: now, row });
    return row;
  }

  async contacts(tenantId: number, extensionId: number): Promise<Binding[]> {
    const now = this.clock.now().getTime();
    return (await this.bindings.listForAccount(tenantId, extensionId)).filter((b) => b.expiresAt.getTime() > now);
  }
}

function target(row: Readonly<ObjectRow>): ExtensionTarget {
  const ring = Number(row.ex_dialtimeout ?? 0);
  return {
    tenantId: Number(row.ex_te_id),
    extensionId: Number(row.ex_id),
    number: String(row.ex_number),
    account: String(row.ex_username ?? ''),
    name: String(row.ex_name ?? ''),
    dnd: row.ex_dnd === 'on',
    ringSeconds: ring > 0 ? ring : undefined,
    recording: recordsCalls(row.ex_recording),
  };
}

/** MiRTA's recording values (SETRECORDING): yes and yeschange record; no, nochange and empty do not. */
export function recordsCalls(value: unknown): boolean {
  const text = String(value ?? '').toLowerCase();
  return text === 'yes' || text === 'yeschange' || text === 'on';
}
