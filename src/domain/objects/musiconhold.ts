// musiconhold (table mu_musiconholds, spec §3.4.13): a music-on-hold class of one tenant, with the
// realtime `musiconhold` fields OpenAPI accepts as aliases (mode, application, format) as mu_ columns.
// Its ordered media files are the destination slot MUSICONHOLD (§3.3), not columns.
import { col, type ObjectSchema } from './object-schema.ts';

export const MOH_MODES = ['files', 'custom', 'playlist', 'mp3', 'quietmp3', 'mp3nb', 'quietmp3nb'] as const;

export const musicOnHoldSchema: ObjectSchema = {
  name: 'musiconhold',
  title: 'music on hold',
  table: 'mu_musiconholds',
  idColumn: 'mu_id',
  tenantColumn: 'mu_te_id',
  labelColumn: 'mu_name',
  columns: {
    // A class name is used in dialplan variables: no spaces or separators.
    mu_name: col.text(80, { required: true, pattern: { regex: /^[A-Za-z0-9_.-]{1,80}$/, describe: 'letters, digits, _ . -, 1-80 long' } }),
    mu_custom: col.flag(),
    mu_default: col.flag(),
    mu_volume: col.int(),
    mu_randomizeorder: col.flag(),
    mu_streamengine: col.text(255),
    mu_mode: col.oneOf(MOH_MODES, 'files'),
    mu_application: col.text(1024),
    mu_format: col.text(16),
    mu_digit: col.text(1),
    mu_sort: col.oneOf(['', 'random', 'alpha', 'randstart'], ''),
  },
  aliases: {
    name: 'mu_name',
    custom: 'mu_custom',
    default: 'mu_default',
    volume: 'mu_volume',
    randomizeorder: 'mu_randomizeorder',
    streamengine: 'mu_streamengine',
    mode: 'mu_mode',
    application: 'mu_application',
    format: 'mu_format',
    digit: 'mu_digit',
    sort: 'mu_sort',
  },
  uniqueInTenant: [['mu_name']],
};
