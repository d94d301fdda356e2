// /tenants and /users of openapi.php (spec §5.3; columns and aliases §3.4.1, §3.4.18): global objects,
// admin key only, kept by TenantService and UserService, which validate every write.
import { z } from 'zod';
import type { Tenant } from '../../domain/index.ts';
import { TENANT_COLUMNS, TENANT_FIELDS, TENANT_WRITE_ONLY, USER_FIELDS, type PublicWebUser, type Services } from '../../services/index.ts';
import { PbxError } from '../../shared/index.ts';
import { readBody, textRow, textRowSchema, withObject, type Entity, type EntityCall, type WriteSpec } from './service-entity.ts';

// ---- tenants ----

const TENANT_SHOWN = TENANT_COLUMNS.filter((c) => !TENANT_WRITE_ONLY.includes(c));

const TENANT_ALIASES = {
  name: 'te_name',
  code: 'te_code',
  billingcode: 'te_billingcode',
  billing_code: 'te_billingcode',
  timezone: 'te_timezone',
  routing_profile_id: 'te_rp_id',
  campaign_routing_profile_id: 'te_campaign_rp_id',
  fax_routing_profile_id: 'te_fax_rp_id',
  disabled: 'te_disabled',
} as const;

const tenantCreate: WriteSpec = { what: 'tenant', columns: TENANT_FIELDS, aliases: TENANT_ALIASES, required: ['te_name', 'te_code'] };
// The code is the suffix of every SIP username of the tenant: it is set once (§3.4.1).
const tenantUpdate: WriteSpec = { ...tenantCreate, required: [], createOnly: ['te_code'] };

// Text columns a list may be filtered on (numbers are not: PostgreSQL refuses 'abc' for an integer).
const TENANT_FILTERS: Readonly<Record<string, keyof Tenant>> = {
  te_code: 'te_code', code: 'te_code', te_name: 'te_name', name: 'te_name', te_disabled: 'te_disabled', disabled: 'te_disabled',
  te_billingcode: 'te_billingcode', billingcode: 'te_billingcode', te_timezone: 'te_timezone', timezone: 'te_timezone', te_sipdomain: 'te_sipdomain',
};

const tenantRow = (tenant: Tenant) => textRow(tenant, TENANT_SHOWN, 'te_id', 'te_name');
const tenantRowSchema = textRowSchema(TENANT_SHOWN, 'te_id', 'te_name');
const tenantGetSchema = withObject(tenantRowSchema, 'tenant');
const tenantOne = (tenant: Tenant) => ({ ...tenantRow(tenant), object: 'tenant', related: [] });

export const tenantEntity: Entity = {
  title: 'Tenant',
  perTenant: false,
  write: { create: tenantCreate, update: tenantUpdate },
  shown: {
    item: tenantRowSchema,
    get: tenantGetSchema,
    // The keys exist only in this answer: Callgrid keeps their hashes (as MANAGEDB tenant add).
    created: tenantGetSchema.extend({ apikey: z.string().describe('the full API key, shown once'), apikey_readonly: z.string().describe('the read-only API key, shown once') }),
  },
  async list(call) {
    const filter: Partial<Record<keyof Tenant, string>> = {};
    for (const [name, value] of call.query) {
      const column = Object.hasOwn(TENANT_FILTERS, name) ? TENANT_FILTERS[name] : undefined;
      if (column) filter[column] = column === 'te_code' ? value.toUpperCase() : value;
    }
    return (await call.services.tenants.list(filter)).map(tenantRow);
  },
  get: async (call, id) => tenantOne(await call.services.tenants.get(id)),
  async create(call, _tenant, body) {
    const created = await call.services.tenants.create(readBody(tenantCreate, body, 'create').columns);
    return { ...tenantOne(created.tenant), apikey: created.fullKey.key, apikey_readonly: created.readOnlyKey.key };
  },
  update: async (call, _tenant, id, body) => tenantOne(await call.services.tenants.update(id, readBody(tenantUpdate, body, 'update').columns)),
  delete: (call, _tenant, id) => call.services.tenants.delete(id),
};

