// Extension rules: the SIP username `<number>-<TENANTCODE>` (MiRTA's convention) or a custom one inside the
// tenant's own namespace (`<anything>-<TENANTCODE>`), a generated secret when none is given,
// creation/change dates, the tenant's te_maxextensions limit, and an ex_destallowregex the linear-time
// engine can run.
import { randomBytes } from 'node:crypto';
import { compileUserPattern, defaultSipUsername, inTenantNamespace, sipUsernameSuffix, type ObjectRow } from '../../domain/index.ts';
import { PbxError } from '../../shared/index.ts';
import { checkCallerIdNumbers } from './caller-id-rule.ts';
import type { ObjectRules, WriteContext } from './object-rules.ts';

/** The numbers carriers are shown for this extension. */
const CALLER_ID_COLUMNS = ['ex_cidnum', 'ex_emergencycidnum', 'ex_trunkcidoverride', 'ex_trunkemergencycidoverride'];

/** A secret phones can type: 20 characters of base62-ish text, ~119 bits. */
export function generateSipSecret(): string {
  return randomBytes(15).toString('base64url').replaceAll('-', 'x').replaceAll('_', 'y');
}

function defaultUsername(ctx: WriteContext, number: string): string {
  return defaultSipUsername(number, ctx.tenant?.te_code ?? '');
}

/**
 * A custom username must end with the tenant's own `-CODE`. Usernames are unique across tenants (the registrar
 * finds a REGISTER's account by username alone on the shared domain), so a name in another tenant's namespace
 * would squat that tenant's default (`102-DEMO`) and its refusal would tell that the name exists there. The
 * refusal names only the caller's own suffix: it is the same whether the name exists anywhere or not.
 */
function checkNamespace(ctx: WriteContext, username: string): void {
  const code = ctx.tenant?.te_code ?? '';
  if (!inTenantNamespace(username, code)) {
    throw new PbxError('invalid_parameter', `Invalid ex_username for extension: a custom SIP username must end with ${sipUsernameSuffix(code)}`);
  }
}

/** One answer for a taken name, whoever holds it (this tenant, or another from before the namespace rule). */
async function checkUsernameFree(ctx: WriteContext, username: string): Promise<void> {
  if ((await ctx.countEverywhere({ ex_username: username })) > 0) throw new PbxError('conflict', `SIP username ${username} is not available`);
}

/** A number the tenant has is reported as such (as the unique index would), before the username it implies. */
async function checkNumberFree(ctx: WriteContext, number: string): Promise<void> {
  if ((await ctx.count({ ex_number: number })) > 0) throw new PbxError('conflict', `Extension ${number} already exists`);
}

/**
 * ex_destallowregex runs on every external call of the extension: refused at write time unless it compiles
 * on RE2 (linear time), so a tenant cannot store a pattern that freezes the node or silently allows nothing.
 */
function checkDestAllowRegex(row: ObjectRow): void {
  const value = row.ex_destallowregex;
  if (typeof value !== 'string' || value === '') return;
  const pattern = compileUserPattern(value);
  if (!pattern.ok) throw new PbxError('invalid_parameter', `Invalid ex_destallowregex for extension: ${pattern.error}`);
}

export const extensionRules: ObjectRules = {
  async beforeCreate(ctx, row) {
    checkDestAllowRegex(row);
    checkCallerIdNumbers(row, CALLER_ID_COLUMNS, 'extension');
    const limit = ctx.tenant?.te_maxextensions ?? 0;
    if (limit > 0 && (await ctx.count()) >= limit) {
      throw new PbxError('conflict', `Tenant ${ctx.tenant?.te_code} already has its maximum of ${limit} extensions (te_maxextensions)`);
    }
    const number = String(row.ex_number);
    const custom = row.ex_username === undefined || row.ex_username === '' ? undefined : String(row.ex_username);
    if (custom !== undefined) checkNamespace(ctx, custom);
    const username = custom ?? defaultUsername(ctx, number);
    await checkNumberFree(ctx, number);
    await checkUsernameFree(ctx, username);
    return {
      ...row,
      ex_username: username,
      ex_secret: row.ex_secret === undefined || row.ex_secret === '' ? generateSipSecret() : row.ex_secret,
      ex_datecreation: ctx.now,
      ex_lastchange: ctx.now,
    };
  },
  async beforeUpdate(ctx, current, changes) {
    checkDestAllowRegex(changes);
    checkCallerIdNumbers(changes, CALLER_ID_COLUMNS, 'extension');
    const next: ObjectRow = { ...changes, ex_lastchange: ctx.now };
    const number = String(changes.ex_number ?? current.ex_number);
    // A renumbered extension keeps a default username in step; a custom one stays as set.
    if (changes.ex_number !== undefined && changes.ex_username === undefined && current.ex_username === defaultUsername(ctx, String(current.ex_number))) {
      next.ex_username = defaultUsername(ctx, number);
    }
    if (changes.ex_username === '') next.ex_username = defaultUsername(ctx, number);
    // Sending the current name back is no change (an older custom name outside the namespace stays usable).
    else if (changes.ex_username !== undefined && changes.ex_username !== current.ex_username) checkNamespace(ctx, String(changes.ex_username));
    if (changes.ex_secret === '') throw new PbxError('invalid_parameter', 'Invalid secret for extension: must not be empty');
    if (changes.ex_number !== undefined && String(changes.ex_number) !== String(current.ex_number)) await checkNumberFree(ctx, number);
    if (next.ex_username !== undefined && next.ex_username !== current.ex_username) await checkUsernameFree(ctx, String(next.ex_username));
    return next;
  },
};
