// flow (table fl_flows, spec §3.4.24, OpenAPI only): a day/night style switch of one tenant whose
// value routes calls; `state`/`status` are accepted for its value (OpenAPI's aliases).
import { col, texts, type ObjectSchema } from './object-schema.ts';

export const flowSchema: ObjectSchema = {
  name: 'flow',
  title: 'flow',
  table: 'fl_flows',
  idColumn: 'fl_id',
  tenantColumn: 'fl_te_id',
  labelColumn: 'fl_name',
  columns: {
    fl_name: col.text(255, { required: true }),
    fl_comment: col.text(1024),
    fl_number: col.text(32, { pattern: { regex: /^[0-9*#+]{1,32}$/, describe: 'digits (and * # +), 1-32 long' } }),
    fl_value: col.text(255),
    ...texts(['fl_value_for_unavailable', 'fl_value_for_inuse', 'fl_value_for_notinuse', 'fl_value_for_ringing']),
    fl_variable_name: col.text(80, { pattern: { regex: /^[A-Za-z_][A-Za-z0-9_]{0,79}$/, describe: 'a variable name (letters, digits, _)' } }),
    fl_monitor_type: col.text(32),
    fl_monitor_type_id: col.int(),
    fl_monitor_parameter: col.text(255),
  },
  aliases: { name: 'fl_name', number: 'fl_number', comment: 'fl_comment', value: 'fl_value', state: 'fl_value', status: 'fl_value' },
};
