// Contract of cm_calleridmods (caller-id modification rules, migration 0012): tenant-scoped rows with '' for unset
// text and the strip's fallback, gone with their tenant; and the upgrade: a database made before the object joined the
// catalogue gets the table from 0012. SQLite always, PostgreSQL when CALLGRID_TEST_PG_URL is set.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { onEveryEngine, storeTest, twoTenants } from '../../test/support/store-engines.ts';
import type { Dialect } from './dialect.ts';
import { migrationProvider } from './migrations/index.ts';

onEveryEngine('caller id modification rules', (open) => {
  const it = storeTest(open);

  it("rows are the tenant's own, unset text reads '', and they go with their tenant", async (store) => {
    const [a, b] = await twoTenants(store);
    const rules = store.objects('calleridmodification');
    const mine = await rules.insert(a, { cm_name: 'International', cm_match: '^00', cm_strip: 2, cm_prefix: '+' });
    assert.deepEqual(
      { ...mine, cm_id: undefined },
      { cm_id: undefined, cm_te_id: a, cm_name: 'International', cm_match: '^00', cm_strip: 2, cm_prefix: '+', cm_number: '', cm_calleridname: '', cm_nameprefix: '' },
    );
    const id = Number(mine.cm_id);
    assert.equal(await rules.get(b, id), undefined, "another tenant's rule reads as absent");
    assert.equal(await rules.update(b, id, { cm_prefix: '0' }), undefined);
    assert.equal((await rules.get(a, id))?.cm_prefix, '+');
    await rules.insert(b, { cm_name: 'International' });
    assert.deepEqual((await rules.list(a)).map((r) => r.cm_id), [mine.cm_id]);
    await store.tenants.delete(a);
    assert.equal(await rules.get(null, id), undefined);
    assert.equal((await rules.list(null)).length, 1);
  });
});

interface RawEngine {
  readonly db: Kysely<Record<string, Record<string, unknown>>>;
  readonly schema?: string;
  dispose(): Promise<void>;
}

async function rawSqlite(): Promise<RawEngine> {
  const database = new BetterSqlite3(':memory:');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Record<string, Record<string, unknown>>>({ dialect: new SqliteDialect({ database }) });
  return { db, dispose: () => db.destroy() };
}

async function rawPostgres(url: string): Promise<RawEngine> {
  const schema = `cg_test_${randomBytes(8).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const pool = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
  const db = new Kysely<Record<string, Record<string, unknown>>>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    schema,
    async dispose() {
      await db.destroy();
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    },
  };
}

function upgradeSuite(dialect: Dialect, open: () => Promise<RawEngine>): void {
  test('0012 creates the table on a database made without it, and a migrated database keeps working', async () => {
    const engine = await open();
    const { db, schema } = engine;
    try {
      const migrator = new Migrator({ db, provider: migrationProvider(dialect), ...(schema ? { migrationTableSchema: schema } : {}) });
      assert.equal((await migrator.migrateTo('0011-ivr-logs')).error, undefined);
      // 0002 builds today's catalogue, so the table is there already: take it away, as a database made before it.
      await sql`drop table cm_calleridmods`.execute(db);
      const tenant = Number((await db.insertInto('te_tenants').values({ te_code: 'ACME', te_name: 'ACME', te_created: '2026-01-01 00:00:00' }).returning('te_id').executeTakeFirstOrThrow()).te_id);
      const after = await migrator.migrateTo('0012-callerid-mods');
      assert.equal(after.error, undefined);
      assert.deepEqual(after.results?.map((r) => r.migrationName), ['0012-callerid-mods']);
      await db.insertInto('cm_calleridmods').values({ cm_te_id: tenant, cm_name: 'rule' }).execute();
      const rows = await db.selectFrom('cm_calleridmods').selectAll().execute();
      assert.deepEqual(rows.map((r) => [r.cm_name, r.cm_match, r.cm_prefix]), [['rule', '', '']]);
      // The tenant's rules go with it, as 0002's tables do.
      await db.deleteFrom('te_tenants').where('te_id', '=', tenant).execute();
      assert.equal((await db.selectFrom('cm_calleridmods').selectAll().execute()).length, 0);
    } finally {
      await engine.dispose();
    }
  });
}

describe('caller id modification rules: upgrade on SQLite', () => upgradeSuite('sqlite', rawSqlite));

const pgUrl = process.env.CALLGRID_TEST_PG_URL;
describe('caller id modification rules: upgrade on PostgreSQL', { skip: pgUrl ? false : 'CALLGRID_TEST_PG_URL is not set' }, () => {
  if (pgUrl) upgradeSuite('postgres', () => rawPostgres(pgUrl));
});
