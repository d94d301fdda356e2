// The location cache over rg_registrations, on SQLite and PostgreSQL: writes are seen at once through every
// StoreBindingStore of the repository and reach the store when flushed; a batch survives one bad row; the
// repository's multi-row upsert keeps the first registration time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../store/index.ts';
import { onEveryEngine, type OpenStore } from '../../../test/support/store-engines.ts';
import type { Binding } from './ports.ts';
import { toRow } from './registration-row.ts';
import { StoreBindingStore } from './store-binding-store.ts';

const binding = (tenantId: number, extensionId: number, contactUri: string, cseq = 1): Binding => ({
  tenantId, extensionId, aor: 'sip:100-ACME@pbx.example.com', username: '100-ACME', contactUri, contact: `<${contactUri}>`,
  expiresAt: new Date('2030-01-01T00:00:00Z'), callId: 'c1', cseq, q: null, source: { protocol: 'udp', address: '192.0.2.20', port: 5060 },
  flowId: null, userAgent: 'baresip', node: 'node-a', registeredAt: new Date('2026-01-01T00:00:00Z'), lastRttMs: null, reachable: true,
});

async function setUp(openStore: OpenStore, extensions: number): Promise<{ store: Store; tenantId: number; ids: number[]; dispose: () => Promise<void> }> {
  const { store, dispose } = await openStore();
  const tenant = await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-01-01 00:00:00');
  const ids: number[] = [];
  for (let i = 0; i < extensions; i++) ids.push(Number((await store.objects('extension').insert(tenant.te_id, { ex_number: String(100 + i), ex_username: `${100 + i}-ACME` })).ex_id));
  return { store, tenantId: tenant.te_id, ids, dispose };
}

onEveryEngine('LocationCache', (openStore: OpenStore) => {
  test('writes are seen at once by every StoreBindingStore of the repository, and are in the store after flush()', async () => {
    const { store, tenantId, ids, dispose } = await setUp(openStore, 2);
    try {
      const [a = 0, b = 0] = ids;
      // The first instance sets the options; a flush bound of a minute keeps the timer out of this test.
      const registrar = new StoreBindingStore(store.registrations, { flushMs: 60_000 });
      const api = new StoreBindingStore(store.registrations);
      assert.deepEqual(await registrar.listForAccount(tenantId, a), [], 'read once: now held in memory');
      await registrar.put(binding(tenantId, a, 'sip:a@x'));
      await registrar.put(binding(tenantId, b, 'sip:b@x'));
      assert.equal((await store.registrations.list()).length, 0, 'written behind, not yet');
      assert.deepEqual((await api.listForAccount(tenantId, a)).map((x) => x.contactUri), ['sip:a@x']);
      await registrar.put({ ...binding(tenantId, a, 'sip:a@x', 2), registeredAt: new Date('2026-06-01T00:00:00Z') });
      const [held] = await api.listForAccount(tenantId, a);
      assert.equal(held?.cseq, 2);
      assert.equal(held?.registeredAt.toISOString(), '2026-01-01T00:00:00.000Z', 'a replaced binding keeps its first registration time, as in the store');
      assert.equal(await registrar.remove(tenantId, a, 'sip:a@x').then((x) => x?.contactUri), 'sip:a@x');
      assert.deepEqual((await api.list()).map((x) => x.contactUri), ['sip:b@x'], 'list() writes the queue out first and reads the store');
      await registrar.put(binding(tenantId, a, 'sip:a2@x'));
      assert.equal((await registrar.setReachability(tenantId, a, 'sip:a2@x', { lastRttMs: 7, reachable: false }))?.lastRttMs, 7);
      await registrar.flush();
      const rows = await store.registrations.list();
      assert.deepEqual(rows.map((r) => [r.rg_contact_uri, r.rg_last_rtt, Number(r.rg_reachable)]).sort(), [['sip:a2@x', 7, 0], ['sip:b@x', null, 1]]);
    } finally {
      await dispose();
    }
  });

  test("a batch holding a binding whose extension was deleted still writes the others", async () => {
    const { store, tenantId, ids, dispose } = await setUp(openStore, 2);
    try {
      const [a = 0, gone = 0] = ids;
      const bindings = new StoreBindingStore(store.registrations, { flushMs: 60_000 });
      await bindings.put(binding(tenantId, a, 'sip:a@x'));
      await bindings.put(binding(tenantId, gone, 'sip:gone@x'));
      await store.objects('extension').delete(tenantId, gone);
      await bindings.flush();
      assert.deepEqual((await store.registrations.list()).map((r) => r.rg_contact_uri), ['sip:a@x']);
      assert.deepEqual(await bindings.listForAccount(tenantId, gone), []);
    } finally {
      await dispose();
    }
  });

  test('putMany writes several statements of rows in one go and keeps each row\'s first registration time', async () => {
    const { store, tenantId, ids, dispose } = await setUp(openStore, 3);
    try {
      const rows = ids.flatMap((id) => Array.from({ length: 150 }, (_, i) => toRow(binding(tenantId, id, `sip:${id}-${i}@x`))));
      await store.registrations.putMany(rows);
      const later = rows.map((row) => ({ ...row, rg_cseq: 2, rg_registered: '2026-06-01T00:00:00.000Z' }));
      // The same key twice in one call: the later row wins, as two single upserts would have it.
      await store.registrations.putMany([...later, { ...later[0]!, rg_cseq: 3 }]);
      const stored = await store.registrations.list();
      assert.equal(stored.length, 450);
      assert.ok(stored.every((row) => row.rg_registered === '2026-01-01T00:00:00.000Z'), 'rg_registered kept');
      assert.deepEqual([...new Set(stored.map((row) => Number(row.rg_cseq)))].sort(), [2, 3]);
    } finally {
      await dispose();
    }
  });
});
