// phone (table ph_phones, spec §3.4.21): a provisioned desk phone of one tenant, found by its MAC address.
// MiRTA has line columns ph_line0_ex_id .. ph_line200_ex_id; Callgrid keeps lines 0-15 (PHONE_LINES).
import { col, type ColumnSpec, type ObjectSchema } from './object-schema.ts';

/** Lines a phone may carry: 16 covers every desk phone and sidecar-free model in common use. */
export const PHONE_LINES = 16;

// 6 or 8 bytes (MiRTA's own example is an 8-byte EUI-64), hex pairs with optional : or - separators.
export const MAC_ADDRESS = { regex: /^[0-9A-Fa-f]{2}(?:[:-]?[0-9A-Fa-f]{2}){5}(?:(?:[:-]?[0-9A-Fa-f]{2}){2})?$/, describe: 'a MAC address such as AA:BB:CC:DD:EE:FF' };

const lines: Record<string, ColumnSpec> = Object.fromEntries(Array.from({ length: PHONE_LINES }, (_, i) => [`ph_line${i}_ex_id`, col.ref('extension')]));

export const phoneSchema: ObjectSchema = {
  name: 'phone',
  title: 'phone',
  table: 'ph_phones',
  idColumn: 'ph_id',
  tenantColumn: 'ph_te_id',
  labelColumn: 'ph_name',
  columns: {
    ph_name: col.text(255, { required: true }),
    ph_pm_id: col.int(),
    ph_mac: col.text(23, { required: true, pattern: MAC_ADDRESS }),
    ...lines,
    ph_filename: col.text(255),
    ph_acceptdata: col.flag(),
    ph_http_user: col.text(255),
    ph_default: col.flag(),
    ph_active: col.flag({ fallback: 'on' }),
    ph_virtual: col.flag(),
    ph_description: col.text(1024),
    ph_password: col.text(255, { writeOnly: true }),
    ph_http_password: col.text(255, { writeOnly: true }),
  },
  aliases: { name: 'ph_name', mac: 'ph_mac', model_id: 'ph_pm_id', description: 'ph_description' },
  // A phone asks for its configuration by MAC alone, before any tenant is known.
  uniqueGlobally: [['ph_mac']],
};
