// custom (table cu_customs, spec §3.4.16): a parameterised destination of one tenant ("call number X
// with caller id Y for Z seconds"); what cu_param1..20 mean depends on its custom type (custom-type.ts).
import { col, texts, type ObjectSchema } from './object-schema.ts';

export const customSchema: ObjectSchema = {
  name: 'custom',
  title: 'custom destination',
  table: 'cu_customs',
  idColumn: 'cu_id',
  tenantColumn: 'cu_te_id',
  labelColumn: 'cu_name',
  columns: {
    cu_name: col.text(255, { required: true }),
    cu_ct_id: col.ref('customtype', { required: true }),
    ...texts(Array.from({ length: 20 }, (_, i) => `cu_param${i + 1}`), 1024),
  },
  aliases: { name: 'cu_name', customtype_id: 'cu_ct_id' },
};
