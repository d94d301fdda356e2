// The SMPP driver and session registry against the test SMSC (its own PDU coding, not the `smpp` library) on
// loopback: GSM 7-bit and UCS-2 by content, TON/NPI, long messages by UDH and by SAR, throttling, reconnect,
// keep-alive, receipts with ids in the other base, inbound SMS joined from parts, rows that cannot send.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PbxError } from '../../../shared/index.ts';
import { smsDriverFor } from './driver-for-provider.ts';
import { normalizeMessageId, receiptIdCandidates, type SmppReceipt } from './smpp-receipt.ts';
import { SmppSessions } from './smpp-sessions.ts';
import { TestSmsc } from './test-smsc.test-support.ts';

const smsc = new TestSmsc({ systemId: 'acme', password: 'pw' });
let port = 0;
const receipts: SmppReceipt[] = [];
const inbound: Array<{ providerId: number; from: string; to: string; text: string }> = [];
let refuseInbound: 'no' | 'crash' | 'no-did' = 'no';
const sessions = new SmppSessions();
sessions.onReceipt = async (_providerId, receipt) => void receipts.push(receipt);
sessions.onInbound = async (providerId, sms) => {
  if (refuseInbound === 'crash') throw new Error('store down');
  if (refuseInbound === 'no-did') throw new PbxError('not_found', 'No DID 41440000100');
  inbound.push({ providerId, ...sms });
};

before(async () => (port = await smsc.listen()));
after(async () => {
  await sessions.close();
  await smsc.close();
});

let nextId = 100;
const row = (query = '', fields: Record<string, string | number> = {}) => ({ pr_id: nextId++, pr_tech: 'SMS', pr_smsprotocol: 'SMPP', pr_smsurl: `smpp://127.0.0.1:${port}${query}`, pr_smsuser: 'acme', pr_smspassword: 'pw', ...fields });
const driver = (fields: Record<string, string | number>) => {
  const made = smsDriverFor(fields, { smpp: sessions });
  assert.ok(made.ok, made.ok ? '' : made.error.message);
  return made.value;
};
async function until(what: string, probe: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !probe(); await sleep(10)) if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
}

test('GSM 7-bit with extension characters as ESC pairs, TON/NPI by content, ids from submit_sm_resp', async () => {
  const before = smsc.parts.length;
  const result = await driver(row()).send({ from: '+41440000100', to: '+41791234567', text: 'Hi @ 10€ [ok]' });
  const part = smsc.parts[before];
  assert.deepEqual(result, { ok: true, providerIds: [part?.messageId] });
  assert.equal(part?.dataCoding, 0);
  assert.deepEqual([...(part?.body ?? [])], [0x48, 0x69, 0x20, 0x00, 0x20, 0x31, 0x30, 0x1b, 0x65, 0x20, 0x1b, 0x3c, 0x6f, 0x6b, 0x1b, 0x3e]);
  assert.deepEqual([part?.sourceTon, part?.sourceNpi, part?.source, part?.destTon, part?.destNpi, part?.dest], [1, 1, '41440000100', 1, 1, '41791234567']);
  assert.deepEqual([part?.esmClass, part?.registeredDelivery, part?.systemId], [0, 1, 'acme']);
  await driver(row('?source_ton=2&dest_npi=9&registered_delivery=0')).send({ from: 'Callgrid', to: '0791234567', text: 'x' });
  const other = smsc.parts.at(-1);
  assert.deepEqual([other?.sourceTon, other?.sourceNpi, other?.source, other?.destTon, other?.destNpi, other?.dest, other?.registeredDelivery], [2, 0, 'Callgrid', 0, 9, '0791234567', 0]);
  const alpha = await driver(row()).send({ from: 'Callgrid', to: '0791234567', text: 'y' });
  assert.ok(alpha.ok);
  assert.deepEqual([smsc.parts.at(-1)?.sourceTon, smsc.parts.at(-1)?.sourceNpi], [5, 0]);
});

test('UCS-2 when a character is outside GSM 7-bit (surrogate pairs whole)', async () => {
  const text = 'Grüße 你好 😀 ok';
  const result = await driver(row()).send({ from: '100', to: '+41791234567', text });
  assert.ok(result.ok);
  const part = smsc.parts.at(-1);
  assert.equal(part?.dataCoding, 8);
  assert.equal(part?.text, text);
  assert.equal(part?.body.length, text.length * 2);
});

