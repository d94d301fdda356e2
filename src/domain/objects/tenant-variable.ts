// tenantvariable (table tv_tenantvariables, spec §3.4.24, OpenAPI only): a tenant's value of one of the
// installation's variable definitions (tv_al_id), one value per definition.
import { col, type ObjectSchema } from './object-schema.ts';

export const tenantVariableSchema: ObjectSchema = {
  name: 'tenantvariable',
  title: 'tenant variable',
  table: 'tv_tenantvariables',
  idColumn: 'tv_id',
  tenantColumn: 'tv_te_id',
  labelColumn: 'tv_value',
  columns: {
    // The variable definitions are not stored objects yet, so the id is a plain number.
    tv_al_id: col.int({ required: true }),
    tv_value: col.text(1024),
    tv_comment: col.text(1024),
    tv_locked: col.flag(),
  },
  aliases: { variable_id: 'tv_al_id', value: 'tv_value', comment: 'tv_comment', locked: 'tv_locked' },
  uniqueInTenant: [['tv_al_id']],
};
