// Calls to and from a carrier (issue: calls): SIPp plays the provider. A baresip phone dials an external number,
// the routing profile's route rewrites it and sends it to the provider, which challenges the INVITE (407) and
// answers with RTP echo, so the phone hears its own tone back through the relay. The carrier calls a DID, which
// rings the extension its destination slot names.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertTone, skipWithoutSox, writeToneWav } from '../support/audio.ts';
import { skipWithoutBaresip, startBaresip, type BaresipPhone } from '../support/baresip.ts';
import { createTestNetwork, skipWithoutNetns, type TestNetwork } from '../support/netns.ts';
import { runSipp, skipWithoutSipp } from '../support/sipp.ts';
import { startPbxServer } from './pbx-server.ts';
import { api, eventually, freePort, stopAll, tempDir } from './process.ts';
import { CARRIER_UAC, carrierListener, carrierMemberConfirming, carrierUacSendingInfo, carrierUas, carrierUasExpectingInfo } from './carrier-scenarios.ts';
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';

/** G.711 mu-law to linear, -1..1 (ITU-T G.711). */
function ulaw(byte: number): number {
  const u = ~byte & 0xff;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4)) - 0x84;
  return (u & 0x80 ? -magnitude : magnitude) / 32768;
}

/** The share of the signal's energy at `hz` (Goertzel over the whole of it, at 8 kHz). */
function toneRatio(samples: Float64Array, hz: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * hz) / 8000);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (const x of samples) {
    const s0 = x + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += x * x;
  }
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return energy === 0 ? 0 : (2 * power) / (samples.length * energy);
}

const SKIP = skipWithoutNetns('carrier e2e') || skipWithoutBaresip('carrier e2e') || skipWithoutSox('carrier e2e') || skipWithoutSipp('carrier e2e');
const TONE = 700;
const DID = '41441234500';

