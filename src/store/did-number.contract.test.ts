// Contract of DID number ownership (migration 0008): one normalised number, one DID, across every tenant, kept
// by a unique index whoever writes; existing rows are keyed on upgrade. SQLite always, PostgreSQL when
// CALLGRID_TEST_PG_URL is set.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { onEveryEngine, storeTest, twoTenants } from '../../test/support/store-engines.ts';
import { PbxError } from '../shared/index.ts';
import type { Dialect } from './dialect.ts';
import { migrationProvider } from './migrations/index.ts';

const conflict = (error: unknown) => error instanceof PbxError && error.code === 'conflict';

onEveryEngine('DID number ownership', (open) => {
  const it = storeTest(open);

  it('a number held by one tenant cannot be inserted under any spelling, by any tenant', async (store) => {
    const [a, b] = await twoTenants(store);
    const dids = store.objects('did');
    const held = await dids.insert(a, { di_number: '5551000' });
    for (const number of ['5551000', '+5551000', '005551000']) {
      await assert.rejects(dids.insert(b, { di_number: number }), conflict, `${number} in another tenant`);
      await assert.rejects(dids.insert(a, { di_number: number }), conflict, `${number} in the same tenant`);
    }
    await assert.rejects(dids.insertMany(b, [{ di_number: '+5551001' }, { di_number: '+5551000' }]), conflict);
    assert.deepEqual(await dids.list(b), [], 'a refused batch writes nothing');
    assert.deepEqual((await dids.list(null)).map((r) => r.di_id), [held.di_id]);
  });

  it('renaming onto a held number is refused; respelling its own number is not', async (store) => {
    const [a, b] = await twoTenants(store);
    const dids = store.objects('did');
    const held = await dids.insert(a, { di_number: '5551000' });
    const other = await dids.insert(b, { di_number: '5552000' });
    await assert.rejects(dids.update(b, Number(other.di_id), { di_number: '+5551000' }), conflict);
    assert.equal((await dids.update(a, Number(held.di_id), { di_number: '005551000' }))?.di_number, '005551000');
    assert.equal((await dids.update(b, Number(other.di_id), { di_comment: 'still 5552000' }))?.di_number, '5552000');
  });

  it('the normalised number is a hidden column: filled on writes, filterable, never in rows', async (store) => {
    const [a] = await twoTenants(store);
    const dids = store.objects('did');
    const row = await dids.insert(a, { di_number: '+39021234' });
    assert.equal('di_number_key' in row, false);
    assert.equal('di_number_key' in ((await dids.get(a, Number(row.di_id))) ?? {}), false);
    assert.equal((await dids.list(a)).some((r) => 'di_number_key' in r), false);
    assert.equal(await dids.count(null, { di_number_key: '39021234' }), 1);
    await dids.update(a, Number(row.di_id), { di_number: '0039021235' });
    assert.equal(await dids.count(null, { di_number_key: '39021235' }), 1);
    assert.equal(await dids.count(null, { di_number_key: '39021234' }), 0);
  });

  it('a deleted DID, or a deleted tenant, frees its number', async (store) => {
    const [a, b] = await twoTenants(store);
    const dids = store.objects('did');
    const held = await dids.insert(a, { di_number: '5551000' });
    await dids.delete(a, Number(held.di_id));
    const moved = await dids.insert(b, { di_number: '+5551000' });
    await store.tenants.delete(b);
    assert.equal(await dids.get(null, Number(moved.di_id)), undefined);
    assert.equal(Number((await dids.insert(a, { di_number: '005551000' })).di_te_id), a);
  });
});

// --- the upgrade: rows written before 0008 --------------------------------------------------------------

interface RawEngine {
  readonly db: Kysely<Record<string, Record<string, unknown>>>;
  /** PostgreSQL: the test's own schema, where the migration bookkeeping must be looked for. */
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
  test('0008 keys existing DIDs; a number already held twice keeps its first holder, the later ones get no key', async () => {
    const engine = await open();
    const { db, schema } = engine;
    try {
      const migrator = new Migrator({ db, provider: migrationProvider(dialect), ...(schema ? { migrationTableSchema: schema } : {}) });
      const before = await migrator.migrateTo('0007-states');
      assert.equal(before.error, undefined);
      const tenant = async (code: string) => Number((await db.insertInto('te_tenants').values({ te_code: code, te_name: code, te_created: '2026-01-01 00:00:00' }).returning('te_id').executeTakeFirstOrThrow()).te_id);
      const a = await tenant('ACME');
      const b = await tenant('GLOBEX');
      const did = async (tenantId: number, number: string) => Number((await db.insertInto('di_dids').values({ di_te_id: tenantId, di_number: number }).returning('di_id').executeTakeFirstOrThrow()).di_id);
      const first = await did(a, '5551000');
      const second = await did(b, '+5551000');
      const third = await did(b, '005551000');
      const alone = await did(b, '0039021234');
      const after = await migrator.migrateToLatest();
      assert.equal(after.error, undefined);
      const keys = await db.selectFrom('di_dids').select(['di_id', 'di_number_key']).orderBy('di_id').execute();
      assert.deepEqual(keys.map((r) => [Number(r.di_id), r.di_number_key]), [[first, '5551000'], [second, null], [third, null], [alone, '39021234']]);
      // From now on the index holds: nobody gets the number again, the old duplicates stay where they were.
      await assert.rejects(db.insertInto('di_dids').values({ di_te_id: b, di_number: '+5551000', di_number_key: '5551000' }).execute());
      assert.equal(await db.selectFrom('di_dids').select('di_id').where('di_number', '=', '+5551000').execute().then((r) => r.length), 1);
    } finally {
      await engine.dispose();
    }
  });
}

describe('DID number ownership: upgrade on SQLite', () => upgradeSuite('sqlite', rawSqlite));

const pgUrl = process.env.CALLGRID_TEST_PG_URL;
describe('DID number ownership: upgrade on PostgreSQL', { skip: pgUrl ? false : 'CALLGRID_TEST_PG_URL is not set' }, () => {
  if (pgUrl) upgradeSuite('postgres', () => rawPostgres(pgUrl));
});
