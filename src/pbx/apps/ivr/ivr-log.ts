// The IVR log (spec §2.12 INFO ivrlogs): every choice a caller makes in a menu, as the menu reports it. main.ts plugs
// in the services' IvrLogService; a failed write is logged and never reaches the call.
import type { StepOutcome } from '../../calls/index.ts';

/** What the caller did: a key's slot, an extension, feature code or number dialled, a wrong key, no key, hanging up. */
export type IvrChoiceKind = 'KEY' | 'EXTENSION' | 'FEATURE' | 'DISA' | 'WRONG' | 'TIMEOUT' | 'HANGUP';

export interface IvrChoice {
  readonly tenantId: number;
  readonly linkedId: string;
  readonly ivrId: number;
  readonly ivrName: string;
  readonly callerNumber: string;
  readonly callerName: string;
  /** The menu's round, 1 the first time it played. */
  readonly round: number;
  /** The keys pressed ('' for a timeout or a hang-up). */
  readonly keys: string;
  readonly choice: IvrChoiceKind;
  /** Where the call went (IVR_1, EXT-21, FEATURECODE, IVR_HANGUP); '' when the menu played again or ended. */
  readonly destination: string;
}

export interface IvrLog {
  record(choice: IvrChoice): Promise<unknown>;
}

/** The log's words for where an outcome sends the call: a slot's name, or the targets (`EXT-21`, `OUT`). */
export function destinationOf(outcome: StepOutcome | undefined): string {
  if (outcome?.kind === 'goto') return outcome.slot.slot;
  if (outcome?.kind === 'jump') return outcome.targets.map((t) => (t.id === 0 ? t.tag : `${t.tag}-${t.id}`)).join(',');
  if (outcome?.kind === 'caller-gone') return outcome.then?.slot ?? '';
  return '';
}