test('a long GSM text in 3 parts with a UDH; an extension character is never cut in two', async () => {
  const before = smsc.parts.length;
  const text = `${'a'.repeat(152)}€${'b'.repeat(150)}${'c'.repeat(40)}`;
  const result = await driver(row()).send({ from: '100', to: '+41791234567', text });
  const parts = smsc.parts.slice(before);
  assert.equal(parts.length, 3);
  assert.deepEqual(result, { ok: true, providerIds: parts.map((p) => p.messageId) });
  const ref = parts[0]?.udh[3];
  parts.forEach((p, i) => {
    assert.equal(p.esmClass & 0x40, 0x40);
    assert.deepEqual([...p.udh], [0x05, 0x00, 0x03, ref, 3, i + 1]);
    assert.ok(p.body.length <= 153);
  });
  assert.equal(parts[0]?.body.length, 152, 'the € (ESC + 0x65) went whole to part 2');
  assert.equal(parts.map((p) => p.text).join(''), text);
});

test('a long UCS-2 text in 3 parts with SAR TLVs (concat=sar), no UDH', async () => {
  const before = smsc.parts.length;
  const text = 'ж'.repeat(67 * 2 + 10);
  assert.ok((await driver(row('?concat=sar')).send({ from: '100', to: '+41791234567', text })).ok);
  const parts = smsc.parts.slice(before);
  assert.deepEqual(parts.map((p) => [p.esmClass, p.udh.length, p.dataCoding, p.sar?.total, p.sar?.seq]), [[0, 0, 8, 3, 1], [0, 0, 8, 3, 2], [0, 0, 8, 3, 3]]);
  assert.equal(new Set(parts.map((p) => p.sar?.ref)).size, 1);
  assert.equal(parts.map((p) => p.text).join(''), text);
});

test('ESME_RTHROTTLED: backs off and retries until taken; gives up after throttle_retries', async () => {
  smsc.options.throttleFirst = 3;
  const before = smsc.parts.length;
  const result = await driver(row('?throttle_ms=20')).send({ from: '100', to: '+41791234567', text: 'slow down' });
  assert.ok(result.ok, result.ok ? '' : result.error);
  assert.equal(smsc.options.throttleFirst, 0, 'the three throttled submits were retried');
  assert.equal(smsc.parts.length, before + 1);
  smsc.options.throttleFirst = 5;
  const refused = await driver(row('?throttle_ms=5&throttle_retries=2')).send({ from: '100', to: '+41791234567', text: 'x' });
  assert.deepEqual(refused, { ok: false, error: `SMSC 127.0.0.1:${port} kept answering ESME_RTHROTTLED (0x00000058) (3 times)` });
  smsc.options.throttleFirst = 0;
});

test('delivery receipts: the hex id of submit_sm_resp matched by the decimal id of the receipt (text and TLV)', async () => {
  receipts.length = 0;
  const sent = await driver(row()).send({ from: '100', to: '+41791234567', text: 'receipt please' });
  assert.ok(sent.ok);
  await until('a receipt', () => receipts.length === 1);
  const [receipt] = receipts;
  const id = sent.providerIds[0] ?? '';
  assert.match(id, /^[0-9A-F]{8}$/);
  assert.match(receipt?.messageId ?? '', /^[0-9]+$/);
  assert.deepEqual([receipt?.stat, receipt?.outcome, receipt?.error], ['DELIVRD', 'delivered', '000']);
  assert.ok(receiptIdCandidates(receipt?.messageId ?? '').includes(normalizeMessageId(id)));
  const tlvSmsc = new TestSmsc({ idFormat: 'decimal', receiptTlv: true, stat: () => 'UNDELIV' });
  const tlvPort = await tlvSmsc.listen();
  try {
    const other = await driver(row('', { pr_smsurl: `smpp://127.0.0.1:${tlvPort}` })).send({ from: '100', to: '+41791234567', text: 'x' });
    assert.ok(other.ok);
    await until('a second receipt', () => receipts.length === 2);
    assert.deepEqual([receipts[1]?.stat, receipts[1]?.outcome, receipts[1]?.error], ['UNDELIV', 'undelivered', '001']);
    assert.ok(receiptIdCandidates(receipts[1]?.messageId ?? '').includes(normalizeMessageId(other.providerIds[0] ?? '')), 'decimal sent, hex received');
  } finally {
    await tlvSmsc.close();
  }
});

