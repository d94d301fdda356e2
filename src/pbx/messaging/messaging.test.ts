// SIP MESSAGE between phones (RFC 3428) through the Registrar and Messaging on a SipStack over FakeTransport,
// messages kept in a real SQLite file: forking to every contact, the sender authenticated and shown in From,
// numbers looked up in the sender's tenant only, offline phones served when they register again, is-composing
// (RFC 3994) never kept, and the size, rate and per-tenant bounds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakePhone, Inbox, answerTo, MessagePhone, settle, startRig, type Rig } from './messaging-rig.test-support.ts';

const ISCOMPOSING = '<?xml version="1.0" encoding="UTF-8"?>\n<isComposing xmlns="urn:ietf:params:xml:ns:im-iscomposing"><state>active</state></isComposing>';

async function withRig(body: (rig: Rig) => Promise<void>, limits = {}): Promise<void> {
  const rig = await startRig(limits);
  try {
    await body(rig);
  } finally {
    await rig.close();
  }
}

/** Registers `username` from address:port and gives the inbox of that contact. */
async function online(rig: Rig, username: string, password: string, address: string, port: number): Promise<Inbox> {
  const phone = new FakePhone(rig, { username, password, source: { protocol: 'udp', address, port } });
  assert.equal((await phone.register()).status, 200);
  return new Inbox(rig, phone.source);
}

const ann = (rig: Rig) => new MessagePhone(rig, '100-ACME', 'acme-100-pw');
const waiting = (rig: Rig, tenantId: number, extensionId: number) => rig.messages.messages.pending(tenantId, extensionId, '2026-12-05 12:00:00', 100);

test('a MESSAGE is challenged, then forked to every contact of the number; 200 once one took it; From is the sender', async () => {
  await withRig(async (rig) => {
    const desk = await online(rig, '101-ACME', 'acme-101-pw', '192.0.2.21', 5064);
    const mobile = await online(rig, '101-ACME', 'acme-101-pw', '192.0.2.22', 5066);
    const sender = ann(rig);
    const { callId } = sender.start('101', 'challenge me');
    assert.equal((await sender.answer(callId)).status, 407, 'no credentials: 407 as for calls');
    assert.deepEqual(await desk.take(0), [], 'nothing relayed before the sender is known');
    await sender.prime();

    const sending = sender.start('101', 'héllo, Sales');
    const [toDesk] = await desk.take(0);
    const [toMobile] = await mobile.take(200);
    assert.ok(toDesk !== undefined && toMobile !== undefined, 'both contacts got it');
    assert.equal((await sender.answer(sending.callId)).status, 200);
    assert.equal(toDesk.uri, 'sip:101-ACME@192.0.2.21:5064');
    assert.match(toDesk.headers.get('from') ?? '', /^"Reception" <sip:100@pbx\.example\.com>;tag=/);
    assert.equal(toDesk.headers.get('to'), '<sip:101@pbx.example.com>');
    assert.equal(toDesk.headers.get('content-type'), 'text/plain;charset=UTF-8');
    assert.equal(toDesk.body.toString('utf8'), 'héllo, Sales');
    assert.deepEqual(await waiting(rig, 1, 12), [], 'delivered, so not kept');
  });
});

test("numbers are the sender's tenant's only: GLOBEX's 100 reaches GLOBEX's 100, and ACME's 101 is not found from GLOBEX", async () => {
  await withRig(async (rig) => {
    const acme100 = await online(rig, '100-ACME', 'acme-100-pw', '192.0.2.20', 5062);
    const globex100 = await online(rig, '100-GLOBEX', 'globex-100-pw', '192.0.2.30', 5070);
    await online(rig, '101-ACME', 'acme-101-pw', '192.0.2.21', 5064);
    const globex = new MessagePhone(rig, '100-GLOBEX', 'globex-100-pw', '192.0.2.31', 5072);
    assert.equal((await globex.send('101', 'to acme sales?')).status, 404);
    assert.equal((await globex.send('999', 'nobody')).status, 404);
    const { callId } = globex.start('100', 'note to self');
    assert.equal((await globex100.take(200)).length, 1);
    assert.equal((await globex.answer(callId)).status, 200);
    assert.deepEqual(await acme100.take(0), [], "ACME's 100 got nothing");
    assert.deepEqual(await waiting(rig, 1, 12), []);
  });
});