// ---- users ----

const USER_SHOWN = ['us_id', 'us_username', 'us_description', 'us_email', 'us_up_id', 'us_useldap', 'us_ipfilter', 'us_2fatype', 'us_neverexpire', 'us_dynamicip', 'us_created'];

const USER_ALIASES = {
  username: 'us_username',
  password: 'us_password',
  description: 'us_description',
  email: 'us_email',
  userprofile_id: 'us_up_id',
  user_profile_id: 'us_up_id',
  useldap: 'us_useldap',
  ipfilter: 'us_ipfilter',
  twofatype: 'us_2fatype',
  neverexpire: 'us_neverexpire',
  dynamicip: 'us_dynamicip',
} as const;

const tenantIds = z.array(z.number().int().min(1).max(2_147_483_647)).max(10_000).describe('the tenants the user manages (replaces the list on update)');
const userCreate: WriteSpec = { what: 'user', columns: USER_FIELDS, aliases: USER_ALIASES, required: ['us_username'], extra: { tenant_ids: tenantIds } };
const userUpdate: WriteSpec = { ...userCreate, required: [] };

const userRowSchema = textRowSchema(USER_SHOWN, 'us_id', 'us_username');
const userGetSchema = withObject(userRowSchema, 'user').extend({ tenant_ids: z.array(z.number().int()).describe('the tenants the user manages') });

async function userOne(services: Services, user: PublicWebUser) {
  const tenants = await services.users.tenants(user.us_id);
  return { ...textRow(user, USER_SHOWN, 'us_id', 'us_username'), tenant_ids: tenants.map((t) => t.te_id), object: 'user', related: [] };
}

/** `tenant_ids` as a checked list: every tenant must exist before anything is written. */
async function wantedTenants(services: Services, extra: Record<string, unknown>): Promise<number[] | undefined> {
  const ids = extra.tenant_ids as number[] | undefined;
  if (ids === undefined) return undefined;
  const known = new Set((await services.tenants.list()).map((t) => t.te_id));
  const unknown = ids.find((id) => !known.has(id));
  if (unknown !== undefined) throw new PbxError('invalid_parameter', `Invalid tenant_ids for user: tenant ${unknown} does not exist`);
  return [...new Set(ids)];
}

/** Makes the user's tenant links exactly `wanted`, through UserService's link rules. */
async function linkTenants(call: EntityCall, userId: number, wanted: number[]): Promise<void> {
  const current = (await call.services.users.tenants(userId)).map((t) => t.te_id);
  for (const id of wanted) if (!current.includes(id)) await call.services.users.addTenant(userId, id);
  for (const id of current) if (!wanted.includes(id)) await call.services.users.removeTenant(userId, id);
}

export const userEntity: Entity = {
  title: 'User',
  perTenant: false,
  write: { create: userCreate, update: userUpdate },
  shown: { item: userRowSchema, get: userGetSchema },
  list: async (call) => (await call.services.users.list()).map((user) => textRow(user, USER_SHOWN, 'us_id', 'us_username')),
  get: async (call, id) => userOne(call.services, await call.services.users.get(id)),
  async create(call, _tenant, body) {
    const { columns, extra } = readBody(userCreate, body, 'create');
    const wanted = await wantedTenants(call.services, extra);
    const user = await call.services.users.create(columns);
    if (wanted) await linkTenants(call, user.us_id, wanted);
    return userOne(call.services, user);
  },
  async update(call, _tenant, id, body) {
    const { columns, extra } = readBody(userUpdate, body, 'update');
    const wanted = await wantedTenants(call.services, extra);
    const user = await call.services.users.update(id, columns);
    if (wanted) await linkTenants(call, id, wanted);
    return userOne(call.services, user);
  },
  delete: (call, _tenant, id) => call.services.users.delete(id),
};
