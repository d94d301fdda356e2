// Rules of the numbers and routing objects (see domain/objects/catalogue-routing.ts): values a column
// check cannot see (a route's regex compiles on RE2, a condition's time zone exists), optional numbers and
// peer names unique when set, the date a caller id was blacklisted.
import { compileUserPattern, type ObjectRow } from '../../domain/index.ts';
import { PbxError } from '../../shared/index.ts';
import { checkCallerIdNumbers } from './caller-id-rule.ts';
import type { ObjectRules, RulesBySchema, WriteContext } from './object-rules.ts';

type Check = (ctx: WriteContext, row: ObjectRow, current: ObjectRow | undefined) => Promise<void> | void;

/** Rules made of checks that run on create (no current row) and on update (the changes, the current row). */
function checked(...checks: Check[]): ObjectRules {
  return {
    async beforeCreate(ctx, row) {
      for (const check of checks) await check(ctx, row, undefined);
      return row;
    },
    async beforeUpdate(ctx, current, changes) {
      for (const check of checks) await check(ctx, changes, current);
      return changes;
    },
  };
}

/**
 * An optional column that must be unique when set ('' may repeat, so a unique index cannot say it).
 * MiRTA refuses a duplicate number or peer name the same way as a duplicate extension.
 */
function uniqueWhenSet(column: string, what: string): Check {
  return async (ctx, row, current) => {
    const value = row[column];
    if (value === undefined || value === null || value === '' || (current && current[column] === value)) return;
    if ((await ctx.count({ [column]: value })) > 0) throw new PbxError('conflict', `${what} ${value} already exists`);
  };
}

/** A user pattern must compile on the linear-time engine (RE2 syntax), or the write is refused saying why. */
function validPattern(column: string, what: string): Check {
  return (_ctx, row) => {
    const value = row[column];
    if (typeof value !== 'string' || value === '') return;
    const pattern = compileUserPattern(value);
    if (!pattern.ok) throw new PbxError('invalid_parameter', `Invalid ${column} for ${what}: ${pattern.error}`);
  };
}

function validTimeZone(column: string, what: string): Check {
  return (_ctx, row) => {
    const value = row[column];
    if (typeof value !== 'string' || value === '') return;
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
    } catch {
      throw new PbxError('invalid_parameter', `Invalid ${column} for ${what}: expected an IANA time zone such as Europe/Rome`);
    }
  };
}

export const ROUTING_RULES: RulesBySchema = {
  provider: checked(uniqueWhenSet('pr_peername', 'Provider peer name'), (_ctx, row) => checkCallerIdNumbers(row, ['pr_callerid'], 'provider')),
  route: checked(validPattern('dl_regex', 'route')),
  condition: checked(validTimeZone('co_timezone', 'condition')),
  huntlist: checked(uniqueWhenSet('hu_number', 'Hunt list number')),
  calleridblacklist: {
    beforeCreate: (ctx, row) => ({ ...row, bl_inserted: ctx.now }),
  },
};
