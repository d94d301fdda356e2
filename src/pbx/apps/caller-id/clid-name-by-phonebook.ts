// CLIDNAMEBYPHONEBOOK-<phonebook id> (spec §3.3, §4.2 "Phonebook"): the caller's name becomes the name of its entry
// in the tenant's phonebook, found by the caller's number in its usual spellings (+39.., 0039.., 39..) among the
// entry's phone items. The phones rung afterwards, CHANNELS and the CDR show it. The number is kept; no entry, or
// an entry without a name, leaves the caller as it was. Nothing is answered: the list goes on at once.
import type { PhonebookEntry } from '../../../domain/index.ts';
import type { Logger } from '../../../shared/index.ts';
import type { Application, CallHandle, StepOutcome, Target } from '../../calls/index.ts';
import { callerNumberSpellings, type PhonebookDirectory } from '../phonebook-route/index.ts';

/** A caller name is shown by phones and kept in the CDR's clid (255): longer names are cut. */
export const MAX_CALLER_NAME = 255;

/** The name an entry shows: NAME, else first and last name, else the company. */
export function entryName(entry: PhonebookEntry): string {
  const value = (item: string) => (entry.values[item] ?? '').trim();
  const name = value('NAME') || [value('FIRSTNAME'), value('LASTNAME')].filter((v) => v !== '').join(' ') || value('COMPANY');
  // Control characters would be copied into From display names and logs.
  return name.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, MAX_CALLER_NAME);
}

export interface ClidNameDeps {
  readonly phonebooks: PhonebookDirectory;
  readonly logger: Logger;
}

export class ClidNameByPhonebook implements Application {
  constructor(private readonly deps: ClidNameDeps) {}

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const { phonebooks, logger } = this.deps;
    if (!(await phonebooks.exists(call.tenantId, target.id))) return { kind: 'next', reason: 'unavailable', status: 404, text: `phonebook ${target.id} not found` };
    const spellings = callerNumberSpellings(call.callerParty.number);
    if (spellings.length === 0) return { kind: 'continue' };
    const named = (await phonebooks.byNumber(call.tenantId, target.id, spellings)).map(entryName).find((name) => name !== '');
    const fields = { tenantId: call.tenantId, linkedId: call.linkedId, phonebook: target.id };
    if (named === undefined) return { kind: 'continue' };
    if (call.setCaller === undefined) {
      logger.warn(fields, 'call: this call cannot change its caller id; CLIDNAMEBYPHONEBOOK skipped');
      return { kind: 'continue' };
    }
    call.setCaller({ name: named });
    logger.info({ ...fields, name: named }, 'call: caller name set from the phonebook');
    return { kind: 'continue' };
  }
}
