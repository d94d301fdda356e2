// An extension's row as the call path reads it, one query for every reader: the call directory (target, DND, ring
// time), recording flags, forwarding switches, follow-me, identity headers and the caller's routing all want a few
// columns of the same row during one call setup. The row is read once with all of them and kept for the node's
// lookup cache time (CALLGRID_LOOKUP_CACHE_SECONDS), under its id, its number and its SIP account alike.
import type { ObjectRow } from '../../domain/index.ts';
import type { Clock } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';
import { StoreLookupCache } from './store-lookup-cache.ts';

/** Every column a call-path reader asks for; a reader names its own and `requireColumns` checks they are here. */
export const CALL_PATH_EXTENSION_COLUMNS: readonly string[] = [
  // identity and ringing (calls/store-call-directory.ts)
  'ex_id', 'ex_te_id', 'ex_number', 'ex_username', 'ex_name', 'ex_dnd', 'ex_dialtimeout', 'ex_recording',
  // forwarding switches (extension-slots.ts SITUATION_FLAG)
  'ex_unconditionalstatus', 'ex_onbusystatus', 'ex_onnoanswerstatus', 'ex_onofflinestatus',
  // follow-me (apps/ring-extension/follow-me.ts)
  'ex_fmfmstatus', 'ex_fmfmnumber', 'ex_fmfmdialtimeout', 'ex_fmfmdialmethod', 'ex_fmfmdelay', 'ex_fmfmconfirm', 'ex_fmfmconfirmmessage_id',
  'ex_fmfmonconditionid', 'ex_fmfmcallerid', 'ex_fmfmnumprefix', 'ex_fmfmnameprefix',
  // connected line headers (calls/store-identity-settings.ts)
  'ex_applyalwaysrpid',
  // the caller's outbound routing (store-routing-directory.ts callerRouting)
  'ex_rp_id', 'ex_callallowed', 'ex_destallowregex', 'ex_callallowedreason', 'ex_cidnum', 'ex_cidname', 'ex_emergencycidnum',
  'ex_trunkcidoverride', 'ex_trunkemergencycidoverride',
];

const KNOWN = new Set(CALL_PATH_EXTENSION_COLUMNS);

/** Throws when a reader needs a column the shared row does not carry (a programming error, found by the reader's tests). */
export function requireColumns(reader: string, columns: readonly string[]): void {
  const missing = columns.filter((column) => !KNOWN.has(column));
  if (missing.length > 0) throw new Error(`${reader}: CALL_PATH_EXTENSION_COLUMNS lacks ${missing.join(', ')}`);
}

type Lookup = 'ex_id' | 'ex_number' | 'ex_username';

export class StoreExtensionRows {
  private readonly cache: StoreLookupCache<Readonly<ObjectRow> | undefined>;

  /** `ttlMs` 0 reads the store every time (tests, CALLGRID_LOOKUP_CACHE_SECONDS=0). */
  constructor(
    private readonly store: Store,
    clock: Clock,
    ttlMs = 0,
  ) {
    this.cache = new StoreLookupCache(clock, ttlMs);
  }

  byId(tenantId: number, extensionId: number): Promise<Readonly<ObjectRow> | undefined> {
    return this.read(tenantId, 'ex_id', extensionId);
  }

  byNumber(tenantId: number, number: string): Promise<Readonly<ObjectRow> | undefined> {
    return this.read(tenantId, 'ex_number', number);
  }

  /** By SIP account (ex_username, `100-ACME`), within the tenant. */
  byAccount(tenantId: number, account: string): Promise<Readonly<ObjectRow> | undefined> {
    return this.read(tenantId, 'ex_username', account);
  }

  /** A change this node made to the tenant's extensions (a feature code's DND): the next read goes to the store. */
  forget(tenantId: number): void {
    this.cache.forget(`${tenantId}|`);
  }

  private read(tenantId: number, column: Lookup, value: string | number): Promise<Readonly<ObjectRow> | undefined> {
    return this.cache.read(key(tenantId, column, value), async (readAt) => {
      const [row] = await this.store.objects('extension').list(tenantId, { [column]: value }, { limit: 1, columns: CALL_PATH_EXTENSION_COLUMNS });
      if (row === undefined) return undefined;
      const frozen = Object.freeze(row);
      // The same row answers its other two keys until this read expires (a call reads the callee by number, then by id).
      const same = Promise.resolve(frozen);
      for (const other of ['ex_id', 'ex_number', 'ex_username'] as const) {
        if (other !== column && row[other] !== null && row[other] !== undefined) this.cache.keep(key(tenantId, other, row[other]), same, readAt);
      }
      return frozen;
    });
  }
}

const key = (tenantId: number, column: Lookup, value: string | number): string => `${tenantId}|${column}|${String(value)}`;
