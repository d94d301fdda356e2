// The carrier-routing directories over the store: a few columns of extensions, DIDs, blacklists, destination
// slots and customs (tenant-scoped), and of the global routing profiles' routes and providers.
import { type DestinationTarget, type ObjectRow, type Tenant } from '../../domain/index.ts';
import { systemClock, type Clock } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';
import type { CustomDestination, ExtensionForwarding, ExtensionSituation, ForwardingDirectory } from './extension-slots.ts';
import { forwardingFlags, SITUATION_FLAG, SITUATION_SLOT } from './extension-slots.ts';
import type { DidEntry, InboundDirectory } from './inbound-did.ts';
import type { NumberDirectory } from './number-targets.ts';
import type { CallerRouting, OutboundDirectory, RouteRule, RoutingProvider } from './outbound-routes.ts';
import { providerTarget, type ProviderTargetResult } from './provider-target.ts';
import { requireColumns, type StoreExtensionRows } from './store-extension-rows.ts';
import { StoreLookupCache } from './store-lookup-cache.ts';

const CALLER_COLUMNS = ['ex_id', 'ex_rp_id', 'ex_callallowed', 'ex_destallowregex', 'ex_callallowedreason', 'ex_cidnum', 'ex_cidname', 'ex_emergencycidnum', 'ex_trunkcidoverride', 'ex_trunkemergencycidoverride'];
const ROUTE_COLUMNS = ['dl_id', 'dl_regex', 'dl_pr_id', 'dl_adddigits', 'dl_deletedigits', 'dl_order', 'dl_priority', 'dl_weight', 'dl_emergencyroute', 'dl_usepin', 'dl_no_id'];
const PROVIDER_COLUMNS = ['pr_id', 'pr_disabled', 'pr_callerid', 'pr_calleridname'];
const DID_COLUMNS = ['di_id', 'di_te_id', 'di_number', 'di_unconditionalstatus', 'di_didnameprefix', 'di_maxchannels', 'di_recording'];
const SITUATIONS: readonly ExtensionSituation[] = ['incoming', 'busy', 'noanswer', 'offline'];
/** Objects dialled by their own number, the target each becomes, in the order they are looked up. */
const NUMBERED = [
  { object: 'huntlist', column: 'hu_number', id: 'hu_id', tag: 'HUNTLIST' },
  { object: 'queue', column: 'qu_number', id: 'qu_id', tag: 'QUEUE' },
  { object: 'conference', column: 'cr_number', id: 'cr_id', tag: 'MEETME' },
  { object: 'paginggroup', column: 'pa_number', id: 'pa_id', tag: 'PAGING' },
] as const;

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));
const int = (value: unknown, fallback: number): number => {
  const n = Number(value);
  return value === null || value === undefined || value === '' || !Number.isFinite(n) ? fallback : Math.trunc(n);
};
const idOrNull = (value: unknown): number | null => (value === null || value === undefined || value === '' ? null : Number(value));
const isOn = (value: unknown) => text(value).toLowerCase() === 'on';

/** The call path's shared lookups; without them every read goes to the store (the SMS services, tests). */
export interface StoreRoutingOptions {
  /** Extension rows (forwarding switches, the caller's routing columns) shared with the call directory. */
  readonly extensions?: StoreExtensionRows;
  /** Routing profiles' routes and tenants' rows are kept this long (CALLGRID_LOOKUP_CACHE_SECONDS); 0 = not kept. */
  readonly cacheMs?: number;
  readonly clock?: Clock;
}

export class StoreRoutingDirectory implements OutboundDirectory, InboundDirectory, ForwardingDirectory, Omit<NumberDirectory, 'findExtension'> {
  private readonly routeRules: StoreLookupCache<readonly RouteRule[]>;
  private readonly tenantRows: StoreLookupCache<Tenant | undefined>;

  constructor(
    private readonly store: Store,
    private readonly options: StoreRoutingOptions = {},
  ) {
    if (options.extensions !== undefined) requireColumns('StoreRoutingDirectory', [...CALLER_COLUMNS, ...forwardingColumns()]);
    this.routeRules = new StoreLookupCache(options.clock ?? systemClock, options.cacheMs ?? 0);
    this.tenantRows = new StoreLookupCache(options.clock ?? systemClock, options.cacheMs ?? 0);
  }

