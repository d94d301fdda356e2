// Tenants: the allow-listed fields, creation with the tenant's two API keys,
// updates of only the fields sent, and deletion (the tenant's data goes with it).
import { z } from 'zod';
import { assertTenantCode, type Tenant, type TenantFields } from '../domain/index.ts';
import { PbxError, formatDateTime, type Clock } from '../shared/index.ts';
import type { Store } from '../store/index.ts';
import { flag, optionalId, optionalNumber, parseFields, text, wholeNumber } from './field-rules.ts';
import type { IssuedKey, KeyService } from './key-service.ts';
import { TtlCache } from './ttl-cache.ts';

const timezone = text(64).refine((zone) => zone === '' || isTimeZone(zone), 'expected an IANA time zone such as Europe/Rome');

// A DNS name (lower-cased on the wire by phones); '' = the tenant registers on the shared domain only.
const sipDomain = text(255).transform((d) => d.toLowerCase()).refine((d) => d === '' || /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(d), 'expected a DNS name such as pbx.acme.example');

/** The writable tenant fields and their rules (openapi.php documents its bodies with them). */
export const TENANT_FIELDS = {
  te_code: text(32),
  te_name: text(255).min(1, 'must not be empty'),
  te_disabled: flag(),
  te_billingcode: text(255),
  te_timezone: timezone,
  te_rp_id: optionalId(),
  te_campaign_rp_id: optionalId(),
  te_fax_rp_id: optionalId(),
  te_payment_type: text(32),
  te_recordinghost: text(255),
  te_recordinguser: text(255),
  te_recordingpassword: text(255),
  pk_start: optionalNumber(),
  pk_end: optionalNumber(),
  te_maxchannels: wholeNumber(),
  te_maxextensions: wholeNumber(),
  te_maxdids: wholeNumber(),
  te_maxqueues: wholeNumber(),
  te_maxconferences: wholeNumber(),
  te_maxivrs: wholeNumber(),
  te_maxvoicemails: wholeNumber(),
  te_sipdomain: sipDomain,
};

const createSchema = z.strictObject(TENANT_FIELDS).partial().required({ te_code: true, te_name: true });
const updateSchema = z.strictObject(TENANT_FIELDS).partial();

/** Columns the API never shows (write-only), and columns a filter may name. */
export const TENANT_WRITE_ONLY: ReadonlyArray<keyof Tenant> = ['te_recordingpassword'];
export const TENANT_COLUMNS = ['te_id', 'te_created', ...Object.keys(TENANT_FIELDS)] as Array<keyof Tenant>;

export interface CreatedTenant {
  readonly tenant: Tenant;
  readonly fullKey: IssuedKey;
  readonly readOnlyKey: IssuedKey;
}

export class TenantService {
  private readonly byCode: TtlCache<Tenant | undefined>;

  constructor(
    private readonly store: Store,
    private readonly keys: KeyService,
    private readonly clock: Clock,
    cacheMs: number,
  ) {
    this.byCode = new TtlCache(clock, cacheMs);
  }

  list(filter: Partial<Record<keyof Tenant, string>> = {}): Promise<Tenant[]> {
    return this.store.tenants.list(filter);
  }

  async get(id: number): Promise<Tenant> {
    const tenant = await this.store.tenants.get(id);
    if (!tenant) throw new PbxError('not_found', `Tenant ${id} not found`);
    return tenant;
  }

  findByCode(code: string, useCache = true): Promise<Tenant | undefined> {
    return this.byCode.get(code.toUpperCase(), () => this.store.tenants.getByCode(code), useCache);
  }

  /** Creates the tenant and its full and read-only API keys (returned once). */
  async create(payload: unknown): Promise<CreatedTenant> {
    const fields = parseFields(createSchema, payload, 'tenant');
    assertTenantCode(fields.te_code);
    checkParkingRange(fields.pk_start ?? null, fields.pk_end ?? null);
    await this.checkSipDomainFree(fields.te_sipdomain, undefined);
    const tenant = await this.store.tenants.create(fields as Partial<TenantFields> & Pick<TenantFields, 'te_code' | 'te_name'>, formatDateTime(this.clock.now()));
    const fullKey = await this.keys.create('full', tenant.te_id);
    const readOnlyKey = await this.keys.create('readonly', tenant.te_id);
    this.byCode.clear();
    return { tenant, fullKey, readOnlyKey };
  }

  async update(id: number, payload: unknown): Promise<Tenant> {
    const fields = parseFields(updateSchema, payload, 'tenant');
    const current = await this.get(id);
    // The code is part of every SIP username of the tenant: it cannot change.
    if (fields.te_code !== undefined && fields.te_code.toUpperCase() !== current.te_code) {
      throw new PbxError('invalid_parameter', `te_code cannot be changed after creation (tenant ${current.te_code})`);
    }
    checkParkingRange(fields.pk_start === undefined ? current.pk_start : fields.pk_start, fields.pk_end === undefined ? current.pk_end : fields.pk_end);
    await this.checkSipDomainFree(fields.te_sipdomain, id);
    const { te_code: _code, ...changes } = fields;
    const updated = await this.store.tenants.update(id, changes as Partial<TenantFields>);
    if (!updated) throw new PbxError('not_found', `Tenant ${id} not found`);
    this.byCode.clear();
    this.keys.forget();
    return updated;
  }

  async delete(id: number): Promise<void> {
    if (!(await this.store.tenants.delete(id))) throw new PbxError('not_found', `Tenant ${id} not found`);
    this.byCode.clear();
    this.keys.forget();
  }

  /** The tenant whose own SIP domain this is (case-insensitive), if any. */
  async findBySipDomain(domain: string): Promise<Tenant | undefined> {
    const [tenant] = await this.store.tenants.list({ te_sipdomain: domain.toLowerCase() });
    return tenant;
  }

  // One domain names one tenant: phones registering as `100@domain` must find exactly one extension 100.
  private async checkSipDomainFree(domain: string | undefined, ownId: number | undefined): Promise<void> {
    if (domain === undefined || domain === '') return;
    const owner = await this.findBySipDomain(domain);
    if (owner && owner.te_id !== ownId) throw new PbxError('conflict', `SIP domain ${domain.toLowerCase()} already belongs to tenant ${owner.te_code}`);
  }

  /** Sets a tenant's disabled flag (CLI `tenant disable`). */
  async setDisabled(code: string, disabled: boolean): Promise<Tenant> {
    const tenant = await this.store.tenants.getByCode(code);
    if (!tenant) throw new PbxError('not_found', `Tenant ${code} not found`);
    return this.update(tenant.te_id, { te_disabled: disabled ? 'on' : '' });
  }
}

function checkParkingRange(start: number | null, end: number | null): void {
  if (start !== null && end !== null && end < start) {
    throw new PbxError('invalid_parameter', `Invalid pk_end ${end}: the parking range ends before it starts (pk_start ${start})`);
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
