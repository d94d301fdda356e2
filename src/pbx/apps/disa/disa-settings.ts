// A DISA's settings as the step runs them (spec §3.4.24, table ds_disas): PIN, tries, timeouts, whether outside
// numbers are allowed and the caller id they are dialled with. Read from the store per call, as IVRs are.
import type { ObjectRow } from '../../../domain/index.ts';
import type { Store } from '../../../store/index.ts';
import { keypadColumns, type KeypadColumnRules } from '../../calls/index.ts';

export interface DisaSettings {
  readonly id: number;
  readonly name: string;
  /** ds_me_id: the welcome message, played before the first tone. */
  readonly welcomeMediaId: number | undefined;
  /** ds_pin: '' = no PIN asked. */
  readonly pin: string;
  /** ds_outbound `on`: numbers outside the tenant may be dialled (only with a PIN). */
  readonly outbound: boolean;
  /** ds_blockcid `on`: the dialled party sees an anonymous caller unless ds_calleridnum/name say otherwise. */
  readonly blockCallerId: boolean;
  /** ds_calleridnum / ds_calleridname: the caller id the call goes on with; '' = the caller's own. */
  readonly callerIdNumber: string;
  readonly callerIdName: string;
  /** ds_digitstimeout: seconds between the keys of the PIN or number. */
  readonly digitSeconds: number;
  /** ds_responsetimeout: seconds the tone waits for the first key. */
  readonly responseSeconds: number;
  /** ds_looponattempt: tries for the PIN, and for a number that reaches nothing. */
  readonly attempts: number;
}

export interface DisaDirectory {
  disa(tenantId: number, disaId: number): Promise<DisaSettings | undefined>;
}

/**
 * Asterisk's DISA waits 20 s for the first key and 10 s between keys; three tries as MiRTA's IVR loops. The bounds keep
 * a DISA from holding a caller (and a channel) for long, and from allowing PIN guessing.
 */
const KEYPAD: KeypadColumnRules = { firstDigitSeconds: 20, digitSeconds: 10, tries: 3, maxWaitSeconds: 60, maxTries: 5 };

export function disaSettings(row: ObjectRow): DisaSettings {
  const keypad = keypadColumns({ firstDigit: row.ds_responsetimeout, digit: row.ds_digitstimeout, tries: row.ds_looponattempt }, KEYPAD);
  const media = Number(row.ds_me_id);
  return {
    id: Number(row.ds_id),
    name: String(row.ds_name ?? ''),
    welcomeMediaId: row.ds_me_id !== null && row.ds_me_id !== undefined && Number.isInteger(media) && media > 0 ? media : undefined,
    pin: String(row.ds_pin ?? '').trim(),
    outbound: row.ds_outbound === 'on',
    blockCallerId: row.ds_blockcid === 'on',
    callerIdNumber: String(row.ds_calleridnum ?? '').trim(),
    callerIdName: String(row.ds_calleridname ?? '').trim(),
    digitSeconds: keypad.digitSeconds,
    responseSeconds: keypad.firstDigitSeconds,
    attempts: keypad.tries,
  };
}

export class StoreDisaDirectory implements DisaDirectory {
  constructor(private readonly store: Store) {}

  async disa(tenantId: number, disaId: number): Promise<DisaSettings | undefined> {
    const row = await this.store.objects('disa').get(tenantId, disaId);
    return row === undefined ? undefined : disaSettings(row);
  }
}
