// disa (table ds_disas, spec §3.4.24, OpenAPI only): Direct Inward System Access, a PIN that gives a
// caller a dial tone to call out. The PIN is write-only.
import { col, type ObjectSchema } from './object-schema.ts';

export const disaSchema: ObjectSchema = {
  name: 'disa',
  title: 'DISA',
  table: 'ds_disas',
  idColumn: 'ds_id',
  tenantColumn: 'ds_te_id',
  labelColumn: 'ds_name',
  columns: {
    ds_name: col.text(255, { required: true }),
    ds_me_id: col.ref('mediafile'),
    ds_pin: col.text(32, { writeOnly: true, pattern: { regex: /^[0-9]{1,32}$/, describe: 'digits only, 1-32 long' } }),
    ds_outbound: col.text(255),
    ds_blockcid: col.flag(),
    ds_calleridnum: col.text(64),
    ds_calleridname: col.text(255),
    ds_digitstimeout: col.int(),
    ds_responsetimeout: col.int(),
    ds_looponattempt: col.int(),
  },
  aliases: { name: 'ds_name', pin: 'ds_pin', mediafile_id: 'ds_me_id' },
};
