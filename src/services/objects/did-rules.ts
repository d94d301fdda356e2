// DID rules: a number is held by one DID of one tenant, whatever its spelling (`+5551000`, `005551000`,
// `5551000`); a write that would hold it twice is refused without saying who holds it.
import { didNumberKey, type ObjectRow } from '../../domain/index.ts';
import { PbxError } from '../../shared/index.ts';
import type { ObjectRules, WriteContext } from './object-rules.ts';

/**
 * Refuses a number another DID holds. The answer is the same whether the holder is this tenant or another, so
 * it tells nothing about other tenants. The store's unique index on di_number_key backs this up when two
 * writes race (they get its plain conflict instead).
 */
async function refuseHeldNumber(ctx: WriteContext, row: ObjectRow): Promise<void> {
  const number = row.di_number;
  // Missing on update = unchanged; missing or malformed on create was refused by the column checks.
  if (typeof number !== 'string' || number === '') return;
  if ((await ctx.countEverywhere({ di_number_key: didNumberKey(number) })) > 0) {
    throw new PbxError('conflict', `DID number ${number} is not available`);
  }
}

export const didRules: ObjectRules = {
  async beforeCreate(ctx, row) {
    await refuseHeldNumber(ctx, row);
    return row;
  },
  async beforeUpdate(ctx, _current, changes) {
    // The row itself is left out of the count: respelling its own number is allowed.
    await refuseHeldNumber(ctx, changes);
    return changes;
  },
};