  private extensionRow(tenantId: number, extensionId: number, columns: readonly string[]): Promise<Readonly<ObjectRow> | undefined> {
    const shared = this.options.extensions;
    if (shared !== undefined) return shared.byId(tenantId, extensionId);
    return this.store.objects('extension').list(tenantId, { ex_id: extensionId }, { limit: 1, columns: [...columns] }).then((rows) => rows[0]);
  }

  private tenant(tenantId: number): Promise<Tenant | undefined> {
    return this.tenantRows.read(String(tenantId), () => this.store.tenants.get(tenantId));
  }

  async callerRouting(tenantId: number, extensionId: number): Promise<CallerRouting | undefined> {
    const row = await this.extensionRow(tenantId, extensionId, CALLER_COLUMNS);
    if (row === undefined) return undefined;
    // An extension without its own profile dials by its tenant's (te_rp_id, spec §3.4.1).
    const own = idOrNull(row.ex_rp_id);
    const profile = own ?? (await this.tenant(tenantId))?.te_rp_id ?? null;
    return {
      extensionId,
      routingProfileId: profile,
      callAllowed: text(row.ex_callallowed),
      destAllowRegex: text(row.ex_destallowregex),
      callAllowedReason: text(row.ex_callallowedreason),
      callerIdNumber: text(row.ex_cidnum),
      callerIdName: text(row.ex_cidname),
      emergencyCallerId: text(row.ex_emergencycidnum),
      trunkCallerId: text(row.ex_trunkcidoverride),
      trunkEmergencyCallerId: text(row.ex_trunkemergencycidoverride),
    };
  }

  /** The tenant's object with this own number: hunt list, queue, conference room or paging group (§3.4). */
  async findNumbered(tenantId: number, number: string): Promise<DestinationTarget | undefined> {
    const found = await Promise.all(
      NUMBERED.map(async ({ object, column, id, tag }) => {
        const [row] = await this.store.objects(object).list(tenantId, { [column]: number }, { limit: 1, columns: [id] });
        return row === undefined ? undefined : { tag, id: Number(row[id]) };
      }),
    );
    return found.find((target) => target !== undefined);
  }

  async shortNumber(tenantId: number, number: string): Promise<string | undefined> {
    const [row] = await this.store.objects('shortnumber').list(tenantId, { sn_number: number }, { limit: 1, columns: ['sn_destnumber'] });
    const destination = text(row?.sn_destnumber);
    return destination === '' ? undefined : destination;
  }

  async tenantRouting(tenantId: number): Promise<CallerRouting | undefined> {
    const tenant = await this.tenant(tenantId);
    if (tenant === undefined) return undefined;
    return { extensionId: 0, routingProfileId: tenant.te_rp_id ?? null, callAllowed: '', destAllowRegex: '', callAllowedReason: '', callerIdNumber: '', callerIdName: '', emergencyCallerId: '' };
  }

  async routes(routingProfileId: number): Promise<RouteRule[]> {
    // A copy: the kept list is shared by every call that dials by this profile.
    return [...(await this.routeRules.read(String(routingProfileId), () => this.readRoutes(routingProfileId)))];
  }

  private async readRoutes(routingProfileId: number): Promise<readonly RouteRule[]> {
    const rows = await this.store.objects('route').list(null, { dl_rp_id: routingProfileId }, { columns: ROUTE_COLUMNS });
    return rows.map((row) => ({
      routeId: Number(row.dl_id),
      regex: text(row.dl_regex),
      providerId: idOrNull(row.dl_pr_id),
      addDigits: text(row.dl_adddigits),
      deleteDigits: int(row.dl_deletedigits, 0),
      order: int(row.dl_order, 0),
      priority: int(row.dl_priority, 0),
      weight: int(row.dl_weight, 1),
      emergency: isOn(row.dl_emergencyroute),
      usePin: isOn(row.dl_usepin),
      nodeId: idOrNull(row.dl_no_id),
    }));
  }

  async routingProviders(providerIds: readonly number[]): Promise<RoutingProvider[]> {
    const table = this.store.objects('provider');
    const rows = await Promise.all(providerIds.map((id) => table.list(null, { pr_id: id }, { limit: 1, columns: PROVIDER_COLUMNS })));
    return rows.flat().map((row) => ({
      providerId: Number(row.pr_id),
      disabled: isOn(row.pr_disabled),
      callerId: text(row.pr_callerid),
      callerIdName: text(row.pr_calleridname),
    }));
  }

