// Texts the PBX itself sends to an extension (Messaging.sendFromPbx, the SMS reqtype to an own extension), through
// the same rig as phones' MESSAGEs: delivered to the registered contacts as text/plain with the given From, kept for
// an offline phone and delivered when it registers, and a number looked up in the given tenant only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakePhone, Inbox, startRig, type Rig } from './messaging-rig.test-support.ts';

async function withRig(body: (rig: Rig) => Promise<void>): Promise<void> {
  const rig = await startRig();
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}

async function online(rig: Rig, username: string, password: string, address: string, port: number): Promise<Inbox> {
  const phone = new FakePhone(rig, { username, password, source: { protocol: 'udp', address, port } });
  assert.equal((await phone.register()).status, 200);
  return new Inbox(rig, phone.source);
}

const waiting = (rig: Rig, tenantId: number, extensionId: number) => rig.messages.messages.pending(tenantId, extensionId, '2026-12-05 12:00:00', 100);

test('a text to an online extension reaches its contact as a text/plain MESSAGE from the given number and name', async () => {
  await withRig(async (rig) => {
    const sales = await online(rig, '101-ACME', 'acme-101-pw', '192.0.2.21', 5064);
    const sending = rig.messaging.sendFromPbx({ tenantId: 1, toExtension: '101', fromNumber: '+41440000100', fromName: 'Reception', text: 'héllo from the API' });
    const [request] = await sales.take(200);
    assert.deepEqual(await sending, { kind: 'delivered' });
    assert.ok(request !== undefined);
    assert.equal(request.uri, 'sip:101-ACME@192.0.2.21:5064');
    assert.match(request.headers.get('from') ?? '', /^"Reception" <sip:\+41440000100@pbx\.example\.com>;tag=/);
    assert.equal(request.headers.get('to'), '<sip:101@pbx.example.com>');
    assert.equal(request.headers.get('content-type'), 'text/plain;charset=UTF-8');
    assert.equal(request.body.toString('utf8'), 'héllo from the API');
    assert.deepEqual(await waiting(rig, 1, 12), []);
  });
});

test('a text to an offline extension is kept, then delivered when the phone registers', async () => {
  await withRig(async (rig) => {
    assert.deepEqual(await rig.messaging.sendFromPbx({ tenantId: 1, toExtension: '101', fromNumber: 'ACME Ltd', fromName: '', text: 'your parcel' }), { kind: 'kept' });
    assert.equal((await waiting(rig, 1, 12)).length, 1);
    const sales = await online(rig, '101-ACME', 'acme-101-pw', '192.0.2.21', 5064);
    const [request] = await sales.take(200);
    assert.ok(request !== undefined, 'delivered on REGISTER');
    assert.equal(request.body.toString('utf8'), 'your parcel');
    assert.match(request.headers.get('from') ?? '', /^<sip:ACME%20Ltd@pbx\.example\.com>;tag=/, 'an alphanumeric sender is escaped in the URI');
    assert.ok(request.headers.get('date') !== undefined, 'a kept message is dated');
    assert.deepEqual(await waiting(rig, 1, 12), []);
  });
});

test("another tenant's extension number is not reachable, and bad texts are refused with the reason", async () => {
  await withRig(async (rig) => {
    const acme100 = await online(rig, '100-ACME', 'acme-100-pw', '192.0.2.20', 5062);
    // GLOBEX (tenant 2) has only 100; ACME's 101 does not exist for it.
    assert.deepEqual(await rig.messaging.sendFromPbx({ tenantId: 2, toExtension: '101', fromNumber: '100', fromName: '', text: 'x' }), { kind: 'refused', reason: 'extension 101 not found' });
    assert.deepEqual(await rig.messaging.sendFromPbx({ tenantId: 2, toExtension: '100', fromNumber: '100', fromName: '', text: 'to globex' }), { kind: 'kept' });
    assert.deepEqual(await acme100.take(0), [], "ACME's 100 got nothing");
    assert.equal((await waiting(rig, 2, 21)).length, 1, "kept for GLOBEX's 100");
    assert.deepEqual(await rig.messaging.sendFromPbx({ tenantId: 1, toExtension: '100', fromNumber: '1', fromName: '', text: '' }), { kind: 'refused', reason: 'the text is empty' });
    assert.match((await rig.messaging.sendFromPbx({ tenantId: 1, toExtension: '100', fromNumber: '1', fromName: '', text: 'x'.repeat(1301) })).kind, /refused/);
  });
});