test('inbound deliver_sm: single, joined from UDH or SAR parts; refusals answered temporary or permanent', async () => {
  const provider = row();
  driver(provider);
  await until('a bound session', () => sessions.states().some((s) => s.providerId === provider.pr_id && s.state === 'bound'));
  inbound.length = 0;
  assert.equal(await smsc.deliver('41791234567', '41440000100', Buffer.from('Hello PBX', 'latin1')), 0);
  const ucs2 = (s: string) => Buffer.from(s, 'utf16le').swap16();
  const udh = (seq: number) => Buffer.from([0x05, 0x00, 0x03, 0x2a, 2, seq]);
  assert.equal(await smsc.deliver('41791234567', '41440000100', Buffer.concat([udh(2), ucs2(' 你好')]), { esmClass: 0x40, dataCoding: 8 }), 0);
  assert.equal(await smsc.deliver('41791234567', '41440000100', Buffer.concat([udh(1), ucs2('Grüße')]), { esmClass: 0x40, dataCoding: 8 }), 0);
  assert.deepEqual(inbound, [
    { providerId: provider.pr_id, from: '41791234567', to: '41440000100', text: 'Hello PBX' },
    { providerId: provider.pr_id, from: '41791234567', to: '41440000100', text: 'Grüße 你好' },
  ]);
  const sar = (seq: number): Array<[number, Buffer]> => [[0x020c, Buffer.from([0x01, 0x02])], [0x020e, Buffer.from([2])], [0x020f, Buffer.from([seq])]];
  assert.equal(await smsc.deliver('41791234567', '41440000100', Buffer.from('by SAR', 'latin1'), { tlvs: sar(2) }), 0);
  assert.equal(await smsc.deliver('41791234567', '41440000100', Buffer.from('Joined ', 'latin1'), { tlvs: sar(1) }), 0);
  assert.equal(inbound.at(-1)?.text, 'Joined by SAR');
  refuseInbound = 'crash';
  assert.equal(await smsc.deliver('41791234567', '41440000100', Buffer.from('again', 'latin1')), 0x64, 'temporary: retry later');
  refuseInbound = 'no-did';
  assert.equal(await smsc.deliver('41791234567', '41440000100', Buffer.from('again', 'latin1')), 0x0b, 'ESME_RINVDSTADR: do not retry');
  refuseInbound = 'no';
});

test('reconnects after the SMSC drops the connection; enquire_link keeps the session alive', async () => {
  const provider = row('?reconnect_ms=20&enquire_link_s=1');
  assert.ok((await driver(provider).send({ from: '100', to: '+41791234567', text: 'one' })).ok);
  const binds = smsc.binds;
  smsc.drop();
  const again = await driver(provider).send({ from: '100', to: '+41791234567', text: 'two' });
  assert.ok(again.ok, again.ok ? '' : again.error);
  assert.ok(smsc.binds > binds, 'bound again');
  const links = smsc.enquireLinks;
  await until('an enquire_link', () => smsc.enquireLinks > links, 3000);
});

test('rows that cannot send are refused with the reason; a wrong password or a closed port fails the send', async () => {
  const refusal = (fields: Record<string, string | number>) => {
    const made = smsDriverFor({ ...row(), ...fields }, { smpp: sessions });
    return made.ok ? 'ok' : made.error.message;
  };
  assert.match(refusal({ pr_smsurl: '' }), /has no pr_smsurl: give the SMSC as smpp:\/\/host:port/);
  assert.match(refusal({ pr_smsurl: 'smpp://:2775' }), /is not smpp:\/\/host:port|has no host/);
  assert.match(refusal({ pr_smsurl: 'smpp://127.0.0.1:99999' }), /a port must be 1-65535/);
  assert.match(refusal({ pr_smsurl: 'smpp://127.0.0.1:0' }), /port '0' must be 1-65535/);
  assert.match(refusal({ pr_smsurl: 'http://127.0.0.1:2775' }), /must start with smpp:\/\//);
  assert.match(refusal({ pr_smsurl: `smpp://127.0.0.1:${port}?speed=9` }), /unknown parameter 'speed'/);
  assert.match(refusal({ pr_smsurl: `smpp://127.0.0.1:${port}?tps=fast` }), /tps=fast must be a whole number/);
  assert.match(refusal({ pr_smsurl: `smpp://127.0.0.1:${port}?concat=both` }), /concat=both must be udh or sar/);
  assert.match(refusal({ pr_smsuser: '' }), /no pr_smsuser/);
  assert.match(refusal({ pr_smspassword: 'x'.repeat(65) }), /pr_smspassword is over 64 characters/);
  const noRegistry = smsDriverFor(row());
  assert.equal(noRegistry.ok ? '' : noRegistry.error.kind, 'not-implemented');
  const wrong = await driver(row('?bind_wait_ms=300&reconnect_ms=1000', { pr_smspassword: 'nope' })).send({ from: '100', to: '+1', text: 'x' });
  assert.deepEqual(wrong, { ok: false, error: `SMSC 127.0.0.1:${port} not bound within 300 ms: bind_transceiver refused: ESME_RINVPASWD (0x0000000e)` });
  const closed = await driver(row('?bind_wait_ms=300', { pr_smsurl: 'smpp://127.0.0.1:1?bind_wait_ms=300' })).send({ from: '100', to: '+1', text: 'x' });
  assert.deepEqual(closed, { ok: false, error: 'SMSC 127.0.0.1:1 not bound within 300 ms: connection error: ECONNREFUSED' });
});
