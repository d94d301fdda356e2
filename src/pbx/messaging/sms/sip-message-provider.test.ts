// The SIP MESSAGE SMS driver against a carrier on real loopback sockets (UDP and TCP): the request's Request-URI,
// From, To and body, a 401 answered with digest on a new CSeq of the same Call-ID, refusals and a silent carrier as
// errors, long texts split over UDP, and the provider rows smsDriverFor refuses.
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import { silentLogger, systemClock } from '../../../shared/index.ts';
import { SipStack, parseCSeq, parseNameAddr, type SipRequest } from '../../../sip/index.ts';
import { smsDriverFor, type SmsDriverOptions } from './driver-for-provider.ts';
import { TestSipCarrier } from './sip-message-provider-carrier.test-support.ts';
import type { SmsDriver } from './sms-driver.ts';

const carrier = new TestSipCarrier();
let stack: SipStack;
let ports = { udpPort: 0, tcpPort: 0 };

before(async () => {
  ports = await carrier.listen();
  stack = await SipStack.start({ udp: { host: '127.0.0.1', port: 0 }, tcp: { host: '127.0.0.1', port: 0 }, clock: systemClock, logger: silentLogger, allow: ['OPTIONS'], userAgent: 'callgrid-test' }, { onRequest: () => undefined });
});
after(async () => {
  await stack.close();
  await carrier.close();
});
beforeEach(() => {
  carrier.received.length = 0;
  carrier.handler = () => ({ status: 202, reason: 'Accepted' });
});

// The carrier is named, as operators write it; the injected resolver stands for DNS (the real one is tested in trunks).
const resolveHost = async (host: string) => (host === 'sms.carrier.example' ? '127.0.0.1' : isIP(host) !== 0 ? host : undefined);
const row = (fields: Record<string, unknown>) => ({ pr_id: 7, pr_tech: 'SMS', pr_smsprotocol: 'SIP', ...fields });
function driver(fields: Record<string, unknown>, options: SmsDriverOptions = {}): SmsDriver {
  const made = smsDriverFor(row(fields), { sip: stack, resolveHost, ...options });
  assert.ok(made.ok, made.ok ? '' : made.error.message);
  return made.value;
}
const requests = (): SipRequest[] => carrier.received.map((r) => r.request);
const sms = { from: '+41440000100', to: '+41791234567', text: 'Grüezi — 2 € 👍' };

test('a 401 is answered with digest on a new CSeq of the same Call-ID; the 202 makes it sent, no provider id', async () => {
  carrier.handler = TestSipCarrier.digest('carrier', 'pbx-acct', 's3cret', { status: 202, reason: 'Accepted' });
  const send = driver({ pr_smsurl: `sip:sms.carrier.example:${ports.udpPort}`, pr_smsuser: 'pbx-acct', pr_smspassword: 's3cret' });
  assert.deepEqual(await send.send(sms), { ok: true, providerIds: [] });
  const [first, second] = requests();
  assert.equal(requests().length, 2);
  assert.ok(first !== undefined && second !== undefined);
  for (const request of [first, second]) {
    assert.equal(request.method, 'MESSAGE');
    assert.equal(request.uri, `sip:+41791234567@sms.carrier.example:${ports.udpPort}`);
    assert.equal(parseNameAddr(request.headers.get('to') ?? '').ok && request.headers.get('to'), '<sip:+41791234567@sms.carrier.example>');
    assert.match(request.headers.get('from') ?? '', /^<sip:\+41440000100@sms\.carrier\.example>;tag=\S+$/);
    assert.equal(request.headers.get('content-type'), 'text/plain;charset=UTF-8');
    assert.deepEqual(request.body, Buffer.from(sms.text, 'utf8'), 'the body is the text in UTF-8, byte for byte');
  }
  assert.equal(first.headers.get('authorization'), undefined);
  assert.match(second.headers.get('authorization') ?? '', /^Digest .*username="pbx-acct"/);
  assert.equal(second.headers.get('call-id'), first.headers.get('call-id'));
  assert.equal(second.headers.get('from'), first.headers.get('from'), 'same From tag');
  const cseq = (r: SipRequest) => parseCSeq(r.headers.get('cseq') ?? '');
  const [c1, c2] = [cseq(first), cseq(second)];
  assert.ok(c1.ok && c2.ok);
  assert.equal(c2.value.seq, c1.value.seq + 1);
});

test('wrong credentials: the second 401 is the answer, not another round', async () => {
  carrier.handler = TestSipCarrier.digest('carrier', 'pbx-acct', 's3cret', { status: 202, reason: 'Accepted' });
  const result = await driver({ pr_smsurl: `sip:sms.carrier.example:${ports.udpPort}`, pr_smsuser: 'pbx-acct', pr_smspassword: 'wrong' }).send(sms);
  assert.deepEqual(result, { ok: false, error: 'SIP 401 Unauthorized (credentials refused)' });
  assert.equal(requests().length, 2);
});

test('a 407 without credentials on the row says which columns to fill', async () => {
  carrier.handler = TestSipCarrier.digest('carrier', 'pbx-acct', 's3cret', { status: 202, reason: 'Accepted' }, 407);
  const result = await driver({ pr_smsurl: `sip:sms.carrier.example:${ports.udpPort}` }).send(sms);
  assert.deepEqual(result, { ok: false, error: 'SIP 407 Proxy Authentication Required (the carrier asks for credentials: set pr_smsuser and pr_smspassword)' });
});

