// condition (table co_conditions, spec §3.4.11): a branching test of one tenant. True goes to slot
// CONDITION, false to NOTCONDITION, multi-valued types to CONDITION1..20 (§3.3). Schedules and other
// list parameters are its extended infos (ce_conditionextendedinfos, one row per entry).
import { col, texts, type ObjectSchema } from './object-schema.ts';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export const conditionSchema: ObjectSchema = {
  name: 'condition',
  title: 'condition',
  table: 'co_conditions',
  idColumn: 'co_id',
  tenantColumn: 'co_te_id',
  labelColumn: 'co_name',
  columns: {
    co_name: col.text(255),
    // MiRTA's type codes are not published (only WEEKTIME is, §7.1): any upper-case code is kept.
    co_type: col.text(64, { required: true, pattern: { regex: /^[A-Z][A-Z0-9_]{0,63}$/, describe: 'an upper-case type code such as WEEKTIME' } }),
    co_timezone: col.text(64),
    ...texts(range(1, 22).map((n) => `co_param${n}`), 1024),
  },
  aliases: { name: 'co_name', type: 'co_type', timezone: 'co_timezone' },
};

/** How many extended infos one condition keeps (a week of split shifts is 14). */
export const MAX_EXTENDED_INFOS = 500;

/** The extended infos of a condition (weekday + from + to, a calendar day, ...): `paramN` -> ce_paramN. */
export const conditionExtendedInfoSchema: ObjectSchema = {
  name: 'conditionextendedinfo',
  title: 'condition extended info',
  table: 'ce_conditionextendedinfos',
  idColumn: 'ce_id',
  tenantColumn: 'ce_te_id',
  labelColumn: 'ce_co_id',
  columns: {
    // The rows belong to their condition and go with it.
    ce_co_id: col.ref('condition', { cascade: true }),
    ...texts(range(1, 4).map((n) => `ce_param${n}`), 255),
  },
  aliases: Object.fromEntries(range(1, 4).map((n) => [`param${n}`, `ce_param${n}`])),
};
