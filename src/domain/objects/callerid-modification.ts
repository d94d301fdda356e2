// calleridmodification (table cm_calleridmods): a tenant's caller-id modification rule, run by CALLERIDMOD-<id>
// (spec §3.3) and named by providers' pr_ca_id / pr_did_ca_id (§3.4.7). MiRTA does not publish this object's table
// or columns (a §7 gap); these are Callgrid's, one per field of the rule (pbx/apps/caller-id/caller-id-rule.ts):
// when the caller's number matches cm_match (RE2), strip cm_strip leading digits and put cm_prefix before the rest,
// or put cm_number instead; cm_calleridname replaces the name and cm_nameprefix goes before it.
import { col, type ObjectSchema } from './object-schema.ts';

/** What a caller id number (or a part of one) may hold: digits with an optional leading `+`, nothing a header could break on. */
const CALLER_NUMBER = { regex: /^\+?[0-9]{1,32}$/, describe: 'digits with an optional leading + (at most 32)' };
/** A prefix may be the `+` alone (39061234 -> +39061234). */
const NUMBER_PREFIX = { regex: /^\+?[0-9]{0,32}$/, describe: 'digits with an optional leading + (at most 32)' };
/** Names go into From display names and logs: no control characters (CR, LF, NUL...). */
const PRINTABLE = { regex: /^[^\u0000-\u001f\u007f]*$/, describe: 'text without control characters' };

/** The longest strip a rule may ask for (a caller id number is at most 32 characters). */
export const MAX_CALLER_ID_STRIP = 32;

export const callerIdModificationSchema: ObjectSchema = {
  name: 'calleridmodification',
  title: 'caller id modification',
  table: 'cm_calleridmods',
  idColumn: 'cm_id',
  tenantColumn: 'cm_te_id',
  labelColumn: 'cm_name',
  columns: {
    cm_name: col.text(255, { required: true, pattern: PRINTABLE }),
    // An RE2 pattern ('' = every number), compiled on writes (services/objects/callerid-mod-rules.ts).
    cm_match: col.text(1024),
    // 0..MAX_CALLER_ID_STRIP, checked on writes.
    cm_strip: col.int({ fallback: 0 }),
    cm_prefix: col.text(33, { pattern: NUMBER_PREFIX }),
    cm_number: col.text(33, { pattern: CALLER_NUMBER }),
    cm_calleridname: col.text(255, { pattern: PRINTABLE }),
    cm_nameprefix: col.text(255, { pattern: PRINTABLE }),
  },
  aliases: { name: 'cm_name', match: 'cm_match', strip: 'cm_strip', prefix: 'cm_prefix', number: 'cm_number', calleridname: 'cm_calleridname', nameprefix: 'cm_nameprefix' },
};
