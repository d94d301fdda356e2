// OPTIONS qualify over a real SipStack on FakeTransport and FakeClock: the RTT of an answering phone, a silent
// phone marked UNREACHABLE (and back), periodic rounds, this node's bindings only, no resurrection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../shared/index.ts';
import type { SipRequest } from '../../sip/index.ts';
import type { Binding } from './ports.ts';
import { Qualifier, qualifyStatus } from './qualify.ts';
import { FakePhone, answerText, settle, startRig, type Rig } from './registrar-rig.test-support.ts';

const ACME_100 = { username: '100-ACME', password: 'acme-100-pw' };

async function registered(options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<{ rig: Rig; qualifier: Qualifier; phone: FakePhone }> {
  const rig = await startRig();
  const phone = new FakePhone(rig, ACME_100);
  assert.equal((await phone.register()).status, 200);
  rig.fake.clear();
  const qualifier = new Qualifier({ stack: rig.stack, store: rig.store, clock: rig.clock, logger: silentLogger }, { nodeName: 'node-a', timeoutMs: options.timeoutMs ?? 2000, intervalMs: options.intervalMs ?? 30_000 });
  return { rig, qualifier, phone };
}

/** The OPTIONS requests the stack sent so far. */
const optionsSent = (rig: Rig): SipRequest[] => rig.sent().filter((m): m is SipRequest => m.type === 'request' && m.method === 'OPTIONS');

const stored = async (rig: Rig): Promise<Binding> => (await rig.store.list())[0] ?? assert.fail('no binding');

test('an answering phone: OPTIONS to its source address, RTT from the clock, status OK (12 ms)', async () => {
  const { rig, qualifier, phone } = await registered();
  assert.equal(qualifyStatus(await stored(rig)), 'UNKNOWN');
  const round = qualifier.qualifyAll();
  await settle();
  const [options] = optionsSent(rig);
  assert.ok(options);
  assert.equal(options.uri, 'sip:100-ACME@192.0.2.20:5062', 'the Request-URI is the Contact');
  assert.deepEqual(rig.fake.sent[0]?.destination, phone.source, 'sent where the REGISTER came from');
  rig.clock.advance(12);
  rig.fake.inject(answerText(options, 200, 'OK'), phone.source);
  const [result] = await round;
  assert.deepEqual({ reachable: result?.reachable, rttMs: result?.rttMs }, { reachable: true, rttMs: 12 });
  const binding = await stored(rig);
  assert.equal(binding.lastRttMs, 12);
  assert.equal(qualifyStatus(binding), 'OK (12 ms)');
  assert.equal(qualifier.status(binding), 'OK (12 ms)');
  await rig.close();
});

test('a silent phone is UNREACHABLE after the timeout; an answer later makes it reachable again', async () => {
  const { rig, qualifier, phone } = await registered({ timeoutMs: 2000 });
  const changes: Array<[boolean, boolean]> = [];
  qualifier.addListener({ reachabilityChanged: (now, before) => changes.push([before.reachable, now.reachable]) });
  const silent = qualifier.qualifyAll();
  await settle();
  rig.clock.advance(2000);
  const [result] = await silent;
  assert.equal(result?.reachable, false);
  assert.equal(qualifyStatus(await stored(rig)), 'UNREACHABLE');

  rig.fake.clear();
  const answered = qualifier.qualifyAll();
  await settle();
  rig.clock.advance(40);
  const [options] = optionsSent(rig);
  assert.ok(options);
  rig.fake.inject(answerText(options, 404, 'Not Here'), phone.source);
  await answered;
  assert.equal(qualifyStatus(await stored(rig)), 'OK (40 ms)', 'any response shows the phone is there');
  assert.deepEqual(changes, [[true, false], [false, true]]);
  await rig.close();
});

test('a send that fails at once marks the phone unreachable', async () => {
  const { rig, qualifier } = await registered();
  rig.fake.failSends = true;
  const [result] = await qualifier.qualifyAll();
  assert.equal(result?.reachable, false);
  assert.equal(qualifyStatus(await stored(rig)), 'UNREACHABLE');
  await rig.close();
});

test('rounds run on the clock; only this node is qualified; a removed binding is not brought back', async () => {
  const { rig, qualifier } = await registered({ intervalMs: 30_000 });
  const other = { ...(await stored(rig)), contactUri: 'sip:100@192.0.2.99', node: 'node-b' };
  await rig.store.put(other);
  qualifier.start();
  rig.clock.advance(30_000);
  await settle();
  assert.deepEqual(optionsSent(rig).map((o) => o.uri), ['sip:100-ACME@192.0.2.20:5062'], "node-b's phone is node-b's to qualify");

  await rig.registrar.unregister(1, 11);
  rig.clock.advance(2000);
  await settle();
  assert.deepEqual(await rig.store.list(), [], 'the late result did not re-add the binding');
  qualifier.stop();
  await rig.close();
});

test('one OPTIONS per binding at a time: a second ask while one is pending joins it', async () => {
  const { rig, qualifier } = await registered();
  const binding = await stored(rig);
  const first = qualifier.qualify(binding);
  assert.equal(qualifier.qualify(binding), first);
  await settle();
  assert.equal(optionsSent(rig).length, 1);
  rig.clock.advance(2000);
  await first;
  await rig.close();
});

test('a round keeps at most maxInFlight OPTIONS on the wire; the rest follow as answers or timeouts free room', async () => {
  const rig = await startRig();
  const phones = [
    new FakePhone(rig, ACME_100),
    new FakePhone(rig, { username: '101-ACME', password: 'acme-101-pw', source: { protocol: 'udp', address: '192.0.2.21', port: 5062 } }),
    new FakePhone(rig, { username: '100-GLOBEX', password: 'globex-100-pw', source: { protocol: 'udp', address: '192.0.2.22', port: 5062 } }),
  ];
  for (const phone of phones) assert.equal((await phone.register()).status, 200);
  rig.fake.clear();
  const qualifier = new Qualifier({ stack: rig.stack, store: rig.store, clock: rig.clock, logger: silentLogger }, { nodeName: 'node-a', timeoutMs: 2000, maxInFlight: 2 });
  // Retransmissions (Timer E) repeat a request; distinct Call-IDs count the probes.
  const probes = () => new Set(optionsSent(rig).map((m) => m.headers.get('call-id'))).size;
  const round = qualifier.qualifyAll();
  await settle();
  assert.equal(probes(), 2, 'two in flight, the third waits');
  rig.clock.advance(2000);
  await settle(10);
  assert.equal(probes(), 3, 'a timeout made room for the third');
  rig.clock.advance(2000);
  const results = await round;
  assert.equal(results.length, 3);
  assert.ok(results.every((r) => r.reachable === false));
  await rig.close();
});
