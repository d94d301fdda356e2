// PHONEBOOK-<id> and EXACTPHONEBOOK-<id> (spec §3.3): route a caller by its phonebook entry. The entry is found by
// the caller's number among its phone items (PHONE1..3, MOBILE): EXACTPHONEBOOK compares the number in its usual
// spellings (+39.., 0039.., 39..); PHONEBOOK reads each entry's numbers as regular expressions (RE2: linear time
// whatever a tenant writes; a leading + is literal) tested against the caller's number, so one entry can stand for a
// whole area (`^\+3902`). The first
// matching entry (entry order) with a ROUTING item sends the call there: `TAG-ID` targets, comma separated
// (`EXT-100` or `IVR-3,VOICEMAIL-100`). No match lets the list go on: its next target is the default route.
import { compileUserPattern, parseTarget, type PhonebookEntry } from '../../../domain/index.ts';
import type { Logger } from '../../../shared/index.ts';
import type { Application, CallHandle, StepOutcome, Target } from '../../calls/index.ts';
import { callerNumberSpellings, MAX_ENTRIES_SCANNED, phonesOf, type PhonebookDirectory } from './phonebook-directory.ts';

export type PhonebookMatch = 'pattern' | 'exact';

/** A ROUTING item names at most this many targets. */
export const MAX_ROUTING_TARGETS = 20;

export interface PhonebookRouteDeps {
  readonly phonebooks: PhonebookDirectory;
  readonly logger: Logger;
}

/** The targets of a ROUTING value; the parts that are not `TAG-ID` are returned apart, for the log. */
export function routingTargets(value: string): { targets: Target[]; bad: string[] } {
  const targets: Target[] = [];
  const bad: string[] = [];
  for (const part of value.split(',').map((p) => p.trim()).filter((p) => p !== '').slice(0, MAX_ROUTING_TARGETS)) {
    const parsed = parseTarget(part);
    if (parsed.ok) targets.push({ tag: parsed.target.tag, id: parsed.target.id });
    else bad.push(part);
  }
  return { targets, bad };
}

/**
 * Whether one of the entry's numbers, read as a pattern, matches the caller's number; bad patterns match nothing.
 * A leading `+` is the E.164 plus, not a repetition (which could not start a pattern), so `+3902` means itself.
 */
function patternMatches(entry: PhonebookEntry, number: string): boolean {
  return phonesOf(entry).some((phone) => {
    const pattern = compileUserPattern(phone.startsWith('+') ? `\\${phone}` : phone);
    return pattern.ok && pattern.value.test(number);
  });
}

export class PhonebookRoute implements Application {
  constructor(
    private readonly deps: PhonebookRouteDeps,
    private readonly match: PhonebookMatch,
  ) {}

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const { phonebooks, logger } = this.deps;
    const fields = { tenantId: call.tenantId, linkedId: call.linkedId, phonebook: target.id, match: this.match };
    if (!(await phonebooks.exists(call.tenantId, target.id))) return { kind: 'next', reason: 'unavailable', status: 404, text: `phonebook ${target.id} not found` };
    const number = call.callerParty.number.trim();
    // A withheld caller has no number to look up.
    if (number === '') return { kind: 'continue' };
    const candidates =
      this.match === 'exact'
        ? await phonebooks.byNumber(call.tenantId, target.id, callerNumberSpellings(number))
        : (await phonebooks.entries(call.tenantId, target.id, MAX_ENTRIES_SCANNED)).filter((entry) => patternMatches(entry, number));
    for (const entry of candidates) {
      const routing = (entry.values.ROUTING ?? '').trim();
      if (routing === '') continue;
      const { targets, bad } = routingTargets(routing);
      if (bad.length > 0) logger.warn({ ...fields, entry: entry.pe_id, bad }, 'call: phonebook ROUTING has parts that are not TAG-ID; skipped');
      if (targets.length === 0) continue;
      logger.info({ ...fields, entry: entry.pe_id, routing: targets.map((t) => `${t.tag}-${t.id}`) }, 'call: routed by phonebook entry');
      return { kind: 'jump', targets };
    }
    return { kind: 'continue' };
  }
}
