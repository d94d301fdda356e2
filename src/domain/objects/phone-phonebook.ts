// phonephonebook (table pp_phonephonebooks, spec §3.4.22): which phonebooks a provisioned phone shows,
// in order (MiRTA's `phonebooks` relation of a phone: pp_ph_id, pp_pb_id, pp_order).
import { col, type ObjectSchema } from './object-schema.ts';

export const phonePhonebookSchema: ObjectSchema = {
  name: 'phonephonebook',
  title: 'phone phonebook',
  table: 'pp_phonephonebooks',
  idColumn: 'pp_id',
  tenantColumn: 'pp_te_id',
  labelColumn: 'pp_id',
  columns: {
    pp_ph_id: col.ref('phone', { required: true }),
    // Checked once phonebooks are catalogue objects (PHONEBOOK comes with its own issue).
    pp_pb_id: col.ref('phonebook', { required: true }),
    pp_order: col.int({ fallback: 0 }),
  },
  aliases: { phone_id: 'pp_ph_id', phonebook_id: 'pp_pb_id', order: 'pp_order' },
  uniqueInTenant: [['pp_ph_id', 'pp_pb_id']],
};
