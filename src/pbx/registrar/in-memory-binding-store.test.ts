// InMemoryBindingStore: keyed by tenant, extension and contact; copies in and out; expiry; reachability updates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InMemoryBindingStore } from './in-memory-binding-store.ts';
import type { Binding } from './ports.ts';

const binding = (tenantId: number, extensionId: number, contactUri: string, expiresAt: string): Binding => ({
  tenantId, extensionId, aor: 'sip:100-ACME@pbx.example.com', username: '100-ACME', contactUri, contact: `<${contactUri}>`,
  expiresAt: new Date(expiresAt), callId: 'c1', cseq: 1, q: null, source: { protocol: 'udp', address: '192.0.2.20', port: 5060 },
  flowId: null, userAgent: null, node: 'node-a', registeredAt: new Date('2026-01-01T00:00:00Z'), lastRttMs: null, reachable: true,
});

test('put replaces by key; list filters by tenant; remove and removeAll', async () => {
  const store = new InMemoryBindingStore();
  await store.put(binding(1, 11, 'sip:a@x', '2026-01-01T01:00:00Z'));
  await store.put({ ...binding(1, 11, 'sip:a@x', '2026-01-01T02:00:00Z'), cseq: 2 });
  await store.put(binding(1, 12, 'sip:b@x', '2026-01-01T01:00:00Z'));
  await store.put(binding(2, 11, 'sip:a@x', '2026-01-01T01:00:00Z'));
  assert.equal(store.size, 3);
  assert.deepEqual((await store.listForAccount(1, 11)).map((b) => b.cseq), [2]);
  assert.deepEqual((await store.list(1)).map((b) => b.extensionId).sort(), [11, 12]);
  assert.deepEqual((await store.list(2)).map((b) => b.tenantId), [2]);
  assert.equal((await store.remove(2, 12, 'sip:b@x')), undefined, "another tenant's binding is not found");
  assert.equal((await store.remove(1, 12, 'sip:b@x'))?.contactUri, 'sip:b@x');
  assert.equal((await store.removeAll(1, 11)).length, 1);
  assert.equal(store.size, 1);
});

test('copies: changing what list returned does not change the store', async () => {
  const store = new InMemoryBindingStore();
  await store.put(binding(1, 11, 'sip:a@x', '2026-01-01T01:00:00Z'));
  const [listed] = await store.list();
  listed?.expiresAt.setTime(0);
  assert.equal((await store.list())[0]?.expiresAt.toISOString(), '2026-01-01T01:00:00.000Z');
});

test('removeExpired takes exactly the due bindings; setReachability only updates existing ones', async () => {
  const store = new InMemoryBindingStore();
  await store.put(binding(1, 11, 'sip:a@x', '2026-01-01T01:00:00Z'));
  await store.put(binding(1, 11, 'sip:b@x', '2026-01-01T02:00:00Z'));
  assert.deepEqual((await store.removeExpired(new Date('2026-01-01T01:00:00Z'))).map((b) => b.contactUri), ['sip:a@x']);
  assert.deepEqual(await store.removeExpired(new Date('2026-01-01T01:00:00Z')), []);
  assert.equal((await store.setReachability(1, 11, 'sip:b@x', { lastRttMs: 12, reachable: true }))?.lastRttMs, 12);
  assert.equal(await store.setReachability(1, 11, 'sip:a@x', { lastRttMs: 12, reachable: true }), undefined);
  assert.equal(store.size, 1);
});
