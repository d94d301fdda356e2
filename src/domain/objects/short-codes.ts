// Tenant dialling shortcuts (spec §3.4.24, OpenAPI only): featurecode (fe_features, a star code whose
// action is the FEATURE destination slot), shortnumber (sn_shortnumbers, a short number for a
// destination) and pincode (pc_pincodes, the outbound PINs of routes flagged dl_usepin).
import { col, type ObjectSchema } from './object-schema.ts';

const CODE = { regex: /^[0-9*#]{1,32}$/, describe: 'digits, * and #, 1-32 long' };

export const featureCodeSchema: ObjectSchema = {
  name: 'featurecode',
  title: 'feature code',
  table: 'fe_features',
  idColumn: 'fe_id',
  tenantColumn: 'fe_te_id',
  labelColumn: 'fe_code',
  columns: { fe_code: col.text(32, { required: true, pattern: CODE }), fe_comment: col.text(1024) },
  aliases: { code: 'fe_code', comment: 'fe_comment' },
  uniqueInTenant: [['fe_code']],
};

export const shortNumberSchema: ObjectSchema = {
  name: 'shortnumber',
  title: 'short number',
  table: 'sn_shortnumbers',
  idColumn: 'sn_id',
  tenantColumn: 'sn_te_id',
  labelColumn: 'sn_number',
  columns: {
    sn_number: col.text(32, { required: true, pattern: CODE }),
    // A destination string as in §3.3 (`EXT-100`, `CUSTOM-67`) or a number to dial.
    sn_destnumber: col.text(255, { pattern: { regex: /^([A-Z][A-Z0-9_]*-[0-9A-Za-z_]+|\+?[0-9*#]{1,64})$/, describe: 'a destination such as EXT-100, or a number' } }),
    sn_comment: col.text(1024),
  },
  aliases: { number: 'sn_number', destination: 'sn_destnumber', destnumber: 'sn_destnumber', comment: 'sn_comment' },
  uniqueInTenant: [['sn_number']],
};

// Columns are Callgrid's (no MiRTA source names them): the PIN, what it is for, an off switch, and the
// routing profile calls made with it use (empty = the caller's own).
export const pinCodeSchema: ObjectSchema = {
  name: 'pincode',
  title: 'PIN code',
  table: 'pc_pincodes',
  idColumn: 'pc_id',
  tenantColumn: 'pc_te_id',
  // Messages name a PIN by its description, never by the PIN itself.
  labelColumn: 'pc_description',
  columns: {
    pc_code: col.text(32, { required: true, pattern: { regex: /^[0-9]{2,32}$/, describe: 'digits only, 2-32 long' } }),
    pc_description: col.text(255),
    pc_disabled: col.flag(),
    pc_rp_id: col.ref('routingprofile'),
  },
  aliases: { pin: 'pc_code', code: 'pc_code', name: 'pc_description', description: 'pc_description', disabled: 'pc_disabled', routingprofile_id: 'pc_rp_id' },
  uniqueInTenant: [['pc_code']],
};