describe('calls to and from a carrier played by SIPp', { skip: SKIP }, () => {
  const data = tempDir('callgrid-carriers-');
  let net: TestNetwork;
  let base = '';
  let sipPort = 0;
  let carrierPort = 0;
  /** The carrier's second gateway, which the provider lists in `match` (pr_match). */
  let gatewayPort = 0;
  let key = '';
  let adminKey = '';
  let providerId = '';
  let didId = '';
  let phone: BaresipPhone | undefined;

  const call = async (params: Record<string, string>, apiKey = key) => {
    const answer = await api(base, {}, { method: 'POST', body: new URLSearchParams({ key: apiKey, ...params }) });
    assert.equal(answer.headers.get('x-callgrid-error'), null, `${params.reqtype} ${params.object ?? ''}: ${answer.text}`);
    return answer.text;
  };
  const add = async (object: string, fields: Record<string, unknown>, apiKey = key, tenant: string | null = 'ACME') =>
    JSON.parse(await call({ reqtype: 'MANAGEDB', object, action: 'add', jsondata: JSON.stringify(fields), ...(tenant ? { tenant } : {}) }, apiKey)) as Record<string, string>;
  const cdrs = async () => JSON.parse(await call({ tenant: 'ACME', reqtype: 'INFO', info: 'cdrs', format: 'json' })) as Array<Record<string, string>>;

  before(async () => {
    carrierPort = await freePort();
    gatewayPort = await freePort();
    net = await createTestNetwork('carriers');
    const server = await startPbxServer({ dataDir: data.path, mediaAddress: net.hostAddress });
    ({ base, sipPort } = server);
    const admin = server.adminKey;
    adminKey = admin;
    // A carrier is recognised by its host's address and port, or by a source it lists in `match`: SIPp calls in from
    // carrierPort, and from gatewayPort when a second call runs at the same time.
    const provider = await add('provider', { pr_name: 'SIPp Carrier', pr_tech: 'SIP', host: `127.0.0.1:${carrierPort}`, match: `127.0.0.1:${gatewayPort}`, username: 'trunkuser', password: 'trunk-secret', pr_sendrpid: 'pai' }, admin, null);
    providerId = String(provider.pr_id);
    const profile = await add('routingprofile', { rp_name: 'Via SIPp', rp_type: 'VOICE' }, admin, null);
    // National numbers (0...) go out in international form: the leading 0 replaced by +41.
    await add('route', { dl_name: 'National', dl_regex: '^0[1-9][0-9]+$', dl_rp_id: profile.rp_id, dl_pr_id: provider.pr_id, dl_deletedigits: 1, dl_adddigits: '+41' }, admin, null);
    key = (JSON.parse(await call({ reqtype: 'MANAGEDB', object: 'tenant', action: 'add', jsondata: JSON.stringify({ te_code: 'ACME', te_name: 'ACME', te_rp_id: profile.rp_id }) }, admin)) as { apikey: string }).apikey;
    const extension = await add('extension', { ex_number: '100', ex_name: 'ACME 100', secret: 'secret-100' });
    const did = await add('did', { di_number: DID });
    didId = String(did.di_id);
    await call({ tenant: 'ACME', reqtype: 'MANAGEDB', object: 'destination', action: 'replace', typesrc: 'DID', typeidsrc: String(did.di_id), jsondata: JSON.stringify([`EXT-${extension.ex_id}`]) });

    const audioFile = join(data.path, 'phone.wav');
    writeToneWav(audioFile, { frequencyHz: TONE, seconds: 60, padSeconds: 60 });
    phone = await startBaresip({
      net,
      name: 'carrier-phone',
      sipPort: 5090,
      audioFile,
      recordDir: join(data.path, 'rec'),
      account: { username: '100-ACME', password: 'secret-100', domain: net.hostAddress, port: sipPort, transport: 'udp', regint: 600 },
    });
    await phone.waitForRegistration();
    writeFileSync(join(data.path, 'carrier-uas.xml'), carrierUas());
    // PCMA alone (8), perhaps with telephone-event: the provider's allow list narrowed the phone's offer.
    writeFileSync(join(data.path, 'carrier-uas-cid.xml'), carrierUas('\\+41445550100', '8( [0-9]+)?[[:cntrl:]]'));
    writeFileSync(join(data.path, 'carrier-uac.xml'), CARRIER_UAC);
  });

  after(async () => {
    await phone?.stop();
    await stopAll();
    await net?.destroy();
    if (!process.env.KEEP_DATA) data.remove();
  });

  const heard = async (frequencyHz: number) => {
    const check = () => assertTone(phone?.lastRecording()?.heard ?? '', frequencyHz, { minSeconds: 1 });
    await eventually(async () => { try { check(); return true; } catch { return false; } }, 3_000, `heard ${frequencyHz} Hz`).catch(() => undefined);
    check();
  };

  test('an external number goes out through the route: rewritten, digest-authenticated, two-way audio', async () => {
    const carrier = runSipp(['-sf', 'carrier-uas.xml', '-i', '127.0.0.1', '-p', String(carrierPort), '-mi', '127.0.0.1', '-mp', String(await freePort()), '-rtp_echo', '-m', '1', '-timeout', '30s', '-trace_err', '-trace_msg', '-nostdin'], data.path, 40_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await phone?.call(`sip:0441234567@${net.hostAddress}:${sipPort}`, { timeoutMs: 15_000 });
    const channels = JSON.parse(await call({ tenant: 'ACME', reqtype: 'CHANNELS', format: 'json' })) as Array<Record<string, string>>;
    assert.equal(channels.length, 2, JSON.stringify(channels));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await phone?.hangup();
    const result = await carrier;
    assert.equal(result.code, 0, `the carrier saw +41441234567, digest credentials for trunkuser and the caller in P-Asserted-Identity: ${result.output.slice(-2000)}`);
    await heard(TONE);
    await eventually(async () => (await cdrs()).some((r) => r.dst === '0441234567' && r.disposition === 'ANSWERED'), 5_000, 'the outbound CDR');
    const row = (await cdrs()).find((r) => r.dst === '0441234567');
    assert.equal(row?.userfield, '[outbound]');
  });

  test('DIAL to an external number: the source answers, then the carrier is called through the route', async () => {
    await phone!.setAnswerMode('auto');
    try {
      const carrier = runSipp(['-sf', 'carrier-uas.xml', '-i', '127.0.0.1', '-p', String(carrierPort), '-mi', '127.0.0.1', '-mp', String(await freePort()), '-rtp_echo', '-m', '1', '-timeout', '30s', '-trace_err', '-nostdin'], data.path, 40_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.match(await call({ tenant: 'ACME', reqtype: 'DIAL', source: '100', dest: '0441234567', autoanswer: 'yes' }), /^Success\|Originate successfully queued\|/);
      await phone!.waitForEstablished({ timeoutMs: 10_000 });
      await eventually(async () => (JSON.parse(await call({ tenant: 'ACME', reqtype: 'CHANNELS', format: 'json' })) as unknown[]).length === 2, 10_000, 'the carrier leg is up');
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await phone!.hangup();
      const result = await carrier;
      assert.equal(result.code, 0, result.output.slice(-2000));
      await eventually(async () => (await cdrs()).some((r) => r.dst === '0441234567' && r.originateid !== '' && r.disposition === 'ANSWERED'), 5_000, 'the DIAL CDR with its originate id');
    } finally {
      await phone!.setAnswerMode('manual');
    }
  });

  test("the carrier sees the extension's trunk caller id (ex_trunkcidoverride) and only the codecs it allows (pr_allow)", async () => {
    const [row] = JSON.parse(await call({ tenant: 'ACME', reqtype: 'MANAGEDB', object: 'extension', action: 'list', format: 'json' })) as Array<Record<string, string>>;
    assert.ok(row?.ex_id);
    await call({ tenant: 'ACME', reqtype: 'MANAGEDB', object: 'extension', action: 'update', objectid: row.ex_id, jsondata: JSON.stringify({ ex_trunkcidoverride: '+41445550100' }) });
    await call({ reqtype: 'MANAGEDB', object: 'provider', action: 'update', objectid: providerId, jsondata: JSON.stringify({ allow: 'alaw:20' }) }, adminKey);
    try {
      const carrier = runSipp(['-sf', 'carrier-uas-cid.xml', '-i', '127.0.0.1', '-p', String(carrierPort), '-mi', '127.0.0.1', '-mp', String(await freePort()), '-rtp_echo', '-m', '1', '-timeout', '30s', '-trace_err', '-nostdin'], data.path, 40_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await phone?.call(`sip:0441234567@${net.hostAddress}:${sipPort}`, { timeoutMs: 15_000 });
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      await phone?.hangup();
      const result = await carrier;
      assert.equal(result.code, 0, `the carrier saw +41445550100 in P-Asserted-Identity and PCMA alone: ${result.output.slice(-2000)}`);
      await heard(TONE);
    } finally {
      await call({ reqtype: 'MANAGEDB', object: 'provider', action: 'update', objectid: providerId, jsondata: JSON.stringify({ allow: '' }) }, adminKey);
      await call({ tenant: 'ACME', reqtype: 'MANAGEDB', object: 'extension', action: 'update', objectid: row.ex_id, jsondata: JSON.stringify({ ex_trunkcidoverride: '' }) });
    }
  });

  test('a number without a route is refused with 404', async () => {
    await assert.rejects(phone!.call(`sip:555@${net.hostAddress}:${sipPort}`, { timeoutMs: 10_000 }), /404/);
    // Placed nowhere, yet in the CDRs: one FAILED row with the SIP answer (docs/compatibility.md "Refused calls").
    await eventually(async () => (await cdrs()).some((r) => r.dst === '555' && r.disposition === 'FAILED'), 5_000, 'the CDR of the refused call');
    const row = (await cdrs()).find((r) => r.dst === '555' && r.disposition === 'FAILED');
    assert.deepEqual([row?.lastapp, row?.wherelanded, row?.userfield], ['Hangup', '', '[outbound][sip:404]']);
  });

  test('a carrier that takes none of the phone\'s codecs is not sent the call: 488', async () => {
    await call({ reqtype: 'MANAGEDB', object: 'provider', action: 'update', objectid: providerId, jsondata: JSON.stringify({ allow: 'g729' }) }, adminKey);
    try {
      await assert.rejects(phone!.call(`sip:0441234567@${net.hostAddress}:${sipPort}`, { timeoutMs: 10_000 }), /488/);
    } finally {
      await call({ reqtype: 'MANAGEDB', object: 'provider', action: 'update', objectid: providerId, jsondata: JSON.stringify({ allow: '' }) }, adminKey);
    }
  });

  test("the carrier's call to a DID rings the extension of the DID's destination", async () => {
    const accepted = phone!.accept({ timeoutMs: 15_000 });
    const carrier = runSipp(['-sf', 'carrier-uac.xml', '-i', '127.0.0.1', '-p', String(carrierPort), '-mi', '127.0.0.1', '-mp', String(await freePort()), '-rtp_echo', '-s', DID, '-m', '1', '-timeout', '30s', '-trace_err', '-nostdin', `127.0.0.1:${sipPort}`], data.path, 40_000);
    await accepted;
    const result = await carrier;
    assert.equal(result.code, 0, result.output.slice(-2000));
    await phone!.waitForClosed({ timeoutMs: 10_000 });
    await eventually(async () => (await cdrs()).some((r) => r.userfield === '[inbound]' && r.disposition === 'ANSWERED'), 5_000, 'the inbound CDR');
    const row = (await cdrs()).find((r) => r.userfield === '[inbound]');
    assert.equal(row?.src, '+15551234');
  });

  test("the DID's channel limit (di_maxchannels): a second call on it gets 503", async () => {
    await call({ tenant: 'ACME', reqtype: 'MANAGEDB', object: 'did', action: 'update', objectid: didId, jsondata: JSON.stringify({ di_maxchannels: 1 }) });
    await phone!.setAnswerMode('auto');
    try {
      const first = runSipp(['-sf', 'carrier-uac.xml', '-i', '127.0.0.1', '-p', String(carrierPort), '-mi', '127.0.0.1', '-mp', String(await freePort()), '-rtp_echo', '-s', DID, '-m', '1', '-timeout', '30s', '-nostdin', `127.0.0.1:${sipPort}`], data.path, 40_000);
      await eventually(async () => (JSON.parse(await call({ tenant: 'ACME', reqtype: 'CHANNELS', format: 'json' })) as unknown[]).length === 2, 10_000, 'the first call is up');
      const second = await runSipp(['-sf', 'carrier-uac.xml', '-i', '127.0.0.1', '-p', String(gatewayPort), '-mi', '127.0.0.1', '-mp', String(await freePort()), '-s', DID, '-m', '1', '-timeout', '15s', '-nostdin', `127.0.0.1:${sipPort}`], data.path, 20_000);
      assert.notEqual(second.code, 0);
      assert.match(second.output, /503/);
      assert.equal((await first).code, 0, 'the first call went on');
    } finally {
      await phone!.setAnswerMode('manual');
      await call({ tenant: 'ACME', reqtype: 'MANAGEDB', object: 'did', action: 'update', objectid: didId, jsondata: JSON.stringify({ di_maxchannels: 0 }) });
    }
  });

  test('a DID whose slot plays a media file: the PBX answers the carrier, which hears the message before it sends anything, then BYE', async () => {
    // The prompt: 1.5 s of 1000 Hz, uploaded as the tenant's media file; a second DID plays it.
    const promptFile = join(data.path, 'prompt.wav');
    writeToneWav(promptFile, { frequencyHz: 1000, seconds: 1.5, padSeconds: 0 });
    const media = await add('mediafile', { me_name: 'Welcome' });
    const form = new FormData();
    form.set('filename', new Blob([readFileSync(promptFile)]), 'welcome.wav');
    const query = new URLSearchParams({ key, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'mediafile', action: 'updatebinary', objectid: String(media.me_id) });
    const uploaded = await fetch(`${base}/pbx/proxyapi.php?${query.toString()}`, { method: 'POST', body: form });
    assert.equal(uploaded.headers.get('x-callgrid-error'), null, await uploaded.text());
    const did = await add('did', { di_number: '41441234599' });
    await call({ tenant: 'ACME', reqtype: 'MANAGEDB', object: 'destination', action: 'replace', typesrc: 'DID', typeidsrc: String(did.di_id), jsondata: JSON.stringify([`PLAYBACK-${media.me_id}`]) });

    // The carrier's media port is a socket of this test: it counts what the PBX sends; the carrier sends nothing.
    const listener = createSocket('udp4');
    const received: Buffer[] = [];
    listener.on('message', (packet) => received.push(packet));
    await new Promise<void>((resolve) => listener.bind(0, '127.0.0.1', resolve));
    try {
      writeFileSync(join(data.path, 'carrier-listener.xml'), carrierListener(listener.address().port));
      const result = await runSipp(['-sf', 'carrier-listener.xml', '-i', '127.0.0.1', '-p', String(carrierPort), '-mi', '127.0.0.1', '-mp', String(await freePort()), '-s', '41441234599', '-m', '1', '-timeout', '20s', '-nostdin', `127.0.0.1:${sipPort}`], data.path, 25_000);
      assert.equal(result.code, 0, result.output);
    } finally {
      listener.close();
    }
    // 1.5 s of 20 ms packets of PCMU (pt 0), one stream, carrying the prompt's 1000 Hz.
    assert.ok(received.length >= 60, `${received.length} RTP packets reached the carrier`);
    assert.deepEqual([...new Set(received.map((p) => (p[1] ?? 0) & 0x7f))], [0]);
    assert.equal(new Set(received.map((p) => p.readUInt32BE(8))).size, 1, 'one SSRC');
    const pcm = Float64Array.from(Buffer.concat(received.map((p) => p.subarray(12))), ulaw);
    assert.ok(toneRatio(pcm, 1000) > 0.5, 'the prompt is what the carrier hears');
    const row = (await cdrs()).find((r) => r.firstdst === '41441234599');
    assert.deepEqual([row?.disposition, row?.lastapp, row?.wherelanded], ['ANSWERED', 'Playback', `PLAYBACK:${media.me_id}`], JSON.stringify(row));
  });

  test('a DID whose slot is a condition (weekday, any day): the call takes the CONDITION branch, not NOTCONDITION', async () => {
    const media = ((await cdrs()).find((r) => (r.wherelanded ?? '').startsWith('PLAYBACK:'))?.wherelanded ?? '').slice('PLAYBACK:'.length);
    assert.notEqual(media, '', 'the media file of the PLAYBACK test');
    const condition = await add('condition', { co_name: 'Every day', co_type: 'WEEKDAY', co_param1: '*', co_timezone: 'Europe/Rome' });
    const did = await add('did', { di_number: '41441234598' });
    const slot = (typesrc: string, typeidsrc: string, targets: string[]) => call({ tenant: 'ACME', reqtype: 'MANAGEDB', object: 'destination', action: 'replace', typesrc, typeidsrc, jsondata: JSON.stringify(targets) });
    await slot('DID', String(did.di_id), [`CONDITION-${condition.co_id}`]);
    await slot('CONDITION', String(condition.co_id), [`PLAYBACK-${media}`]);
    const listener = createSocket('udp4');
    await new Promise<void>((resolve) => listener.bind(0, '127.0.0.1', resolve));
    try {
      writeFileSync(join(data.path, 'carrier-listener-condition.xml'), carrierListener(listener.address().port));
      const result = await runSipp(['-sf', 'carrier-listener-condition.xml', '-i', '127.0.0.1', '-p', String(carrierPort), '-mi', '127.0.0.1', '-mp', String(await freePort()), '-s', '41441234598', '-m', '1', '-timeout', '20s', '-nostdin', `127.0.0.1:${sipPort}`], data.path, 25_000);
      assert.equal(result.code, 0, result.output);
    } finally {
      listener.close();
    }
    const row = (await cdrs()).find((r) => r.firstdst === '41441234598');
    assert.equal(row?.wherelanded, `PLAYBACK:${media}`, JSON.stringify(row));
  });

  test("a DID whose list names the caller from the tenant's phonebook (CLIDNAMEBYPHONEBOOK) then rings the extension: the ringing phone's channel, the caller's and the CDR show the name", async () => {
    // The carrier's caller is "Customer" <+15551234> (CARRIER_UAC); the phonebook knows that number as Carrier Friend.
    await call({ tenant: 'ACME', reqtype: 'PHONEBOOK', subreqtype: 'add', phonebook: 'Callers', values: JSON.stringify({ NAME: 'Carrier Friend', PHONE1: '+15551234' }) });
    const books = JSON.parse(await call({ tenant: 'ACME', reqtype: 'PHONEBOOKS', format: 'json' })) as Array<Record<string, string>>;
    const book = books.find((b) => b.pb_name === 'Callers')?.pb_id;
    assert.ok(book, JSON.stringify(books));
    const [extension] = JSON.parse(await call({ tenant: 'ACME', reqtype: 'MANAGEDB', object: 'extension', action: 'list', format: 'json' })) as Array<Record<string, string>>;
    const did = await add('did', { di_number: '41441234597' });
    await call({ tenant: 'ACME', reqtype: 'MANAGEDB', object: 'destination', action: 'replace', typesrc: 'DID', typeidsrc: String(did.di_id), jsondata: JSON.stringify([`CLIDNAMEBYPHONEBOOK-${book}`, `EXT-${extension?.ex_id}`]) });
    const carrier = runSipp(['-sf', 'carrier-uac.xml', '-i', '127.0.0.1', '-p', String(carrierPort), '-mi', '127.0.0.1', '-mp', String(await freePort()), '-rtp_echo', '-s', '41441234597', '-m', '1', '-timeout', '20s', '-trace_err', '-nostdin', `127.0.0.1:${sipPort}`], data.path, 25_000);
    // While the phone rings: its channel and the caller's (an earlier test's CALL_INCOMING may still be queued, so
    // the channels, not the phone's events, say when it rings).
    const live = async () => JSON.parse(await call({ tenant: 'ACME', reqtype: 'CHANNELS', format: 'json' })) as Array<Record<string, string>>;
    await eventually(async () => (await live()).some((c) => c.Account === '100-ACME'), 10_000, 'the phone rings');
    const channels = await live();
    const ringing = channels.find((c) => c.Account === '100-ACME');
    const caller = channels.find((c) => c.Direction === 'IN');
    assert.deepEqual([ringing?.ConnectedLineID, ringing?.ConnectedLineName], ['+15551234', 'Carrier Friend'], JSON.stringify(channels));
    assert.deepEqual([caller?.CallerID, caller?.CallerIDName], ['+15551234', 'Carrier Friend'], JSON.stringify(channels));
    await phone!.accept({ timeoutMs: 5_000 });
    const result = await carrier;
    assert.equal(result.code, 0, result.output.slice(-2000));
    await phone!.waitForClosed({ timeoutMs: 10_000 });
    await eventually(async () => (await cdrs()).some((r) => r.firstdst === '41441234597' && r.disposition === 'ANSWERED'), 5_000, 'the CDR of the named call');
    const row = (await cdrs()).find((r) => r.firstdst === '41441234597' && r.disposition === 'ANSWERED');
    assert.equal(row?.clid, '"Carrier Friend" <+15551234>', JSON.stringify(row));
  });

  test('keys across the bridge: RFC 4733 from the phone reaches a carrier without telephone-event as SIP INFO', async () => {
    writeFileSync(join(data.path, 'carrier-uas-info.xml'), carrierUasExpectingInfo('5'));
    const carrier = runSipp(['-sf', 'carrier-uas-info.xml', '-i', '127.0.0.1', '-p', String(carrierPort), '-mi', '127.0.0.1', '-mp', String(await freePort()), '-m', '1', '-timeout', '20s', '-nostdin'], data.path, 25_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await phone!.dial(`sip:0441234567@${net.hostAddress}:${sipPort}`);
    await phone!.waitForEstablished({ timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await phone!.sendDtmf('5');
    await new Promise((resolve) => setTimeout(resolve, 800));
    await phone!.hangup();
    const result = await carrier;
    assert.equal(result.code, 0, result.output);
  });

  test('keys across the bridge: SIP INFO from a carrier reaches a phone that negotiated telephone-event as RFC 4733', async () => {
    writeFileSync(join(data.path, 'carrier-uac-info.xml'), carrierUacSendingInfo('7'));
    await phone!.setAnswerMode('auto');
    try {
      const result = await runSipp(['-sf', 'carrier-uac-info.xml', '-i', '127.0.0.1', '-p', String(carrierPort), '-mi', '127.0.0.1', '-mp', String(await freePort()), '-s', DID, '-m', '1', '-timeout', '20s', '-nostdin', `127.0.0.1:${sipPort}`], data.path, 25_000);
      assert.equal(result.code, 0, result.output);
      await phone!.waitForDtmf('7', { timeoutMs: 5_000 });
    } finally {
      await phone!.setAnswerMode('manual');
    }
  });

  test('the carrier calling a number that is no DID gets 404', async () => {
    const result = await runSipp(['-sf', 'carrier-uac.xml', '-i', '127.0.0.1', '-p', String(carrierPort), '-mi', '127.0.0.1', '-mp', String(await freePort()), '-s', '41449999999', '-m', '1', '-timeout', '15s', '-nostdin', `127.0.0.1:${sipPort}`], data.path, 20_000);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /404|Unexpected/i);
  });

  test("a call from the carrier's address but a port it does not list is a phone's: challenged, not taken to the DID", async () => {
    const result = await runSipp(['-sf', 'carrier-uac.xml', '-i', '127.0.0.1', '-p', String(await freePort()), '-mi', '127.0.0.1', '-mp', String(await freePort()), '-s', DID, '-m', '1', '-timeout', '15s', '-nostdin', `127.0.0.1:${sipPort}`], data.path, 20_000);
    assert.notEqual(result.code, 0);
    assert.match(result.output, /407/);
  });

  describe('a hunt list whose outside member must confirm (hu_requestconfirm)', () => {
    /** Hunt list 650: one member, the outside number 0441234567 (a custom EXTERNALNUMBER) reached through SIPp. */
    let listReady: Promise<void> | undefined;
    const confirmingList = () =>
      (listReady ??= (async () => {
        const types = JSON.parse(await call({ reqtype: 'MANAGEDB', object: 'customtype', action: 'list', format: 'json' }, adminKey)) as Array<Record<string, string>>;
        const external = types.find((t) => t.ct_code === 'EXTERNALNUMBER')?.ct_id;
        const member = await add('custom', { cu_name: 'Mobile', cu_ct_id: Number(external), cu_param1: '0441234567' });
        // The ring time also bounds the confirmation: a member still silent when it ends gets BYE.
        const list = await add('huntlist', { hu_name: 'Confirming', hu_number: '650', hu_type: 'RINGALL', hu_ringtime: 5, hu_requestconfirm: 'on' });
        await call({ tenant: 'ACME', reqtype: 'MANAGEDB', object: 'destination', action: 'replace', typesrc: 'HUNTLIST', typeidsrc: String(list.hu_id), jsondata: JSON.stringify([`CUSTOM-${member.cu_id}`]) });
      })());
    const member = (press: boolean) => {
      writeFileSync(join(data.path, `member-${String(press)}.xml`), carrierMemberConfirming(press));
      return freePort().then((mediaPort) => runSipp(['-sf', `member-${String(press)}.xml`, '-i', '127.0.0.1', '-p', String(carrierPort), '-mi', '127.0.0.1', '-mp', String(mediaPort), '-m', '1', '-timeout', '20s', '-trace_err', '-nostdin'], data.path, 25_000));
    };

    test('the member answers, presses 1 as RFC 4733 and the caller is connected', { skip: existsSync('/usr/share/sip-tester/dtmf_2833_1.pcap') ? false : 'dtmf_2833_1.pcap missing' }, async () => {
      await confirmingList();
      const carrier = member(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // call() waits for this new call's own answer (an earlier test's events are not taken for it).
      await phone!.call(`sip:650@${net.hostAddress}:${sipPort}`, { timeoutMs: 10_000 });
      await phone!.hangup();
      const result = await carrier;
      assert.equal(result.code, 0, `the member was offered G.711, answered, pressed 1 and got the caller's BYE: ${result.output.slice(-2000)}`);
    });

    test('the member answers and presses nothing: its leg gets BYE and the caller is not connected to it', async () => {
      await confirmingList();
      const carrier = member(false);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Nobody confirmed within the ring time: the caller gets the list's no-answer status, never an answer.
      await assert.rejects(phone!.call(`sip:650@${net.hostAddress}:${sipPort}`, { timeoutMs: 12_000 }), /closed before it was established|4\d\d/);
      const result = await carrier;
      assert.equal(result.code, 0, `the silent member got the PBX's BYE: ${result.output.slice(-2000)}`);
      // The earlier test's call to 650 was answered; this one's row must not be.
      await eventually(async () => (await cdrs()).some((r) => r.firstdst === '650' && r.disposition === 'NO ANSWER'), 5_000, 'the CDR of the unconfirmed call, not answered');
    });
  });
});
