// Runs a suite against every store engine: SQLite in memory always, PostgreSQL (one fresh schema per
// test) when CALLGRID_TEST_PG_URL is set, as CI does.
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.ts';

export interface OpenedStore {
  readonly store: Store;
  dispose(): Promise<void>;
}

export type OpenStore = () => Promise<OpenedStore>;

/** `suite(open)` is called once per engine inside a describe named after it; `open` gives a migrated store. */
export function onEveryEngine(name: string, suite: (open: OpenStore) => void): void {
  describe(`${name} on SQLite`, () => {
    suite(async () => {
      const store = openStore('sqlite::memory:');
      await store.migrate();
      return { store, dispose: () => store.close() };
    });
  });
  const url = process.env.CALLGRID_TEST_PG_URL;
  describe(`${name} on PostgreSQL`, { skip: url ? false : 'CALLGRID_TEST_PG_URL is not set' }, () => {
    if (!url) return;
    suite(async () => {
      const schema = `cg_test_${randomBytes(8).toString('hex')}`;
      const store = openStore(url, { schema });
      await store.migrate();
      return {
        store,
        async dispose() {
          await store.close();
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          try {
            await client.query(`drop schema if exists ${schema} cascade`);
          } finally {
            await client.end();
          }
        },
      };
    });
  });
}

/** A test that gets its own migrated store of `open`, disposed of however the body ends. */
export function storeTest(open: OpenStore): (name: string, body: (store: Store) => Promise<void>) => void {
  return (name, body) =>
    test(name, async () => {
      const { store, dispose } = await open();
      try {
        await body(store);
      } finally {
        await dispose();
      }
    });
}

/** Tenants ACME and GLOBEX, for isolation checks; their ids. */
export async function twoTenants(store: Store): Promise<readonly [number, number]> {
  const created = '2026-01-02 03:04:05';
  const a = await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, created);
  const b = await store.tenants.create({ te_code: 'GLOBEX', te_name: 'Globex' }, created);
  return [a.te_id, b.te_id];
}
