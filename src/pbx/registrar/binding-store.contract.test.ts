// The BindingStore contract, run on the in-memory store and on the Store-backed one over SQLite and
// PostgreSQL: keyed by tenant, extension and contact; copies in and out; expiry; reachability updates.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { onEveryEngine, type OpenStore } from '../../../test/support/store-engines.ts';
import { InMemoryBindingStore } from './in-memory-binding-store.ts';
import type { Binding, BindingStore } from './ports.ts';
import { StoreBindingStore } from './store-binding-store.ts';

interface Subject {
  readonly store: BindingStore;
  /** Tenant ids and the ids of extensions 11/12 (tenant A) and 21 (tenant B). */
  readonly ids: { a: number; b: number; ext11: number; ext12: number; ext21: number };
  dispose(): Promise<void>;
}

const binding = (tenantId: number, extensionId: number, contactUri: string, expiresAt: string): Binding => ({
  tenantId, extensionId, aor: 'sip:100-ACME@pbx.example.com', username: '100-ACME', contactUri, contact: `<${contactUri}>;+sip.instance="<urn:uuid:1>"`,
  expiresAt: new Date(expiresAt), callId: 'c1', cseq: 1, q: 0.5, source: { protocol: 'tcp', address: '192.0.2.20', port: 5060 },
  flowId: 'tcp:192.0.2.20:5060', userAgent: 'baresip', node: 'node-a', registeredAt: new Date('2026-01-01T00:00:00Z'), lastRttMs: null, reachable: true,
});

function bindingStoreContract(open: () => Promise<Subject>): void {
  describe('BindingStore contract', () => bindingStoreTests(open));
}

function bindingStoreTests(open: () => Promise<Subject>): void {
  let s: Subject;
  beforeEach(async () => {
    s = await open();
  });
  afterEach(() => s.dispose());

  test('put replaces by key, keeping the first registration time; list filters by tenant; remove and removeAll', async () => {
    const { store, ids } = s;
    await store.put(binding(ids.a, ids.ext11, 'sip:a@x', '2026-01-01T01:00:00Z'));
    await store.put({ ...binding(ids.a, ids.ext11, 'sip:a@x', '2026-01-01T02:00:00Z'), cseq: 2 });
    await store.put(binding(ids.a, ids.ext12, 'sip:b@x', '2026-01-01T01:00:00Z'));
    await store.put(binding(ids.b, ids.ext21, 'sip:a@x', '2026-01-01T01:00:00Z'));
    const [refreshed] = await store.listForAccount(ids.a, ids.ext11);
    assert.equal(refreshed?.cseq, 2);
    assert.equal(refreshed?.expiresAt.toISOString(), '2026-01-01T02:00:00.000Z');
    assert.deepEqual(refreshed, { ...binding(ids.a, ids.ext11, 'sip:a@x', '2026-01-01T02:00:00Z'), cseq: 2 }, 'every field round-trips');
    assert.deepEqual((await store.list(ids.a)).map((b) => b.extensionId).sort(), [ids.ext11, ids.ext12].sort());
    assert.deepEqual((await store.list(ids.b)).map((b) => b.tenantId), [ids.b]);
    assert.equal((await store.list()).length, 3);
    assert.equal(await store.remove(ids.b, ids.ext12, 'sip:b@x'), undefined, "another tenant's binding is not found");
    assert.equal((await store.remove(ids.a, ids.ext12, 'sip:b@x'))?.contactUri, 'sip:b@x');
    assert.equal((await store.removeAll(ids.a, ids.ext11)).length, 1);
    assert.equal((await store.list()).length, 1);
  });

  test('copies: changing what list returned does not change the store', async () => {
    const { store, ids } = s;
    await store.put(binding(ids.a, ids.ext11, 'sip:a@x', '2026-01-01T01:00:00Z'));
    const [listed] = await store.list();
    listed?.expiresAt.setTime(0);
    assert.equal((await store.list())[0]?.expiresAt.toISOString(), '2026-01-01T01:00:00.000Z');
  });

  test('removeExpired takes exactly the due bindings; setReachability only updates existing ones', async () => {
    const { store, ids } = s;
    await store.put(binding(ids.a, ids.ext11, 'sip:a@x', '2026-01-01T01:00:00Z'));
    await store.put(binding(ids.a, ids.ext11, 'sip:b@x', '2026-01-01T02:00:00Z'));
    assert.deepEqual((await store.removeExpired(new Date('2026-01-01T01:00:00Z'))).map((b) => b.contactUri), ['sip:a@x']);
    assert.deepEqual(await store.removeExpired(new Date('2026-01-01T01:00:00Z')), []);
    const updated = await store.setReachability(ids.a, ids.ext11, 'sip:b@x', { lastRttMs: 12, reachable: false });
    assert.equal(updated?.lastRttMs, 12);
    assert.equal(updated?.reachable, false);
    assert.equal(await store.setReachability(ids.a, ids.ext11, 'sip:a@x', { lastRttMs: 12, reachable: true }), undefined);
    assert.equal((await store.list()).length, 1);
  });
}

describe('InMemoryBindingStore', () => {
  bindingStoreContract(async () => ({ store: new InMemoryBindingStore(), ids: { a: 1, b: 2, ext11: 11, ext12: 12, ext21: 21 }, dispose: async () => {} }));
});

onEveryEngine('StoreBindingStore', (openStore: OpenStore) => {
  bindingStoreContract(async () => {
    const { store, dispose } = await openStore();
    const a = await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-01-01 00:00:00');
    const b = await store.tenants.create({ te_code: 'GLOBEX', te_name: 'Globex' }, '2026-01-01 00:00:00');
    const ext = async (tenantId: number, number: string) => Number((await store.objects('extension').insert(tenantId, { ex_number: number, ex_username: `${number}-${tenantId}` })).ex_id);
    const ids = { a: a.te_id, b: b.te_id, ext11: await ext(a.te_id, '11'), ext12: await ext(a.te_id, '12'), ext21: await ext(b.te_id, '21') };
    return { store: new StoreBindingStore(store.registrations), ids, dispose };
  });

  test('deleting an extension drops its bindings', async () => {
    const { store, dispose } = await openStore();
    try {
      const a = await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-01-01 00:00:00');
      const ex = await store.objects('extension').insert(a.te_id, { ex_number: '100', ex_username: '100-ACME' });
      const bindings = new StoreBindingStore(store.registrations);
      await bindings.put(binding(a.te_id, Number(ex.ex_id), 'sip:a@x', '2030-01-01T00:00:00Z'));
      await store.objects('extension').delete(a.te_id, Number(ex.ex_id));
      assert.deepEqual(await bindings.list(), []);
    } finally {
      await dispose();
    }
  });
});
