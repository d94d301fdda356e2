// Rules of the application and media objects (see domain/objects/catalogue-apps.ts): the tenant limits
// te_maxqueues, te_maxconferences and te_maxvoicemails, and the fields the PBX derives itself.
import { randomInt } from 'node:crypto';
import type { ObjectRow, Tenant } from '../../domain/index.ts';
import { PbxError } from '../../shared/index.ts';
import type { ObjectRules, RulesBySchema, WriteContext } from './object-rules.ts';

type LimitColumn = 'te_maxqueues' | 'te_maxconferences' | 'te_maxvoicemails';

/** Refuses a create past the tenant's limit (0 = unlimited), as extension-rules does for te_maxextensions. */
async function checkLimit(ctx: WriteContext, column: LimitColumn, what: string): Promise<void> {
  const limit = ctx.tenant?.[column] ?? 0;
  if (limit > 0 && (await ctx.count()) >= limit) {
    throw new PbxError('conflict', `Tenant ${ctx.tenant?.te_code} already has its maximum of ${limit} ${what} (${column})`);
  }
}

/** MeetMe's conference number, unique across the PBX: `<number>-<TENANTCODE>` unless given (§3.4.6). */
const defaultConfNo = (tenant: Tenant | undefined, number: unknown) => `${String(number)}-${tenant?.te_code ?? ''}`;

/** A PIN a caller can type; voicemail boxes never start without one. */
const generatePin = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** MAC addresses are stored one way (upper case, colon-separated) so uniqueness cannot be dodged by spelling. */
export function normalizeMac(mac: string): string {
  return (mac.replace(/[:-]/g, '').toUpperCase().match(/../g) ?? []).join(':');
}

const queueRules: ObjectRules = {
  async beforeCreate(ctx, row) {
    await checkLimit(ctx, 'te_maxqueues', 'queues');
    return row;
  },
};

const conferenceRules: ObjectRules = {
  async beforeCreate(ctx, row) {
    await checkLimit(ctx, 'te_maxconferences', 'conferences');
    return { ...row, cr_confno: row.cr_confno === undefined || row.cr_confno === '' ? defaultConfNo(ctx.tenant, row.cr_number) : row.cr_confno };
  },
  beforeUpdate(ctx, current, changes) {
    // A renumbered room keeps a default confno in step; a custom one stays as set.
    if (changes.cr_number !== undefined && changes.cr_confno === undefined && current.cr_confno === defaultConfNo(ctx.tenant, current.cr_number)) {
      return { ...changes, cr_confno: defaultConfNo(ctx.tenant, changes.cr_number) };
    }
    if (changes.cr_confno === '') return { ...changes, cr_confno: defaultConfNo(ctx.tenant, changes.cr_number ?? current.cr_number) };
    return changes;
  },
};

const voicemailRules: ObjectRules = {
  async beforeCreate(ctx, row) {
    await checkLimit(ctx, 'te_maxvoicemails', 'voicemail boxes');
    return {
      ...row,
      // The Asterisk context is the tenant: two tenants' mailbox 100 never meet.
      context: ctx.tenant?.te_code ?? '',
      password: row.password === undefined || row.password === '' ? generatePin() : row.password,
      stamp: ctx.now,
    };
  },
  beforeUpdate(ctx, _current, changes) {
    if (changes.password === '') throw new PbxError('invalid_parameter', 'Invalid password for voicemail: must not be empty');
    return { ...changes, stamp: ctx.now };
  },
};

const withMac = (row: ObjectRow): ObjectRow => (typeof row.ph_mac === 'string' && row.ph_mac !== '' ? { ...row, ph_mac: normalizeMac(row.ph_mac) } : row);

const phoneRules: ObjectRules = {
  beforeCreate: (_ctx, row) => withMac(row),
  beforeUpdate: (_ctx, _current, changes) => withMac(changes),
};

const mediaFileRules: ObjectRules = {
  beforeCreate: (ctx, row) => ({ ...row, me_datetime: ctx.now }),
};

export const APP_RULES: RulesBySchema = {
  queue: queueRules,
  conference: conferenceRules,
  voicemail: voicemailRules,
  phone: phoneRules,
  mediafile: mediaFileRules,
};
