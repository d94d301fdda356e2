// Real phones calling through the real server (issue: calls): baresip phones in a network namespace register to
// Callgrid, call each other through the B2BUA and its RTP relay, and each hears the other's tone. The API sees the
// live channels, hangs calls up, places click-to-call calls, and reports the CDRs afterwards.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { assertTone, skipWithoutSox, writeToneWav } from '../support/audio.ts';
import { skipWithoutBaresip, startBaresip, type BaresipPhone } from '../support/baresip.ts';
import { createTestNetwork, skipWithoutNetns, type TestNetwork } from '../support/netns.ts';
import { startPbxServer } from './pbx-server.ts';
import { api, eventually, stopAll, tempDir } from './process.ts';

const SKIP = skipWithoutNetns('calls e2e') || skipWithoutBaresip('calls e2e') || skipWithoutSox('calls e2e');
const START_TIMEOUT_MS = 30_000;
const RING_SECONDS = 4;

type PhoneName = 'a100' | 'a101' | 'a102' | 'g101';
const TONES: Record<PhoneName, number> = { a100: 600, a101: 1000, a102: 1400, g101: 1800 };
/** The tenant's music on hold. */
const MOH_HZ = 400;

describe('phones call each other through the B2BUA', { skip: SKIP }, () => {
  const data = tempDir('callgrid-calls-');
  let net: TestNetwork;
  let base = '';
  let sipPort = 0;
  const keys: Record<'ACME' | 'GLOBEX', string> = { ACME: '', GLOBEX: '' };
  const ids: Record<string, string> = {};
  /** The media file the music-on-hold test uploads (a 3 s tone), played again as a message. */
  let musicMediaId = '';
  let adminKey = '';
  const phones: Partial<Record<PhoneName, BaresipPhone>> = {};
  const phone = (name: PhoneName): BaresipPhone => {
    const found = phones[name];
    if (found === undefined) throw new Error(`phone ${name} is not running`);
    return found;
  };
  /** When the current test began: its calls' recordings are the files written since. */
  let testStartedMs = 0;
  beforeEach(() => {
    testStartedMs = Date.now();
  });
  /**
   * What a phone heard in this test's last call. sndfile names files by the second the audio started (a call
   * starting in the same second as the previous one overwrites its file) and finishes a file as the call closes:
   * the check takes the newest file written since the test began, retrying briefly.
   */
  const heard = async (name: PhoneName, frequencyHz: number, expectation: Parameters<typeof assertTone>[2] = {}) => {
    const fresh = () => phone(name).recordings().filter((r) => existsSync(r.heard) && statSync(r.heard).mtimeMs >= testStartedMs).at(-1)?.heard ?? '';
    const check = () => assertTone(fresh(), frequencyHz, expectation);
    await eventually(async () => { try { check(); return true; } catch { return false; } }, 3_000, `${name} heard ${frequencyHz} Hz`).catch(() => undefined);
    check();
  };
  const uri = (number: string) => `sip:${number}@${net.hostAddress}:${sipPort}`;

  const call = async (tenant: 'ACME' | 'GLOBEX', params: Record<string, string>) => {
    const answer = await api(base, { key: keys[tenant], tenant, ...params });
    assert.equal(answer.headers.get('x-callgrid-error'), null, `${params.reqtype}: ${answer.text}`);
    return answer.text;
  };
  const channelsOf = async (tenant: 'ACME' | 'GLOBEX') => JSON.parse(await call(tenant, { reqtype: 'CHANNELS', format: 'json' })) as Array<Record<string, string>>;

  before(async () => {
    net = await createTestNetwork('calls');
    const server = await startPbxServer({
      dataDir: data.path,
      mediaAddress: net.hostAddress,
      env: { CALLGRID_RING_SECONDS: String(RING_SECONDS), CALLGRID_LOG_LEVEL: 'info' },
      startTimeoutMs: START_TIMEOUT_MS,
    });
    ({ base, sipPort, adminKey } = server);
    const post = async (params: Record<string, string>) => {
      const answer = await api(base, {}, { method: 'POST', body: new URLSearchParams(params) });
      assert.equal(answer.headers.get('x-callgrid-error'), null, answer.text);
      return answer.text;
    };
    for (const code of ['ACME', 'GLOBEX'] as const) {
      keys[code] = (JSON.parse(await post({ key: adminKey, reqtype: 'MANAGEDB', object: 'tenant', action: 'add', jsondata: JSON.stringify({ te_code: code, te_name: code }) })) as { apikey: string }).apikey;
    }
    const extensions: Array<['ACME' | 'GLOBEX', string]> = [['ACME', '100'], ['ACME', '101'], ['ACME', '102'], ['ACME', '103'], ['GLOBEX', '101']];
    for (const [code, number] of extensions) {
      const row = JSON.parse(await post({ key: keys[code], tenant: code, reqtype: 'MANAGEDB', object: 'extension', action: 'add', jsondata: JSON.stringify({ ex_number: number, ex_name: `${code} ${number}`, secret: `secret-${code}-${number}` }) })) as { ex_id: string };
      ids[`${code}-${number}`] = row.ex_id;
    }
    let port = 5080;
    for (const [name, code, number] of [['a100', 'ACME', '100'], ['a101', 'ACME', '101'], ['a102', 'ACME', '102'], ['g101', 'GLOBEX', '101']] as const) {
      const audioFile = join(data.path, `${name}.wav`);
      writeToneWav(audioFile, { frequencyHz: TONES[name], seconds: 60, padSeconds: 60 });
      phones[name] = await startBaresip({
        net,
        name,
        sipPort: (port += 4),
        audioFile,
        recordDir: join(data.path, `rec-${name}`),
        account: { username: `${number}-${code}`, password: `secret-${code}-${number}`, domain: net.hostAddress, port: sipPort, transport: 'udp', regint: 600 },
      });
    }
    await Promise.all(Object.values(phones).map((p) => p.waitForRegistration()));
  });

  after(async () => {
    for (const p of Object.values(phones)) await p?.stop();
    await stopAll();
    await net?.destroy();
    data.remove();
  });

  test('100 calls 101 of its own tenant: both talk through the relay and hear each other', async () => {
    await phone('a100').dial(uri('101'));
    await phone('a101').accept({ timeoutMs: 10_000 });
    await phone('a100').waitForEstablished({ timeoutMs: 10_000 });

    const channels = await channelsOf('ACME');
    assert.equal(channels.length, 2, JSON.stringify(channels));
    assert.deepEqual(await channelsOf('GLOBEX'), [], "GLOBEX sees none of ACME's channels");
    assert.equal(phone('g101').calls().length, 0, "GLOBEX's 101 never rang");
    const lamps = JSON.parse(await call('ACME', { reqtype: 'BLFS', format: 'json' })) as Array<{ st_extension: string; st_state: string }>;
    assert.deepEqual(lamps.filter((l) => ['100-ACME', '101-ACME'].includes(l.st_extension)).map((l) => l.st_state), ['INUSE', 'INUSE'], JSON.stringify(lamps));
    const globexLamps = JSON.parse(await call('GLOBEX', { reqtype: 'BLFS', format: 'json' })) as Array<{ st_extension: string; st_state: string }>;
    assert.equal(globexLamps.find((l) => l.st_extension === '101-GLOBEX')?.st_state, 'NOT_INUSE');

    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await phone('a100').hangup();
    await phone('a101').waitForClosed({ timeoutMs: 10_000 });
    await eventually(async () => (await channelsOf('ACME')).length === 0, 5_000, 'channels gone after the hang-up');

    await heard('a100', TONES.a101, { minSeconds: 1.5, absentHz: [TONES.g101] });
    await heard('a101', TONES.a100, { minSeconds: 1.5, absentHz: [TONES.g101] });
  });

  test('the call is in INFO cdrs: answered, with its durations', async () => {
    await eventually(async () => (JSON.parse(await call('ACME', { reqtype: 'INFO', info: 'cdrs', format: 'json' })) as unknown[]).length > 0, 5_000, 'a CDR row');
    const rows = JSON.parse(await call('ACME', { reqtype: 'INFO', info: 'cdrs', format: 'json' })) as Array<Record<string, string | number>>;
    const row = rows.at(-1);
    assert.ok(row);
    assert.equal(row.disposition, 'ANSWERED');
    assert.equal(row.src, '100');
    assert.equal(row.dst, '101');
    assert.ok(Number(row.billsec) >= 2 && Number(row.billsec) <= 30, `billsec ${row.billsec}`);
    assert.ok(Number(row.duration) >= Number(row.billsec));
    assert.deepEqual(JSON.parse(await call('GLOBEX', { reqtype: 'INFO', info: 'cdrs', format: 'json' })), [], 'no CDR leaks to GLOBEX');
  });

  test("a call to an extension with ex_recording yes is recorded: one WAV under the tenant's folder, both parties in it", async () => {
    const managedb = (params: Record<string, string>) => call('ACME', { reqtype: 'MANAGEDB', object: 'extension', action: 'update', objectid: ids['ACME-101'] ?? '', ...params });
    await managedb({ jsondata: JSON.stringify({ ex_recording: 'yes' }) });
    const startedMs = Date.now();
    try {
      await phone('a100').dial(uri('101'));
      await phone('a101').accept({ timeoutMs: 10_000 });
      await phone('a100').waitForEstablished({ timeoutMs: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      await phone('a100').hangup();
      await phone('a101').waitForClosed({ timeoutMs: 10_000 });
    } finally {
      await managedb({ jsondata: JSON.stringify({ ex_recording: '' }) });
    }
    const tenantsDir = join(data.path, 'tenants');
    const recordings = () =>
      (existsSync(tenantsDir) ? readdirSync(tenantsDir, { recursive: true, encoding: 'utf8' }) : [])
        .filter((name) => name.includes('recordings') && name.endsWith('.wav'))
        .map((name) => join(tenantsDir, name))
        .filter((path) => statSync(path).mtimeMs >= startedMs);
    await eventually(async () => recordings().length === 1, 5_000, 'one recording written');
    const file = recordings()[0] ?? '';
    assertTone(file, TONES.a100, { minSeconds: 0, minRatio: 0.2 });
    assertTone(file, TONES.a101, { minSeconds: 0, minRatio: 0.2 });
    // The recording is listed and downloads as MiRTA serves it: MP3 by its uniqueid (the file's name).
    const uniqueId = (file.split('/').at(-1) ?? '').replace(/\.wav$/, '');
    await eventually(async () => (JSON.parse(await call('ACME', { reqtype: 'INFO', info: 'recordings', format: 'json' })) as Array<{ uniqueid: string }>).some((r) => r.uniqueid === uniqueId), 5_000, 'the recording is listed');
    const audio = await fetch(`${base}/pbx/proxyapi.php?${new URLSearchParams({ key: keys.ACME, tenant: 'ACME', reqtype: 'INFO', info: 'recording', id: uniqueId }).toString()}`);
    assert.equal(audio.headers.get('content-type'), 'audio/mpeg');
    const mp3 = Buffer.from(await audio.arrayBuffer());
    assert.ok(mp3.length > 1000 && mp3.indexOf(Buffer.from([0xff])) >= 0 && ((mp3[mp3.indexOf(0xff) + 1] ?? 0) & 0xe0) === 0xe0, `an MP3 of ${mp3.length} bytes`);
  });

  test('a ring group (RINGALL) rings its members at once; the one that answers talks, the other is cancelled "completed elsewhere"', async () => {
    const managedb = (object: string, action: string, params: Record<string, string>) => call('ACME', { reqtype: 'MANAGEDB', object, action, ...params });
    const group = JSON.parse(await managedb('huntlist', 'add', { jsondata: JSON.stringify({ hu_name: 'Sales', hu_number: '600', hu_type: 'RINGALL', hu_ringtime: 10 }) })) as { hu_id: string };
    await managedb('destination', 'replace', { typesrc: 'HUNTLIST', typeidsrc: group.hu_id, jsondata: JSON.stringify([`EXT-${ids['ACME-101']}`, `EXT-${ids['ACME-102']}`]) });
    const rang101 = phone('a101').waitForIncoming({ timeoutMs: 10_000 });
    const answered = phone('a102').accept({ timeoutMs: 10_000 });
    await phone('a100').dial(uri('600'));
    await rang101;
    await answered;
    await phone('a100').waitForEstablished({ timeoutMs: 10_000 });
    await eventually(async () => phone('a101').activeCalls().length === 0, 10_000, '101 stopped ringing');
    assert.match(phone('a101').log(), /Reason: SIP;cause=200;text="Call completed elsewhere"/);
    await heard('a100', TONES.a102, { minSeconds: 1 });
    await phone('a100').hangup();
    await phone('a102').waitForClosed({ timeoutMs: 10_000 });
  });

  test("a party put on hold hears the tenant's music on hold (its default class), not silence", async () => {
    const managedb = (object: string, action: string, params: Record<string, string>) => call('ACME', { reqtype: 'MANAGEDB', object, action, ...params });
    const musicFile = join(data.path, 'moh.wav');
    writeToneWav(musicFile, { frequencyHz: MOH_HZ, seconds: 3, padSeconds: 0 });
    const media = JSON.parse(await managedb('mediafile', 'add', { jsondata: JSON.stringify({ me_name: 'Music' }) })) as { me_id: string };
    const form = new FormData();
    form.set('filename', new Blob([readFileSync(musicFile)]), 'moh.wav');
    const query = new URLSearchParams({ key: keys.ACME, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'mediafile', action: 'updatebinary', objectid: media.me_id });
    const uploaded = await fetch(`${base}/pbx/proxyapi.php?${query.toString()}`, { method: 'POST', body: form });
    assert.equal(uploaded.headers.get('x-callgrid-error'), null, await uploaded.text());
    const moh = JSON.parse(await managedb('musiconhold', 'add', { jsondata: JSON.stringify({ mu_name: 'default', mu_default: 'on' }) })) as { mu_id: string };
    await managedb('destination', 'replace', { typesrc: 'MUSICONHOLD', typeidsrc: moh.mu_id, jsondata: JSON.stringify([`PLAYBACK-${media.me_id}`]) });

    await phone('a100').dial(uri('101'));
    await phone('a101').accept({ timeoutMs: 10_000 });
    await phone('a100').waitForEstablished({ timeoutMs: 10_000 });
    await phone('a101').hold();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await phone('a101').resume();
    await phone('a100').hangup();
    await phone('a101').waitForClosed({ timeoutMs: 10_000 });
    await heard('a100', MOH_HZ, { minSeconds: 1, minRatio: 0.15 });
    musicMediaId = media.me_id;
  });

  test('CHANNELS during a message: the caller runs Playback of its file (Asterisk-style Application/Data)', async () => {
    const id103 = ids['ACME-103'] ?? '';
    const managedb = (object: string, action: string, params: Record<string, string>) => call('ACME', { reqtype: 'MANAGEDB', object, action, ...params });
    assert.notEqual(musicMediaId, '', 'the music-on-hold test uploaded a media file');
    await managedb('extension', 'update', { objectid: id103, jsondata: JSON.stringify({ ex_unconditionalstatus: 'on' }) });
    await managedb('destination', 'replace', { typesrc: 'EXT-UNCONDITIONAL', typeidsrc: id103, jsondata: JSON.stringify([`PLAYBACK-${musicMediaId}`]) });
    try {
      await phone('a100').dial(uri('103'));
      await phone('a100').waitForEstablished({ timeoutMs: 10_000 });
      const shown = await channelsOf('ACME');
      assert.deepEqual(shown.map((c) => [c.Application, c.Data]), [['Playback', musicMediaId]], JSON.stringify(shown));
      // The message is 3 s long: the PBX may already have hung up after it.
      await phone('a100').hangup().catch(() => undefined);
      await eventually(async () => (await channelsOf('ACME')).length === 0, 5_000, 'channels gone after the hang-up');
    } finally {
      await managedb('extension', 'update', { objectid: id103, jsondata: JSON.stringify({ ex_unconditionalstatus: '' }) });
    }
  });

  test('HANGUP through the API ends both legs', async () => {
    await phone('a101').dial(uri('100'));
    await phone('a100').accept({ timeoutMs: 10_000 });
    await phone('a101').waitForEstablished({ timeoutMs: 10_000 });
    await call('ACME', { reqtype: 'HANGUP', number: '101' });
    await Promise.all([phone('a100').waitForClosed({ timeoutMs: 10_000 }), phone('a101').waitForClosed({ timeoutMs: 10_000 })]);
  });

  test('DND makes the extension busy; an offline one is unavailable; an unknown number is not found', async () => {
    await call('ACME', { reqtype: 'DND', action: 'set', number: '101', value: 'on' });
    await assert.rejects(phone('a100').call(uri('101'), { timeoutMs: 10_000 }), /486/);
    await call('ACME', { reqtype: 'DND', action: 'set', number: '101', value: '' });
    await assert.rejects(phone('a100').call(uri('103'), { timeoutMs: 10_000 }), /480/);
    await assert.rejects(phone('a100').call(uri('555'), { timeoutMs: 10_000 }), /404/);
    // Each refused call left its one CDR row (README: one row per call attempt), with the SIP answer in the userfield.
    const refused = async () => (JSON.parse(await call('ACME', { reqtype: 'INFO', info: 'cdrs', format: 'json' })) as Array<Record<string, string>>).filter((r) => /\[sip:\d+\]/.test(r.userfield ?? ''));
    await eventually(async () => (await refused()).length >= 3, 5_000, 'the rows of the refused calls');
    const last = (await refused()).slice(-3).map((r) => [r.dst, r.disposition, r.lastapp, (r.userfield ?? '').replace(/^\[outbound\]/, '')]);
    assert.deepEqual(last, [['101', 'BUSY', 'Dial', '[sip:486]'], ['103', 'FAILED', 'Dial', '[sip:480]'], ['555', 'FAILED', 'Hangup', '[sip:404]']]);
  });

  test('a call nobody answers ends after the ring time with 480', async () => {
    const ringing = phone('a101').waitForIncoming({ timeoutMs: 10_000 });
    await assert.rejects(phone('a100').call(uri('101'), { timeoutMs: (RING_SECONDS + 10) * 1000 }), /480/);
    await ringing;
    await eventually(async () => phone('a101').activeCalls().length === 0, 10_000, "the callee's ringing stopped (CANCEL)");
  });

  test("a phone's blind transfer (REFER) connects the caller to the new destination", async () => {
    await phone('a100').dial(uri('101'));
    await phone('a101').accept({ timeoutMs: 10_000 });
    await phone('a100').waitForEstablished({ timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const ringing = phone('a102').accept({ timeoutMs: 10_000 });
    await phone('a101').transfer(uri('102'), { timeoutMs: 10_000 });
    await ringing;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await phone('a100').hangup();
    await phone('a102').waitForClosed({ timeoutMs: 10_000 });
    await heard('a100', TONES.a102, { minSeconds: 1.5, minRatio: 0.3 });
    await heard('a102', TONES.a100, { minSeconds: 1.5 });
  });

  test('TRANSFER through the API moves the caller to another extension', async () => {
    await phone('a100').dial(uri('101'));
    await phone('a101').accept({ timeoutMs: 10_000 });
    await phone('a100').waitForEstablished({ timeoutMs: 10_000 });
    const caller = (await channelsOf('ACME')).find((c) => c.Account === '100-ACME');
    assert.ok(caller, 'the caller channel is listed');
    const ringing = phone('a102').accept({ timeoutMs: 10_000 });
    assert.match(await call('ACME', { reqtype: 'TRANSFER', channel: String(caller.Channel), dest: '102' }), /^OK/);
    await phone('a101').waitForClosed({ timeoutMs: 10_000 });
    await ringing;
    // 1.5 s of the new party is checked: the margin covers a media path that starts late on a loaded machine.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const callerCall = phone('a100').activeCalls()[0]?.id;
    await phone('a102').hangup();
    await phone('a100').waitForClosed({ timeoutMs: 10_000, ...(callerCall ? { callId: callerCall } : {}) });
    await heard('a100', TONES.a102, { minSeconds: 1.5, minRatio: 0.3 });
    const rows = JSON.parse(await call('ACME', { reqtype: 'INFO', info: 'cdrs', format: 'json' })) as Array<Record<string, string>>;
    const linked = rows.filter((r) => r.linkedid === rows.at(-1)?.linkedid);
    assert.deepEqual(linked.map((r) => [r.dst, r.disposition]), [['101', 'ANSWERED'], ['102', 'ANSWERED']]);
  });

  test('ATXTRANSFER: the called party consults the target, then its hang-up hands the caller over', async () => {
    await phone('a100').dial(uri('101'));
    await phone('a101').accept({ timeoutMs: 10_000 });
    await phone('a100').waitForEstablished({ timeoutMs: 10_000 });
    const agent = (await channelsOf('ACME')).find((c) => c.Account === '101-ACME');
    assert.ok(agent, "the called party's channel is listed");
    const ringing = phone('a102').accept({ timeoutMs: 10_000 });
    assert.match(await call('ACME', { reqtype: 'ATXTRANSFER', channel: String(agent.Channel), dest: '102' }), /^OK/);
    await ringing;
    // 1.5 s of the new party is checked: the margin covers a media path that starts late on a loaded machine.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const callerCall = phone('a100').activeCalls()[0]?.id;
    assert.equal((await channelsOf('ACME')).length, 3, 'caller (held), called party and target');
    await phone('a101').hangup();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const targetCall = phone('a102').activeCalls()[0]?.id;
    await phone('a102').hangup();
    await phone('a100').waitForClosed({ timeoutMs: 10_000, ...(callerCall ? { callId: callerCall } : {}) });
    assert.ok(targetCall);
    // The target heard the called party while consulting, then the caller; the caller heard the target at the end.
    await heard('a102', TONES.a101, { minSeconds: 1.5, minRatio: 0.2 });
    await heard('a102', TONES.a100, { minSeconds: 1.5, minRatio: 0.2 });
    await heard('a100', TONES.a102, { minSeconds: 1.5, minRatio: 0.2 });
    const rows = JSON.parse(await call('ACME', { reqtype: 'INFO', info: 'cdrs', format: 'json' })) as Array<Record<string, string>>;
    const linked = rows.filter((r) => r.linkedid === rows.at(-1)?.linkedid);
    assert.deepEqual(linked.map((r) => [r.dst, r.disposition]), [['101', 'ANSWERED'], ['102', 'ANSWERED']]);
  });

  test("the callee's forwarding slots: busy (DND) and no answer send the call to 102", async () => {
    const id101 = ids['ACME-101'] ?? '';
    const managedb = (object: string, action: string, params: Record<string, string>) => call('ACME', { reqtype: 'MANAGEDB', object, action, ...params });
    await managedb('extension', 'update', { objectid: id101, jsondata: JSON.stringify({ ex_onbusystatus: 'on', ex_onnoanswerstatus: 'on' }) });
    for (const slot of ['EXT-BUSY', 'EXT-NOANSWER']) await managedb('destination', 'replace', { typesrc: slot, typeidsrc: id101, jsondata: JSON.stringify([`EXT-${ids['ACME-102']}`]) });

    await call('ACME', { reqtype: 'DND', action: 'set', number: '101', value: 'on' });
    let ringing = phone('a102').accept({ timeoutMs: 10_000 });
    await phone('a100').call(uri('101'), { timeoutMs: 10_000 });
    await ringing;
    await phone('a100').hangup();
    await phone('a102').waitForClosed({ timeoutMs: 10_000 });
    await call('ACME', { reqtype: 'DND', action: 'set', number: '101', value: '' });

    const rang101 = phone('a101').waitForIncoming({ timeoutMs: 10_000 });
    ringing = phone('a102').accept({ timeoutMs: (RING_SECONDS + 10) * 1000 });
    await phone('a100').dial(uri('101'));
    await rang101;
    await ringing;
    await phone('a100').waitForEstablished({ timeoutMs: 10_000 });
    await eventually(async () => phone('a101').activeCalls().length === 0, 10_000, "101 stopped ringing when the call moved on");
    await phone('a102').hangup();
    await phone('a100').waitForClosed({ timeoutMs: 10_000 });
    const rows = JSON.parse(await call('ACME', { reqtype: 'INFO', info: 'cdrs', format: 'json' })) as Array<Record<string, string>>;
    const linked = rows.filter((r) => r.linkedid === rows.at(-1)?.linkedid);
    assert.deepEqual(linked.map((r) => [r.dst, r.disposition]), [['101', 'NO ANSWER'], ['102', 'ANSWERED']]);
    await managedb('extension', 'update', { objectid: id101, jsondata: JSON.stringify({ ex_onbusystatus: '', ex_onnoanswerstatus: '' }) });
  });

  test("the tenant's channel limit (te_maxchannels): a call over it gets 503, the others go on", async () => {
    const listed = await api(base, { key: adminKey, reqtype: 'MANAGEDB', object: 'tenant', action: 'list', format: 'json' });
    const tenantId = (JSON.parse(listed.text) as Array<{ te_id: string; te_code: string }>).find((t) => t.te_code === 'ACME')?.te_id ?? '';
    const setLimit = async (limit: number) => {
      const answer = await api(base, {}, { method: 'POST', body: new URLSearchParams({ key: adminKey, reqtype: 'MANAGEDB', object: 'tenant', action: 'update', objectid: tenantId, jsondata: JSON.stringify({ te_maxchannels: limit }) }) });
      assert.equal(answer.headers.get('x-callgrid-error'), null, answer.text);
    };
    await setLimit(1);
    try {
      await phone('a100').dial(uri('101'));
      await phone('a101').accept({ timeoutMs: 10_000 });
      await phone('a100').waitForEstablished({ timeoutMs: 10_000 });
      await assert.rejects(phone('a102').call(uri('100'), { timeoutMs: 10_000 }), /503/);
      assert.equal((await channelsOf('ACME')).length, 2, 'the call in progress is untouched');
      await phone('a100').hangup();
      await phone('a101').waitForClosed({ timeoutMs: 10_000 });
    } finally {
      await setLimit(0);
    }
  });

  test('feature codes: *78 sets DND, *79 clears it; the PBX answers, confirms with a tone and hangs up', async () => {
    for (const [code, expected] of [['*78', 'on'], ['*79', '']] as const) {
      await phone('a101').call(uri(code), { timeoutMs: 10_000 });
      await phone('a101').waitForClosed({ timeoutMs: 10_000, reason: /reset by peer/ });
      assert.equal((JSON.parse(await call('ACME', { reqtype: 'DND', action: 'get', number: '101', format: 'json' })) as { dnd: string }).dnd, expected, `DND after ${code}`);
    }
    // The last code turned DND off: its confirmation is one long 400 Hz tone (docs/feature-codes.md).
    await heard('a101', 400, { minSeconds: 0.3, minRatio: 0.3 });
    // Each code call is in the CDRs: answered by the PBX's own playback, from 101.
    const cdrs = async () => JSON.parse(await call('ACME', { reqtype: 'INFO', info: 'cdrs', format: 'json' })) as Array<Record<string, string>>;
    await eventually(async () => (await cdrs()).filter((r) => r.dst === '*78' || r.dst === '*79').length === 2, 5_000, 'the feature-code CDRs');
    for (const code of ['*78', '*79']) {
      const row = (await cdrs()).find((r) => r.dst === code);
      assert.deepEqual([row?.src, row?.disposition, row?.lastapp, row?.wherelanded], ['101', 'ANSWERED', 'Playback', `PLAYBACK:${code}`], JSON.stringify(row));
    }
    // A feature code is a call like any other while it runs: it shows in CHANNELS, and the phone may hang up first
    // (its BYE is answered 200 and the call ends as answered).
    await phone('a101').call(uri('*76'), { timeoutMs: 10_000 });
    const live = await channelsOf('ACME');
    assert.ok(live.some((c) => c.Extension === '*76' && c.State === 'Up'), JSON.stringify(live));
    await phone('a101').hangup();
    await phone('a101').waitForClosed({ timeoutMs: 10_000 });
    await eventually(async () => (await channelsOf('ACME')).length === 0, 5_000, 'the feature-code channel is gone');
    await call('ACME', { reqtype: 'DND', action: 'set', number: '101', value: '' });
  });

  test('DIAL rings the source, which hears ringback while the destination rings; then they talk', async () => {
    await phone('a100').setAnswerMode('auto');
    const answer = await call('ACME', { reqtype: 'DIAL', source: '100', dest: '101', autoanswer: 'yes' });
    assert.match(answer, /^Success\|Originate successfully queued\|[0-9a-f]+\|$/);
    await phone('a100').waitForEstablished({ timeoutMs: 10_000 });
    // Let the destination ring through the tone's first second (425 Hz, 1 s on, 4 s off).
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await phone('a101').accept({ timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await phone('a101').hangup();
    await phone('a100').waitForClosed({ timeoutMs: 10_000 });
    await phone('a100').setAnswerMode('manual');
    await heard('a100', TONES.a101, { minSeconds: 1.5, minRatio: 0.3 });
    await heard('a100', 425, { minSeconds: 0.5, minRatio: 0.05 });
    await heard('a101', TONES.a100, { minSeconds: 1.5 });
  });

  test("openapi.php /dial places the same call from a JSON body; its vars are in the CDR's userfield", async () => {
    await phone('a100').setAnswerMode('auto');
    const response = await fetch(`${base}/pbx/openapi.php/dial?tenant=ACME`, {
      method: 'POST',
      headers: { 'X-API-Key': keys.ACME, 'Content-Type': 'application/json' },
      body: JSON.stringify({ source: '100', dest: 101, dialtimeout: 20, autoanswer: true, vars: { crm: 'lead-42' } }),
    });
    const answer = (await response.json()) as Record<string, string>;
    assert.equal(response.status, 200, JSON.stringify(answer));
    assert.deepEqual([answer.Response, answer.Message, answer.source, answer.dest], ['Success', 'Originate successfully queued', '100', '101']);
    await phone('a100').waitForEstablished({ timeoutMs: 10_000 });
    await phone('a101').accept({ timeoutMs: 10_000 });
    await phone('a101').hangup();
    await phone('a100').waitForClosed({ timeoutMs: 10_000 });
    await phone('a100').setAnswerMode('manual');
    const rows = async () => (JSON.parse(await call('ACME', { reqtype: 'INFO', info: 'cdrs', format: 'json' })) as Array<Record<string, string>>).filter((r) => r.originateid === answer.ID);
    await eventually(async () => (await rows()).some((r) => r.disposition === 'ANSWERED'), 5_000, "the /dial call's CDR");
    for (const row of await rows()) assert.match(row.userfield ?? '', /\[ACME-crm=lead-42\]$/, JSON.stringify(row));
    // A body the DIAL parser refuses is answered with the parameter named, and nothing rings.
    const bad = await fetch(`${base}/pbx/openapi.php/dial?tenant=ACME`, { method: 'POST', headers: { 'X-API-Key': keys.ACME, 'Content-Type': 'application/json' }, body: JSON.stringify({ source: '100', dest: '101', ring: 5 }) });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /Unknown field 'ring'/);
  });
});
