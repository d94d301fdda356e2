// huntlist (table hu_huntlists, spec §3.4.15): a ring group of one tenant. Its members are the ordered
// destination slot HUNTLIST (MANAGEDB getextensions/setextensions); on timeout, slot HUNTLIST-TIMEOUT.
import { col, type ObjectSchema } from './object-schema.ts';

/** Ring all, cycle, sequence, ring all over loop (§4.3); only RINGALL is MiRTA's observed spelling. */
export const HUNTLIST_TYPES = ['RINGALL', 'CYCLE', 'SEQUENCE', 'RINGALLLOOP'] as const;

const flags = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, col.flag()]));

export const huntlistSchema: ObjectSchema = {
  name: 'huntlist',
  title: 'hunt list',
  table: 'hu_huntlists',
  idColumn: 'hu_id',
  tenantColumn: 'hu_te_id',
  labelColumn: 'hu_name',
  columns: {
    hu_number: col.text(32, { pattern: { regex: /^[0-9*#+]{1,32}$/, describe: 'digits (and * # +), 1-32 long' } }),
    hu_name: col.text(255, { required: true }),
    hu_type: col.oneOf(HUNTLIST_TYPES, 'RINGALL'),
    hu_ringtime: col.int(),
    ...flags(['hu_checkinuse', 'hu_checkoffline', 'hu_requestconfirm']),
    hu_confirmmessage_id: col.ref('mediafile'),
    ...flags(['hu_usemoh', 'hu_allowredirect', 'hu_allowadditionaldestinations', 'hu_allowfmfm']),
    hu_dialtimeout: col.int(),
    ...flags(['hu_fastdialing', 'hu_usecustomdetails']),
  },
  aliases: { name: 'hu_name', number: 'hu_number', type: 'hu_type', ringtime: 'hu_ringtime' },
};
