// Per-object rules beyond the column checks: defaults derived from other fields, limits, invariants.
// The generic ObjectService runs them; objects without special rules have none.
import type { ObjectRow, ObjectSchema, Tenant } from '../../domain/index.ts';

export interface WriteContext {
  /** The tenant the object belongs to (undefined for global objects). */
  readonly tenant: Tenant | undefined;
  readonly now: string;
  /** How many objects of this kind the tenant already has (for limits), or that match `where` (uniqueness). */
  count(where?: Readonly<Record<string, string | number>>): Promise<number>;
  /**
   * How many objects of this kind match `where` in every tenant, the row being updated left out (values unique
   * across tenants). Only a count, so that a rule cannot tell the caller which tenant holds a value.
   */
  countEverywhere(where: Readonly<Record<string, string | number>>): Promise<number>;
}

export interface ObjectRules {
  /** Completes and checks a row about to be created; returns the row to insert. */
  beforeCreate?(ctx: WriteContext, row: ObjectRow): Promise<ObjectRow> | ObjectRow;
  /** Completes and checks the changes of an update given the current row; returns the changes to store. */
  beforeUpdate?(ctx: WriteContext, current: ObjectRow, changes: ObjectRow): Promise<ObjectRow> | ObjectRow;
}

export type RulesBySchema = Readonly<Record<string, ObjectRules>>;

export const label = (schema: ObjectSchema, row: ObjectRow): string =>
  schema.describe ? schema.describe(row) : `${schema.title} ${row[schema.labelColumn] ?? row[schema.idColumn] ?? ''}`.trim();
