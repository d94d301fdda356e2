// paginggroup (table pa_paginggroups, spec §3.4.24, OpenAPI only): one number that opens one-way
// (or two-way) audio to several extensions. Members are the destination slot PAGING (§3.3).
import { col, type ObjectSchema } from './object-schema.ts';

export const pagingGroupSchema: ObjectSchema = {
  name: 'paginggroup',
  title: 'paging group',
  table: 'pa_paginggroups',
  idColumn: 'pa_id',
  tenantColumn: 'pa_te_id',
  labelColumn: 'pa_name',
  columns: {
    pa_number: col.text(32, { required: true, pattern: { regex: /^[0-9*#+]{1,32}$/, describe: 'digits (and * # +), 1-32 long' } }),
    pa_name: col.text(255, { required: true }),
    pa_pin: col.text(32, { writeOnly: true, pattern: { regex: /^[0-9]{1,32}$/, describe: 'digits only, 1-32 long' } }),
    pa_bidirectional: col.flag(),
    pa_checkinuse: col.flag(),
    pa_me_id: col.ref('mediafile'),
    pa_manualheader: col.text(255),
  },
  aliases: { name: 'pa_name', number: 'pa_number', pin: 'pa_pin', mediafile_id: 'pa_me_id' },
  uniqueInTenant: [['pa_number']],
};