test('an offline phone gets its messages, in order and dated, when it registers again', async () => {
  await withRig(async (rig) => {
    const sender = ann(rig);
    assert.equal((await sender.send('101', 'first')).status, 202, 'kept: accepted, not yet delivered');
    assert.equal((await sender.send('101', 'second')).status, 202);
    assert.deepEqual((await waiting(rig, 1, 12)).map((m) => [m.ms_from_ext, m.ms_to_ext, Buffer.from(m.ms_body, 'base64').toString()]), [['100', '101', 'first'], ['100', '101', 'second']]);

    rig.clock.advance(60_000);
    const phone = await online(rig, '101-ACME', 'acme-101-pw', '192.0.2.21', 5064);
    const [first] = await phone.take(200);
    const [second] = await phone.take(200);
    assert.equal(first?.body.toString(), 'first');
    assert.equal(second?.body.toString(), 'second');
    assert.equal(first?.headers.get('date'), 'Sat, 05 Dec 2026 12:00:00 GMT', 'when it was written');
    assert.match(first?.headers.get('from') ?? '', /<sip:100@pbx\.example\.com>/);
    await settle();
    assert.deepEqual(await rig.messages.messages.pending(1, 12, '2026-12-05 12:01:00', 10), [], 'delivered ones wait no more');
  });
});

test('a contact that does not answer in time: the message is kept (202), and a late 200 marks it delivered', async () => {
  await withRig(async (rig) => {
    const phone = await online(rig, '101-ACME', 'acme-101-pw', '192.0.2.21', 5064);
    const sender = ann(rig);
    await sender.prime();
    const { callId } = sender.start('101', 'slow phone');
    const [slow] = await phone.take(0);
    assert.ok(slow);
    rig.clock.advance(2_000);
    assert.equal((await sender.answer(callId)).status, 202);
    assert.equal((await waiting(rig, 1, 12)).length, 1);
    rig.fake.inject(answerTo(slow, 200), phone.destination);
    await settle();
    assert.deepEqual(await waiting(rig, 1, 12), [], 'it reached the phone after all: not sent twice');
  }, { answerTimeoutMs: 1_000 });
});

test('is-composing is passed to online phones and never kept: 480 when nobody is online', async () => {
  await withRig(async (rig) => {
    const sender = ann(rig);
    assert.equal((await sender.send('101', ISCOMPOSING, 'application/im-iscomposing+xml')).status, 480);
    assert.deepEqual(await waiting(rig, 1, 12), []);
    const phone = await online(rig, '101-ACME', 'acme-101-pw', '192.0.2.21', 5064);
    assert.deepEqual(await phone.take(0), [], 'nothing waited for it');
    await sender.prime();
    const { callId } = sender.start('101', ISCOMPOSING, 'application/im-iscomposing+xml');
    const [passed] = await phone.take(200);
    assert.equal(passed?.headers.get('content-type'), 'application/im-iscomposing+xml');
    assert.equal((await sender.answer(callId)).status, 200);
  });
});

test('a phone refusing the message: its answer goes back, nothing kept', async () => {
  await withRig(async (rig) => {
    const phone = await online(rig, '101-ACME', 'acme-101-pw', '192.0.2.21', 5064);
    const sender = ann(rig);
    await sender.prime();
    const { callId } = sender.start('101', '{}', 'application/json');
    await phone.take(415);
    assert.equal((await sender.answer(callId)).status, 415);
    assert.deepEqual(await waiting(rig, 1, 12), []);
  });
});

test('bounds: bodies over the size cap get 513, an empty body 400, a sender over its rate 503, a full tenant store 480', async () => {
  await withRig(async (rig) => {
    const sender = ann(rig);
    assert.equal((await sender.send('101', 'x'.repeat(101))).status, 513);
    assert.equal((await sender.send('101', '')).status, 400);
    assert.equal((await sender.send('101', 'one')).status, 202);
    assert.equal((await sender.send('101', 'two')).status, 480, 'the tenant holds its cap of waiting messages');
    assert.equal((await waiting(rig, 1, 12)).length, 1);
    const globex = new MessagePhone(rig, '100-GLOBEX', 'globex-100-pw', '192.0.2.31', 5072);
    assert.equal((await globex.send('100', 'own cap')).status, 202, "another tenant's cap is its own");
    const limited = await sender.send('101', 'over the rate');
    assert.equal(limited.status, 503);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    rig.clock.advance(10_000);
    assert.equal((await sender.send('101', 'later')).status, 480, 'the bucket refilled; the store is still full');
  }, { maxBodyBytes: 100, maxStoredPerTenant: 1, burst: 2, ratePerSecond: 1 });
});

test('expired messages are not delivered and the purge drops them', async () => {
  await withRig(async (rig) => {
    const sender = ann(rig);
    assert.equal((await sender.send('101', 'stale soon')).status, 202);
    rig.clock.advance(3_600_000 + 1_000);
    const phone = await online(rig, '101-ACME', 'acme-101-pw', '192.0.2.21', 5064);
    assert.deepEqual(await phone.take(200), [], 'expired: not sent');
    assert.equal(await rig.messages.messages.purge('2026-12-05 14:00:00'), 0, 'the hourly purge already dropped it');
  }, { expirySeconds: 3600 });
});
