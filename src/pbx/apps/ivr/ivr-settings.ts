// An IVR's settings as the menu runs them (spec §3.4.5, table iv_ivrs): timeouts, loops, what callers may dial.
// Read from the store per call (a tenant edits menus while calls run; a stale menu would be a surprise).
import type { ObjectRow } from '../../../domain/index.ts';
import type { Store } from '../../../store/index.ts';
import { keypadColumns, type KeypadColumnRules } from '../../calls/index.ts';

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

/**
 * Defaults when a column is empty: Asterisk's (5 s to answer, 3 s between digits), and three rounds as MiRTA's UI. The
 * bounds keep a menu from holding a caller (and a channel) for hours.
 */
const KEYPAD: KeypadColumnRules = { firstDigitSeconds: 5, digitSeconds: 3, tries: 3, maxWaitSeconds: 120, maxTries: 20 };

export function ivrSettings(row: ObjectRow): IvrSettings {
  const keypad = keypadColumns({ firstDigit: row.iv_timeout, digit: row.iv_digittimeout, tries: row.iv_maxloops }, KEYPAD);
  return {
    id: Number(row.iv_id),
    name: String(row.iv_name ?? ''),
    waitSeconds: keypad.firstDigitSeconds,
    digitSeconds: keypad.digitSeconds,
    loopOnTimeout: row.iv_loopontimeout === 'on',
    loopOnWrongKey: row.iv_looponwrongkeypress === 'on',
    maxLoops: keypad.tries,
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
