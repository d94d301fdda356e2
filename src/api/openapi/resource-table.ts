// The resources of openapi.php (spec §5.3): every primary path and alias, the table behind each, and
// how its rows are shown. A resource is served when the catalogue (domain/objects) holds its table.
import { CATALOGUE, type ObjectSchema } from '../../domain/index.ts';

export type Scope = 'global' | 'tenant' | 'tenant+global';

/** Resources whose answer is not a catalogue row: reports (GET only) and actions. */
export type ResourceKind = 'object' | 'report' | 'action';

export interface Resource {
  /** MiRTA's object name in the docs (customdestination, conferenceroom, ...). */
  readonly object: string;
  readonly kind: ResourceKind;
  /** The primary path segment, then every alias (§5.3), without slashes. */
  readonly paths: readonly string[];
  /** MiRTA's table: the catalogue schema is found by it, whatever name the catalogue gives the object. */
  readonly table?: string;
  readonly scope: Scope;
  /** Methods a report or action accepts (objects: GET, POST, PATCH, DELETE). */
  readonly methods?: readonly string[];
  /** §5.5: `GET /extensions` lists only these fields (field -> column) instead of the raw row. */
  readonly listFields?: Readonly<Record<string, string>>;
  /** The column copied to `name` when it is not the label (extension: ex_name, §5.5). */
  readonly nameColumn?: string;
  /** Extra fields of a single-object GET (field -> column), and whether it names the tenant (§5.5). */
  readonly getFields?: Readonly<Record<string, string>>;
  readonly getShowsTenant?: boolean;
  /** Write fields MiRTA's OpenAPI takes as arrays of a comma-separated column (`callgroups:[1,2]`). */
  readonly listValued?: readonly string[];
  /** For a resource not served yet: the capability it waits for, named in its 501 answer. */
  readonly missing?: string;
}

const EXTENSION_CORE = { number: 'ex_number', name: 'ex_name', tech: 'ex_tech' };

