// routingprofile (table rp_routingprofiles, spec §3.4.8, global): an outbound dialing policy, the
// ordered routes (route.ts) a tenant's or an extension's calls go out by. Admin key only.
import { col, type ObjectSchema } from './object-schema.ts';

/** VOICE is MiRTA's; SMS and FAX profiles exist as tenants and extensions name them (te_fax_rp_id, ex_sms_rp_id). */
export const ROUTING_PROFILE_TYPES = ['VOICE', 'SMS', 'FAX'] as const;

export const routingProfileSchema: ObjectSchema = {
  name: 'routingprofile',
  title: 'routing profile',
  table: 'rp_routingprofiles',
  idColumn: 'rp_id',
  tenantColumn: null,
  labelColumn: 'rp_name',
  columns: {
    rp_name: col.text(255, { required: true }),
    rp_description: col.text(1024),
    rp_type: col.oneOf(ROUTING_PROFILE_TYPES, 'VOICE'),
  },
  aliases: { name: 'rp_name', description: 'rp_description', type: 'rp_type' },
};