  /** A provider's SIP target (its whole row: credentials included); undefined = no such provider. */
  async providerTarget(providerId: number): Promise<ProviderTargetResult | undefined> {
    const row = await this.store.objects('provider').get(null, providerId);
    return row === undefined ? undefined : providerTarget(row);
  }

  async findDids(numbers: readonly string[], tenantId?: number): Promise<DidEntry[]> {
    const table = this.store.objects('did');
    const rows = (await Promise.all(numbers.map((n) => table.list(tenantId ?? null, { di_number: n }, { columns: DID_COLUMNS })))).flat();
    const disabled = new Map<number, boolean>();
    for (const id of new Set(rows.map((row) => Number(row.di_te_id)))) {
      const tenant = await this.tenant(id);
      disabled.set(id, tenant === undefined || tenant.te_disabled === 'on');
    }
    return rows.map((row) => ({
      tenantId: Number(row.di_te_id),
      didId: Number(row.di_id),
      number: text(row.di_number),
      unconditional: isOn(row.di_unconditionalstatus),
      namePrefix: text(row.di_didnameprefix),
      tenantDisabled: disabled.get(Number(row.di_te_id)) ?? true,
      ...(int(row.di_maxchannels, 0) > 0 ? { maxCalls: int(row.di_maxchannels, 0) } : {}),
      ...(text(row.di_recording).toLowerCase() === 'yes' ? { recording: true } : {}),
    }));
  }

  async blacklisted(tenantId: number, callerIds: readonly string[]): Promise<string[]> {
    const table = this.store.objects('calleridblacklist');
    const rows = await Promise.all(callerIds.map((c) => table.list(tenantId, { bl_callerid: c }, { limit: 1, columns: ['bl_callerid'] })));
    return rows.flat().map((row) => text(row.bl_callerid));
  }

  async slotTargets(tenantId: number, slot: string, ownerId: number): Promise<DestinationTarget[]> {
    const rows = await this.store.objects('destination').list(tenantId, { de_type_src: slot, de_type_id_src: ownerId }, { columns: ['de_id', 'de_type_dst', 'de_type_id_dst', 'de_ord'] });
    return [...rows]
      .sort((a, b) => int(a.de_ord, 0) - int(b.de_ord, 0) || Number(a.de_id) - Number(b.de_id))
      .map((row) => ({ tag: text(row.de_type_dst).toUpperCase(), id: int(row.de_type_id_dst, 0) }));
  }

  async customs(tenantId: number, ids: readonly number[]): Promise<CustomDestination[]> {
    const rows = (await Promise.all(ids.map((id) => this.store.objects('custom').get(tenantId, id)))).filter((row): row is ObjectRow => row !== undefined);
    const codes = new Map<number, string>();
    for (const typeId of new Set(rows.map((row) => Number(row.cu_ct_id)))) {
      const [type] = await this.store.objects('customtype').list(null, { ct_id: typeId }, { limit: 1, columns: ['ct_code'] });
      codes.set(typeId, text(type?.ct_code));
    }
    return rows.map((row) => ({
      customId: Number(row.cu_id),
      typeCode: codes.get(Number(row.cu_ct_id)) ?? '',
      params: Array.from({ length: 20 }, (_, i) => text(row[`cu_param${i + 1}`])),
    }));
  }

  async forwarding(tenantId: number, extensionId: number): Promise<ExtensionForwarding | undefined> {
    const row = await this.extensionRow(tenantId, extensionId, forwardingColumns());
    if (row === undefined) return undefined;
    const enabled = forwardingFlags(row);
    const slots: Partial<Record<ExtensionSituation, DestinationTarget[]>> = {};
    // Only the switched-on slots are read: the others cannot apply.
    for (const situation of SITUATIONS) if (enabled[situation]) slots[situation] = await this.slotTargets(tenantId, SITUATION_SLOT[situation], extensionId);
    const customIds = [...new Set(Object.values(slots).flatMap((targets) => targets.filter((t) => t.tag === 'CUSTOM').map((t) => t.id)))];
    const customs = new Map((customIds.length > 0 ? await this.customs(tenantId, customIds) : []).map((c) => [c.customId, c] as const));
    return { enabled, slots, customs };
  }
}

function forwardingColumns(): string[] {
  return ['ex_id', ...SITUATIONS.map((s) => SITUATION_FLAG[s])];
}
