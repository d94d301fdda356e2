// provider (table pr_providers, spec §3.4.7, global): a trunk to a carrier, admin key only. MiRTA keeps
// the SIP settings in realtime rows (sipfriends / ps_*); clients send them flat (`allow`, `host`, ...),
// so Callgrid keeps them as pr_ columns of the provider with the realtime name as alias.
import { col, type ColumnSpec, type ObjectSchema } from './object-schema.ts';

export const PROVIDER_TECHS = ['SIP', 'PJSIP', 'IAX2', 'DAHDI', 'LOCAL', 'SMS'] as const;

// pr_match: PJSIP's identify `match` (ps_endpoint_id_ips, which §3.4.7 says PJSIP providers own), kept flat like the
// other realtime fields: further source addresses of the carrier, as `addr[:port][/prefix]` (IPv6 with a port as
// `[addr]:port`), comma separated. Host names are not taken: a source is recognised by address, never by DNS.
const SOURCE = String.raw`(?:\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?:\/\d{1,2})?|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?(?:\/\d{1,3})?|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*(?:\/\d{1,3})?)`;
/** At most this many entries in pr_match, so the carrier lookup stays small. */
const PROVIDER_MATCH_MAX_ENTRIES = 32;
const MATCH_LIST = new RegExp(`^(?:${SOURCE}(?:\\s*,\\s*${SOURCE}){0,${PROVIDER_MATCH_MAX_ENTRIES - 1}})?$`);

const columns: Record<string, ColumnSpec> = {
  pr_name: col.text(255, { required: true }),
  pr_peername: col.text(80, { pattern: { regex: /^[A-Za-z0-9._-]{1,80}$/, describe: 'letters, digits, . _ -, 1-80 long' } }),
  pr_tech: col.oneOf(PROVIDER_TECHS, 'PJSIP'),
  pr_host: col.text(255),
  pr_disabled: col.flag(),
  pr_penalty: col.int(),
  pr_userealtime: col.flag(),
  pr_ca_id: col.int(),
  pr_callerid: col.text(64),
  pr_calleridname: col.text(255),
  pr_did_ca_id: col.int(),
  pr_maxoutchannels: col.int(),
  pr_ignoresipcause: col.text(255),
  pr_ignorebusy: col.flag(),
  pr_smsprotocol: col.text(32),
  pr_smsurl: col.text(1024),
  pr_smsuser: col.text(255),
  pr_smspassword: col.text(255, { writeOnly: true }),
  // The realtime fields (§3.4.7), named pr_<field>; `host` is pr_host above.
  pr_allow: col.text(255),
  pr_username: col.text(255),
  pr_password: col.text(255, { writeOnly: true }),
  pr_transport: col.text(32),
  pr_qualify: col.text(16),
  pr_qualifyfreq: col.int(),
  pr_nat: col.text(64),
  pr_canreinvite: col.text(16),
  pr_direct_media: col.text(16),
  pr_sendrpid: col.text(16),
  pr_match: col.text(1024, { pattern: { regex: MATCH_LIST, describe: `IP addresses or CIDR networks, each with an optional :port ([v6]:port), comma separated, at most ${PROVIDER_MATCH_MAX_ENTRIES}` } }),
  // A comma-separated codec list (OpenAPI's `codecs` array joined).
  pr_codecs: col.text(255),
};

export const providerSchema: ObjectSchema = {
  name: 'provider',
  title: 'provider',
  table: 'pr_providers',
  idColumn: 'pr_id',
  tenantColumn: null,
  labelColumn: 'pr_name',
  columns,
  aliases: {
    name: 'pr_name',
    peername: 'pr_peername',
    tech: 'pr_tech',
    disabled: 'pr_disabled',
    penalty: 'pr_penalty',
    callerid: 'pr_callerid',
    calleridname: 'pr_calleridname',
    maxoutchannels: 'pr_maxoutchannels',
    allow: 'pr_allow',
    host: 'pr_host',
    username: 'pr_username',
    password: 'pr_password',
    secret: 'pr_password',
    transport: 'pr_transport',
    qualify: 'pr_qualify',
    qualifyfreq: 'pr_qualifyfreq',
    nat: 'pr_nat',
    canreinvite: 'pr_canreinvite',
    direct_media: 'pr_direct_media',
    sendrpid: 'pr_sendrpid',
    match: 'pr_match',
    codecs: 'pr_codecs',
  },
};