export const RESOURCES: readonly Resource[] = [
  { object: 'tenant', kind: 'object', paths: ['tenants'], table: 'te_tenants', scope: 'global' },
  { object: 'user', kind: 'object', paths: ['users', 'user', 'nuser', 'nusers', 'us_user', 'us_users'], table: 'us_users', scope: 'global' },
  { object: 'userprofile', kind: 'object', paths: ['userprofiles', 'userprofile', 'user_profile', 'user_profiles'], table: 'up_userprofiles', scope: 'global' },
  { object: 'routingprofile', kind: 'object', paths: ['routingprofiles', 'routing_profiles', 'routing_profile'], table: 'rp_routingprofiles', scope: 'global' },
  { object: 'provider', kind: 'object', paths: ['providers', 'provider'], table: 'pr_providers', scope: 'global' },
  {
    object: 'extension',
    kind: 'object',
    paths: ['extensions'],
    table: 'ex_extensions',
    scope: 'tenant',
    listFields: EXTENSION_CORE,
    nameColumn: 'ex_name',
    getFields: { ...EXTENSION_CORE, username: 'ex_username' },
    getShowsTenant: true,
    listValued: ['callgroups', 'pickupgroups', 'ex_callgroup', 'ex_pickupgroup'],
  },
  { object: 'voicemail', kind: 'object', paths: ['voicemails'], table: 'voicemail', scope: 'tenant' },
  { object: 'ivr', kind: 'object', paths: ['ivrs'], table: 'iv_ivrs', scope: 'tenant' },
  {
    object: 'customdestination',
    kind: 'object',
    paths: ['customdestinations', 'custom', 'customs', 'custom_destinations', 'custom_destination'],
    table: 'cu_customs',
    scope: 'tenant+global',
  },
  { object: 'condition', kind: 'object', paths: ['conditions'], table: 'co_conditions', scope: 'tenant' },
  { object: 'huntlist', kind: 'object', paths: ['huntlists'], table: 'hu_huntlists', scope: 'tenant' },
  { object: 'did', kind: 'object', paths: ['dids'], table: 'di_dids', scope: 'tenant' },
  { object: 'queue', kind: 'object', paths: ['queues'], table: 'qu_queues', scope: 'tenant' },
  { object: 'setting', kind: 'object', paths: ['settings'], table: 'se_settings', scope: 'tenant+global' },
  { object: 'mediafile', kind: 'object', paths: ['mediafiles', 'media_files', 'media_file'], table: 'me_mediafiles', scope: 'tenant+global' },
  { object: 'musiconhold', kind: 'object', paths: ['musiconholds', 'moh', 'music', 'music_on_hold', 'music_on_holds'], table: 'mu_musiconholds', scope: 'tenant+global' },
  { object: 'paginggroup', kind: 'object', paths: ['paginggroups', 'paging', 'pagings', 'paginggroup', 'intercom', 'intercoms'], table: 'pa_paginggroups', scope: 'tenant' },
  {
    object: 'conferenceroom',
    kind: 'object',
    paths: ['conferencerooms', 'conference', 'conferences', 'conference_rooms', 'conference_room'],
    table: 'cr_conferencerooms',
    scope: 'tenant',
  },
  { object: 'flow', kind: 'object', paths: ['flows', 'flow'], table: 'fl_flows', scope: 'tenant' },
  {
    object: 'tenantvariable',
    kind: 'object',
    paths: ['tenantvariables', 'variable', 'variables', 'tenantvariable', 'tenant_variable', 'tenant_variables'],
    table: 'tv_tenantvariables',
    scope: 'tenant',
  },
  { object: 'disa', kind: 'object', paths: ['disas', 'disa'], table: 'ds_disas', scope: 'tenant' },
  {
    object: 'calleridblacklist',
    kind: 'object',
    paths: ['calleridblacklists', 'calleridblacklist', 'callerid_blacklist', 'callerid_blacklists', 'blacklist', 'blacklists'],
    table: 'bl_blacklists',
    scope: 'tenant+global',
  },
  {
    // Not in §5.3: Callgrid's caller-id modification rules (CALLERIDMOD-<id>), whose MiRTA resource is unpublished.
    object: 'calleridmodification',
    kind: 'object',
    paths: ['calleridmodifications', 'calleridmodification', 'callerid_modification', 'callerid_modifications'],
    table: 'cm_calleridmods',
    scope: 'tenant',
  },
  { object: 'campaign', kind: 'object', paths: ['campaigns', 'campaign'], table: 'ca_campaigns', scope: 'tenant' },
  {
    object: 'campaignnumber',
    kind: 'object',
    paths: ['campaignnumbers', 'campaignnumber', 'campaign_number', 'campaign_numbers'],
    table: 'cn_campaignnumbers',
    scope: 'tenant',
  },
  { object: 'cronjob', kind: 'object', paths: ['cronjobs', 'cronjob', 'cron_job', 'cron_jobs'], table: 'cr_cronjobs', scope: 'tenant+global' },
  { object: 'featurecode', kind: 'object', paths: ['featurecodes', 'feature', 'features', 'feature_codes', 'feature_code'], table: 'fe_features', scope: 'tenant+global' },
  { object: 'shortnumber', kind: 'object', paths: ['shortnumbers', 'short_numbers', 'short_number'], table: 'sn_shortnumbers', scope: 'tenant+global' },
  { object: 'phonebook', kind: 'object', paths: ['phonebooks', 'phonebook', 'phone_book', 'phone_books'], table: 'pb_phonebooks', scope: 'tenant' },
  {
    object: 'phonebookentry',
    kind: 'object',
    paths: ['phonebookentries', 'phonebookentry', 'phonebook_entry', 'phonebook_entries', 'phonebookcontact', 'phonebookcontacts', 'phonebook_contact', 'phonebook_contacts'],
    table: 'pe_phonebookentries',
    scope: 'tenant',
  },
  {
    object: 'provisioningphone',
    kind: 'object',
    paths: ['provisioningphones', 'phone', 'phones', 'provisioning_phones', 'provisioning_phone'],
    table: 'ph_phones',
    scope: 'tenant',
  },
  { object: 'cdr', kind: 'report', paths: ['cdrs', 'cdr', 'call', 'calls'], scope: 'tenant', methods: ['GET'] },
  { object: 'simplecdr', kind: 'report', paths: ['simplecdrs', 'simplecdr', 'simple_cdr', 'simple_cdrs'], scope: 'tenant', methods: ['GET'] },
  {
    object: 'aianalysis',
    kind: 'report',
    paths: ['aianalysis', 'aianalyses', 'ai_analysis', 'ai_analyses', 'callanalysis', 'call_analysis'],
    scope: 'tenant',
    methods: ['GET'],
    missing: 'call recordings with their transcripts and AI analysis, which Callgrid does not produce yet',
  },
  {
    object: 'ailog',
    kind: 'report',
    paths: ['ailogs', 'ailog', 'ai_log', 'ai_logs'],
    table: 'ai_ailogs',
    scope: 'tenant',
    methods: ['GET'],
    missing: 'AI agents (custom destinations that talk to callers), whose conversations these logs hold; Callgrid has none yet',
  },
  { object: 'dial', kind: 'action', paths: ['dial'], scope: 'tenant', methods: ['POST'] },
  { object: 'auth token', kind: 'action', paths: ['auth/token'], scope: 'global', methods: ['POST', 'DELETE'] },
  { object: 'extension state', kind: 'action', paths: ['extensions/state'], scope: 'tenant', methods: ['GET'] },
];

/** Path segment (primary or alias, lower case) -> resource. */
const BY_PATH: ReadonlyMap<string, Resource> = new Map(RESOURCES.flatMap((r) => r.paths.map((p) => [p, r] as const)));

export function resourceAt(segment: string): Resource | undefined {
  return BY_PATH.get(segment.toLowerCase());
}

/**
 * The catalogue schema behind a resource, looked up when asked: the catalogue grows while Callgrid
 * runs its tests, and matching on MiRTA's table name does not depend on the name an object is given.
 */
export function schemaFor(resource: Resource): ObjectSchema | undefined {
  if (resource.kind !== 'object' || !resource.table) return undefined;
  return Object.values(CATALOGUE).find((schema) => schema.table === resource.table);
}

/** The resources served now, each with its schema, in the table's order. */
export function servedResources(): Array<{ resource: Resource; schema: ObjectSchema }> {
  return RESOURCES.flatMap((resource) => {
    const schema = schemaFor(resource);
    return schema ? [{ resource, schema }] : [];
  });
}

export const primaryPath = (resource: Resource): string => `/${resource.paths[0] ?? resource.object}`;
