// Extension rules: the SIP username `<number>-<TENANTCODE>` (MiRTA's convention), a generated secret
// when none is given, creation/change dates, and the tenant's te_maxextensions limit.
import { randomBytes } from 'node:crypto';
import type { ObjectRow } from '../../domain/index.ts';
import { PbxError } from '../../shared/index.ts';
import type { ObjectRules, WriteContext } from './object-rules.ts';

/** A secret phones can type: 20 characters of base62-ish text, ~119 bits. */
export function generateSipSecret(): string {
  return randomBytes(15).toString('base64url').replaceAll('-', 'x').replaceAll('_', 'y');
}

function defaultUsername(ctx: WriteContext, number: string): string {
  return `${number}-${ctx.tenant?.te_code ?? ''}`;
}

export const extensionRules: ObjectRules = {
  async beforeCreate(ctx, row) {
    const limit = ctx.tenant?.te_maxextensions ?? 0;
    if (limit > 0 && (await ctx.count()) >= limit) {
      throw new PbxError('conflict', `Tenant ${ctx.tenant?.te_code} already has its maximum of ${limit} extensions (te_maxextensions)`);
    }
    const number = String(row.ex_number);
    return {
      ...row,
      ex_username: row.ex_username === undefined || row.ex_username === '' ? defaultUsername(ctx, number) : row.ex_username,
      ex_secret: row.ex_secret === undefined || row.ex_secret === '' ? generateSipSecret() : row.ex_secret,
      ex_datecreation: ctx.now,
      ex_lastchange: ctx.now,
    };
  },
  beforeUpdate(ctx, current, changes) {
    const next: ObjectRow = { ...changes, ex_lastchange: ctx.now };
    // A renumbered extension keeps a default username in step; a custom one stays as set.
    if (changes.ex_number !== undefined && changes.ex_username === undefined && current.ex_username === defaultUsername(ctx, String(current.ex_number))) {
      next.ex_username = defaultUsername(ctx, String(changes.ex_number));
    }
    if (changes.ex_username === '') next.ex_username = defaultUsername(ctx, String(changes.ex_number ?? current.ex_number));
    if (changes.ex_secret === '') throw new PbxError('invalid_parameter', 'Invalid secret for extension: must not be empty');
    return next;
  },
};
