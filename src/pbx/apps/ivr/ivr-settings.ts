// An IVR's settings as the menu runs them (spec §3.4.5, table iv_ivrs): timeouts, loops, what callers may dial.
// Read from the store per call (a tenant edits menus while calls run; a stale menu would be a surprise).
import type { ObjectRow } from '../../../domain/index.ts';
import type { Store } from '../../../store/index.ts';

export interface IvrSettings {
  readonly id: number;
  readonly name: string;
  /** iv_timeout: seconds to wait for a key once the prompts have played. */
  readonly waitSeconds: number;
  /** iv_digittimeout: seconds between the keys of a number dialled in the menu. */
  readonly digitSeconds: number;
  readonly loopOnTimeout: boolean;
  readonly loopOnWrongKey: boolean;
  /** iv_maxloops: rounds of the menu in all (the first included). */
  readonly maxLoops: number;
  /** iv_loopplaymessageonce: later rounds play only the options prompt, not the welcome. */
  readonly welcomeOnce: boolean;
  /** iv_allowanyextension: a caller may dial any of the tenant's extensions. */
  readonly anyExtension: boolean;
  /** iv_allowfeatures: a caller may dial the tenant's feature codes. */
  readonly allowFeatures: boolean;
  /** iv_allowdisa: a caller may dial any number of the tenant's dialplan, outside numbers included. */
  readonly allowDisa: boolean;
}

export interface IvrDirectory {
  ivr(tenantId: number, ivrId: number): Promise<IvrSettings | undefined>;
}

// Defaults when a column is empty: Asterisk's (5 s to answer, 3 s between digits), and three rounds as MiRTA's UI.
const DEFAULT_WAIT_S = 5;
const DEFAULT_DIGIT_S = 3;
const DEFAULT_LOOPS = 3;
/** Bounds on what a tenant sets, so a menu cannot hold a caller (and a channel) for hours. */
const MAX_WAIT_S = 120;
const MAX_LOOPS = 20;

export function ivrSettings(row: ObjectRow): IvrSettings {
  const seconds = (value: unknown, fallback: number) => {
    const n = Number(value);
    return Number.isFinite(n) && n > 0 ? Math.min(Math.trunc(n), MAX_WAIT_S) : fallback;
  };
  const loops = Number(row.iv_maxloops);
  return {
    id: Number(row.iv_id),
    name: String(row.iv_name ?? ''),
    waitSeconds: seconds(row.iv_timeout, DEFAULT_WAIT_S),
    digitSeconds: seconds(row.iv_digittimeout, DEFAULT_DIGIT_S),
    loopOnTimeout: row.iv_loopontimeout === 'on',
    loopOnWrongKey: row.iv_looponwrongkeypress === 'on',
    maxLoops: Number.isInteger(loops) && loops > 0 ? Math.min(loops, MAX_LOOPS) : DEFAULT_LOOPS,
    welcomeOnce: row.iv_loopplaymessageonce === 'on',
    anyExtension: row.iv_allowanyextension === 'on',
    allowFeatures: row.iv_allowfeatures === 'on',
    allowDisa: row.iv_allowdisa === 'on',
  };
}

export class StoreIvrDirectory implements IvrDirectory {
  constructor(private readonly store: Store) {}

  async ivr(tenantId: number, ivrId: number): Promise<IvrSettings | undefined> {
    const row = await this.store.objects('ivr').get(tenantId, ivrId);
    return row === undefined ? undefined : ivrSettings(row);
  }
}
