// A tenant: one customer company inside the PBX, known on the wire by its code
// (the `tenant=` parameter and the `-CODE` suffix of SIP usernames).
import { PbxError } from '../shared/index.ts';

export interface Tenant {
  te_id: number;
  te_code: string;
  te_name: string;
  te_disabled: string; // 'on' when disabled, '' otherwise (MiRTA's flag style)
  te_billingcode: string;
  te_timezone: string;
  te_rp_id: number | null;
  te_campaign_rp_id: number | null;
  te_fax_rp_id: number | null;
  te_payment_type: string;
  te_recordinghost: string;
  te_recordinguser: string;
  te_recordingpassword: string;
  pk_start: number | null;
  pk_end: number | null;
  te_maxchannels: number;
  te_maxextensions: number;
  te_maxdids: number;
  te_maxqueues: number;
  te_maxconferences: number;
  te_maxivrs: number;
  te_maxvoicemails: number;
  /** The tenant's own SIP domain (phones register as `100@domain`); '' = only the shared domain. */
  te_sipdomain: string;
  te_created: string;
}

export type TenantFields = Omit<Tenant, 'te_id' | 'te_created'>;

/** The limits INFO config reports, in its positional order. 0 means unlimited. */
export const TENANT_LIMITS = [
  ['maxchannels', 'te_maxchannels'],
  ['maxextensions', 'te_maxextensions'],
  ['maxdids', 'te_maxdids'],
  ['maxqueues', 'te_maxqueues'],
  ['maxconferences', 'te_maxconferences'],
  ['maxivrs', 'te_maxivrs'],
  ['maxvoicemails', 'te_maxvoicemails'],
] as const satisfies ReadonlyArray<readonly [string, keyof Tenant]>;

export function isTenantDisabled(tenant: Tenant): boolean {
  return tenant.te_disabled === 'on';
}

// Letters and digits only: the code becomes part of SIP usernames (`100-ACME`),
// where a '-' or '@' would make the username ambiguous.
const TENANT_CODE = /^[A-Za-z][A-Za-z0-9]{0,31}$/;

export function assertTenantCode(code: string): void {
  if (!TENANT_CODE.test(code)) {
    throw new PbxError('invalid_parameter', `Invalid te_code '${code}': use 1-32 letters and digits, starting with a letter`);
  }
}
