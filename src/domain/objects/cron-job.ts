// cronjob (table cr_cronjobs, spec §3.4.24, OpenAPI only): a scheduled action of one tenant, in cron's
// five fields plus a year. Run bookkeeping (last start/end, ping, pid) is written by the PBX only.
import { col, type ObjectSchema } from './object-schema.ts';

const CRON_FIELD = { regex: /^[0-9*,\/-]{1,64}$/, describe: "a cron field such as *, 5, 1-5, */15 or 1,15" };
const cron = (fallback: string) => col.text(64, { pattern: CRON_FIELD, fallback });

export const cronJobSchema: ObjectSchema = {
  name: 'cronjob',
  title: 'cron job',
  table: 'cr_cronjobs',
  idColumn: 'cr_id',
  tenantColumn: 'cr_te_id',
  labelColumn: 'cr_name',
  columns: {
    cr_type: col.text(32, { fallback: 'CALL' }),
    cr_name: col.text(255, { required: true }),
    cr_no_id: col.int(),
    cr_active: col.flag(),
    cr_minute: cron('*'),
    cr_hour: cron('*'),
    cr_day: cron('*'),
    cr_month: cron('*'),
    cr_weekday: cron('*'),
    cr_laststarted: col.datetime({ readOnly: true }),
    cr_lastended: col.datetime({ readOnly: true }),
    cr_run: col.text(1024),
    cr_once: col.flag(),
    cr_lastping: col.datetime({ readOnly: true }),
    cr_pid: col.int({ readOnly: true }),
    cr_timezone: col.text(64),
    cr_year: cron('*'),
  },
  aliases: { name: 'cr_name', type: 'cr_type', active: 'cr_active', node_id: 'cr_no_id', timezone: 'cr_timezone' },
};
