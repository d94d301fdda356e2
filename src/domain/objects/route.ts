// route (table dl_dialrules, spec §3.4.9, global): one rule of a routing profile: a regex on the dialled
// number, the provider it goes out by (none = blacklisted), digits to add/delete, order, priority, weight.
// Only dl_rp_id, dl_name, dl_regex, dl_pr_id, dl_emergencyroute and dl_usepin are MiRTA's published
// names; the others follow its dl_ convention (docs/compatibility.md).
import { col, type ObjectSchema } from './object-schema.ts';

export const routeSchema: ObjectSchema = {
  name: 'route',
  title: 'route',
  table: 'dl_dialrules',
  idColumn: 'dl_id',
  tenantColumn: null,
  labelColumn: 'dl_name',
  columns: {
    // A route is part of its routing profile: it goes when the profile is deleted.
    dl_rp_id: col.ref('routingprofile', { required: true, cascade: true }),
    dl_name: col.text(255),
    dl_regex: col.text(1024, { required: true }),
    dl_pr_id: col.ref('provider'),
    dl_emergencyroute: col.flag(),
    dl_usepin: col.flag(),
    // The node the rule applies on (null = every node).
    dl_no_id: col.int(),
    dl_adddigits: col.text(32, { pattern: { regex: /^[0-9*#+]{0,32}$/, describe: 'digits (and * # +), at most 32' } }),
    dl_deletedigits: col.int(),
    dl_lcr: col.flag(),
    dl_order: col.int({ fallback: 0 }),
    dl_priority: col.int({ fallback: 0 }),
    dl_weight: col.int({ fallback: 1 }),
  },
  aliases: {
    routingprofile_id: 'dl_rp_id',
    name: 'dl_name',
    regex: 'dl_regex',
    provider_id: 'dl_pr_id',
    adddigits: 'dl_adddigits',
    deletedigits: 'dl_deletedigits',
    order: 'dl_order',
    priority: 'dl_priority',
    weight: 'dl_weight',
  },
};
