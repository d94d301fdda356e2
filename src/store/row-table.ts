// Generic row access for one MiRTA-style table (`<prefix>_id` primary key),
// shared by the repositories so list/get/insert/update/delete are written once.
import type { Kysely } from 'kysely';
import { PbxError } from '../shared/index.ts';

// Kysely cannot type a table chosen at run time; the repositories above this
// file expose the precise row types.
type Row = Record<string, unknown>;
export type LooseDb = Kysely<Record<string, Row>>;

export class RowTable<T extends object> {
  constructor(
    private readonly db: LooseDb,
    readonly table: string,
    readonly idColumn: keyof T & string,
    private readonly describe: (row: Partial<T>) => string,
  ) {}

  async list(where: Partial<Record<keyof T & string, unknown>> = {}, orderBy: keyof T & string = this.idColumn): Promise<T[]> {
    let query = this.db.selectFrom(this.table).selectAll();
    for (const [column, value] of Object.entries(where)) {
      query = value === null ? query.where(column, 'is', null) : query.where(column, '=', value as never);
    }
    return (await query.orderBy(orderBy).execute()) as T[];
  }

  async get(id: number): Promise<T | undefined> {
    return (await this.db.selectFrom(this.table).selectAll().where(this.idColumn, '=', id as never).executeTakeFirst()) as T | undefined;
  }

  async insert(values: Partial<T>): Promise<T> {
    try {
      return (await this.db.insertInto(this.table).values(values as Row).returningAll().executeTakeFirstOrThrow()) as T;
    } catch (error) {
      throw translateConstraint(error, this.describe(values));
    }
  }

  async update(id: number, values: Partial<T>): Promise<T | undefined> {
    if (Object.keys(values).length === 0) return this.get(id);
    try {
      return (await this.db.updateTable(this.table).set(values as Row).where(this.idColumn, '=', id as never).returningAll().executeTakeFirst()) as T | undefined;
    } catch (error) {
      throw translateConstraint(error, this.describe(values));
    }
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom(this.table).where(this.idColumn, '=', id as never).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

/** Unique and foreign-key violations from either engine become PbxErrors naming the row. */
export function translateConstraint(error: unknown, what: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new PbxError('conflict', `${what} already exists`);
  }
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new PbxError('invalid_parameter', `${what} refers to an object that does not exist`);
  }
  // PostgreSQL text cannot hold NUL; SQLite can. Refuse it the same way on both.
  if (code === '22021') return new PbxError('invalid_parameter', `${what}: text must not contain NUL characters`);
  if (code === '22001') return new PbxError('invalid_parameter', `${what}: a value is longer than its column allows`);
  return error;
}
