// The B2BUA's view of the store: a tenant's extensions as call targets (a few of their 149 columns), tenant codes,
// and the live registered contacts of an extension from the binding store.
import type { Clock } from '../../shared/index.ts';
import type { ObjectRow } from '../../domain/index.ts';
import type { Store } from '../../store/index.ts';
import type { Binding, BindingStore } from '../registrar/index.ts';
import type { CallDirectory, ExtensionTarget } from './call-ports.ts';

const COLUMNS = ['ex_id', 'ex_te_id', 'ex_number', 'ex_username', 'ex_name', 'ex_dnd', 'ex_dialtimeout'];

export class StoreCallDirectory implements CallDirectory {
  constructor(private readonly store: Store, private readonly bindings: BindingStore, private readonly clock: Clock) {}

  async findExtension(tenantId: number, number: string): Promise<ExtensionTarget | undefined> {
    const rows = await this.store.objects('extension').list(tenantId, { ex_number: number }, { limit: 1, columns: COLUMNS });
    return rows[0] === undefined ? undefined : target(rows[0]);
  }

  async extensionById(tenantId: number, extensionId: number): Promise<ExtensionTarget | undefined> {
    const row = await this.store.objects('extension').get(tenantId, extensionId);
    return row === undefined ? undefined : target(row);
  }

  async tenantCode(tenantId: number): Promise<string | undefined> {
    return (await this.store.tenants.get(tenantId))?.te_code;
  }

  async maxCalls(tenantId: number): Promise<number | undefined> {
    const limit = Number((await this.store.tenants.get(tenantId))?.te_maxchannels ?? 0);
    return Number.isFinite(limit) && limit > 0 ? limit : undefined;
  }

  async contacts(tenantId: number, extensionId: number): Promise<Binding[]> {
    const now = this.clock.now().getTime();
    return (await this.bindings.listForAccount(tenantId, extensionId)).filter((b) => b.expiresAt.getTime() > now);
  }
}

function target(row: ObjectRow): ExtensionTarget {
  const ring = Number(row.ex_dialtimeout ?? 0);
  return {
    tenantId: Number(row.ex_te_id),
    extensionId: Number(row.ex_id),
    number: String(row.ex_number),
    account: String(row.ex_username ?? ''),
    name: String(row.ex_name ?? ''),
    dnd: row.ex_dnd === 'on',
    ringSeconds: ring > 0 ? ring : undefined,
  };
}
