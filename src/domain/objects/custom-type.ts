// customtype (table ct_customtypes, spec §3.4.17, global, list only): the kinds of custom destination.
// MiRTA does not publish its columns; Callgrid's are a code, a name and the label of each cu_paramN.
// The built-in types are seeded by migration 0003 (BUILT_IN_CUSTOM_TYPES, in id order).
import { col, texts, type ObjectRow, type ObjectSchema } from './object-schema.ts';

export const customTypeSchema: ObjectSchema = {
  name: 'customtype',
  title: 'custom type',
  table: 'ct_customtypes',
  idColumn: 'ct_id',
  tenantColumn: null,
  labelColumn: 'ct_name',
  columns: {
    ct_code: col.text(32, { required: true }),
    ct_name: col.text(255, { required: true }),
    ct_description: col.text(1024),
    // The label of cu_param1..5 for this type ('' = unused).
    ...texts(['ct_param1', 'ct_param2', 'ct_param3', 'ct_param4', 'ct_param5']),
  },
  uniqueGlobally: [['ct_code']],
};

/** An inbound SMS posted to a URL (a DID-SMS target); added by migration 0017 to databases seeded before it. */
export const URL_CUSTOM_TYPE: ObjectRow = { ct_code: 'URL', ct_name: 'URL', ct_description: 'Post an inbound SMS to a URL as JSON (DID-SMS targets)', ct_param1: 'URL (http:// or https://)', ct_param2: '', ct_param3: '', ct_param4: '', ct_param5: '' };

/** Seeded once; id 1 is the external number of the spec's example (§3.2: number, INCOMINGDID, 30). */
export const BUILT_IN_CUSTOM_TYPES: readonly ObjectRow[] = [
  { ct_code: 'EXTERNALNUMBER', ct_name: 'External number', ct_description: 'Call a number through the routing profile', ct_param1: 'Number', ct_param2: 'Caller id (INCOMINGDID, CALLERID or a number)', ct_param3: 'Ring time (s)', ct_param4: '', ct_param5: '' },
  { ct_code: 'SIPURI', ct_name: 'SIP URI', ct_description: 'Call a SIP URI directly', ct_param1: 'SIP URI', ct_param2: 'Ring time (s)', ct_param3: '', ct_param4: '', ct_param5: '' },
  { ct_code: 'HANGUP', ct_name: 'Hang up', ct_description: 'End the call with a cause code', ct_param1: 'Cause code (16 = normal)', ct_param2: '', ct_param3: '', ct_param4: '', ct_param5: '' },
  { ct_code: 'RANDOMDESTINATION', ct_name: 'Random destination', ct_description: 'Go to one of the RANDOMDESTINATION slots at random', ct_param1: '', ct_param2: '', ct_param3: '', ct_param4: '', ct_param5: '' },
  { ct_code: 'PRIVACY', ct_name: 'Privacy manager', ct_description: 'Ask anonymous callers for their number (slots PRIVACY-DONTCALL, PRIVACY-TORTURE)', ct_param1: 'Attempts', ct_param2: 'Minimum digits', ct_param3: '', ct_param4: '', ct_param5: '' },
  URL_CUSTOM_TYPE,
];