test('a 403 is the error; the {to} placeholder and URI parameters shape the Request-URI; TCP when the URI says so', async () => {
  carrier.handler = () => ({ status: 403, reason: 'Forbidden' });
  const result = await driver({ pr_smsurl: `sip:00{to}@sms.carrier.example:${ports.tcpPort};transport=tcp;user=phone` }).send({ ...sms, to: '41791234567' });
  assert.deepEqual(result, { ok: false, error: 'SIP 403 Forbidden' });
  const [only] = carrier.received;
  assert.equal(only?.protocol, 'tcp');
  assert.equal(only?.request.uri, `sip:0041791234567@sms.carrier.example:${ports.tcpPort};transport=tcp;user=phone`);
  assert.equal(only?.request.headers.get('to'), '<sip:41791234567@sms.carrier.example>');
});

test('a carrier that never answers: the wait ends with an error', async () => {
  carrier.handler = () => undefined;
  const result = await driver({ pr_smsurl: `sip:sms.carrier.example:${ports.udpPort}` }, { timeoutMs: 300 }).send(sms);
  assert.deepEqual(result, { ok: false, error: 'the SIP carrier did not answer within 300 ms' });
  assert.equal(requests().length, 1);
});

test('a host that does not resolve, and an alphanumeric sender escaped in the From', async () => {
  assert.deepEqual(await driver({ pr_smsurl: 'sip:nowhere.example' }).send(sms), { ok: false, error: 'SIP host not found: nowhere.example' });
  assert.deepEqual(await driver({ pr_smsurl: `sip:127.0.0.1:${ports.udpPort}` }).send({ ...sms, from: 'ACME Ltd' }), { ok: true, providerIds: [] });
  assert.match(requests()[0]?.headers.get('from') ?? '', /^<sip:ACME%20Ltd@127\.0\.0\.1>;tag=/);
});

test('over UDP a long text goes as several MESSAGEs, each datagram within 1300 bytes, in order, whole once joined', async () => {
  carrier.handler = TestSipCarrier.digest('carrier', 'pbx-acct', 's3cret', { status: 202, reason: 'Accepted' });
  const text = Array.from({ length: 160 }, (_, i) => `wörd${i} 👍`).join(' ');
  assert.ok(Buffer.byteLength(text) > 2000);
  const result = await driver({ pr_smsurl: `sip:sms.carrier.example:${ports.udpPort}`, pr_smsuser: 'pbx-acct', pr_smspassword: 's3cret' }).send({ ...sms, text });
  assert.deepEqual(result, { ok: true, providerIds: [] });
  const taken = carrier.received.filter((r) => r.request.headers.get('authorization') !== undefined);
  assert.ok(taken.length >= 2, `${taken.length} MESSAGEs`);
  for (const r of carrier.received) assert.ok(r.size <= 1300, `a datagram of ${r.size} bytes`);
  assert.equal(taken.map((r) => r.request.body.toString('utf8')).join(''), text);
  assert.equal(new Set(taken.map((r) => r.request.headers.get('call-id'))).size, taken.length, 'each piece is its own MESSAGE');
});

test('the same long text over TCP is one MESSAGE; a refused piece names its place', async () => {
  const text = 'x'.repeat(3000);
  assert.deepEqual(await driver({ pr_smsurl: `sip:sms.carrier.example:${ports.tcpPort};transport=tcp` }).send({ ...sms, text }), { ok: true, providerIds: [] });
  assert.equal(requests().length, 1);
  assert.equal(requests()[0]?.body.length, 3000);
  carrier.received.length = 0;
  let count = 0;
  carrier.handler = () => (++count === 2 ? { status: 480, reason: 'Temporarily Unavailable' } : { status: 202, reason: 'Accepted' });
  const result = await driver({ pr_smsurl: `sip:sms.carrier.example:${ports.udpPort}` }).send({ ...sms, text });
  assert.match(result.ok ? '' : result.error, /^SIP 480 Temporarily Unavailable \(MESSAGE 2 of [3-9]; the ones before it were taken\)$/);
  assert.equal(requests().length, 2, 'nothing is sent after the refused piece');
  assert.deepEqual(await driver({ pr_smsurl: `sip:sms.carrier.example:${ports.udpPort}` }).send({ ...sms, text: 'y'.repeat(9000) }), { ok: false, error: 'the text takes 9000 bytes, over the 8192-byte limit of a SIP MESSAGE provider' });
});

test('smsDriverFor: SIP, SIP-MESSAGE and MESSAGE in any case; bad pr_smsurl is invalid and names it; no SIP is not implemented', () => {
  for (const protocol of ['SIP', 'sip-message', 'Message']) assert.ok(smsDriverFor(row({ pr_smsprotocol: protocol, pr_smsurl: 'sip:sms.carrier.example' }), { sip: stack }).ok, protocol);
  const refusal = (fields: Record<string, unknown>, options: SmsDriverOptions = { sip: stack }) => {
    const made = smsDriverFor(row(fields), options);
    return made.ok ? undefined : made.error;
  };
  for (const url of ['', 'http://sms.carrier.example/', 'sip:', 'sip:host:99999', 'sip:user:pw@host', 'sip:fixed@host', 'sip:{to}@host;transport=sctp', 'sip:{to}@{from}.example', 'sip:host;transport=ws']) {
    const error = refusal({ pr_smsurl: url });
    assert.equal(error?.kind, 'invalid', url);
    assert.match(error?.message ?? '', /pr_smsurl/, url);
  }
  assert.deepEqual(refusal({ pr_smsurl: 'sip:sms.carrier.example' }, {}), { kind: 'not-implemented', message: 'Not implemented: SIP MESSAGE provider 7 on a node without SIP running' });
  // The row is judged first, so an operator sees a typo even where SIP does not run.
  assert.equal(refusal({ pr_smsurl: 'sip:fixed@host' }, {})?.kind, 'invalid');
  assert.equal(refusal({ pr_smsprotocol: 'XMPP', pr_smsurl: 'x' })?.kind, 'not-implemented');
});
