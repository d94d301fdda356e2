// Keys heard by the PBX, by every method real peers use, through a voice menu (IVR-<id>) whose key 1 plays a
// message: a baresip phone sending RFC 4733 events, a baresip phone whose microphone carries the key as an in-band
// tone, a SIPp carrier sending SIP INFO, and a SIPp carrier replaying SIPp's own RFC 2833 capture of key 1. Each call
// reaching the message (CDR wherelanded PLAYBACK:<id>) is the key recognised. The SIPp offer lists G.722 first: the
// PBX answers in G.711 (PCMU) with telephone-event.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertTone, skipWithoutSox, sox, writeToneWav } from '../support/audio.ts';
import { skipWithoutBaresip, startBaresip, type BaresipPhone } from '../support/baresip.ts';
import { createTestNetwork, skipWithoutNetns, type TestNetwork } from '../support/netns.ts';
import { runSipp, skipWithoutSipp } from '../support/sipp.ts';
import { startPbxServer } from './pbx-server.ts';
import { api, eventually, freePort, stopAll, tempDir } from './process.ts';

const SKIP = skipWithoutNetns('dtmf e2e') || skipWithoutBaresip('dtmf e2e') || skipWithoutSox('dtmf e2e') || skipWithoutSipp('dtmf e2e');
const DID = '41441230000';
/** The menu's welcome is 500 Hz, the message key 1 leads to is 1000 Hz. */
const WELCOME_HZ = 500;
const CHOICE_HZ = 1000;
const RFC2833_KEY_1 = '/usr/share/sip-tester/dtmf_2833_1.pcap';

/** A SIPp carrier calling the DID, offering G.722 first; after the answer (checked: PCMU and telephone-event only) it presses 1 as `press` says. */
function carrierPressing1(press: 'info' | 'pcap'): string {
  const sdp = ['v=0', 'o=carrier 1 1 IN IP4 [media_ip]', 's=-', 'c=IN IP4 [media_ip]', 't=0 0', 'm=audio [media_port] RTP/AVP 9 0 101', 'a=rtpmap:9 G722/8000', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', ''].join('\n');
  const from = 'From: "Customer" <sip:+15551234@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]';
  const inDialog = (method: string, cseq: number, extra: string[] = []) =>
    [`${method} [next_url] SIP/2.0`, 'Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]', '[routes]', from, '[last_To:]', 'Call-ID: [call_id]', `CSeq: ${cseq} ${method}`, 'Max-Forwards: 70', ...extra].join('\n');
  const pressing =
    press === 'info'
      ? `<send retrans="500"><![CDATA[\n${inDialog('INFO', 2, ['Content-Type: application/dtmf-relay', 'Content-Length: [len]', '', 'Signal=1', 'Duration=160', ''])}]]></send>\n  <recv response="200"/>`
      : `<nop><action><exec play_pcap_audio="${RFC2833_KEY_1}"/></action></nop>`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier presses 1 (${press})">
  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
${from}
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:carrier@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

${sdp}]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true">
    <action><ereg regexp="m=audio [0-9]+ RTP/AVP 0 101[[:cntrl:]]" search_in="body" check_it="true" assign_to="answer"/></action>
  </recv>
  <send><![CDATA[
${inDialog('ACK', 1, ['Content-Length: 0', ''])}]]></send>
  <pause milliseconds="800"/>
  ${pressing}
  <recv request="BYE" timeout="15000"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
  <Reference variables="answer"/>
</scenario>
`;
}

describe('keys heard by the PBX, by RFC 4733, SIP INFO and in-band tones', { skip: SKIP }, () => {
  const data = tempDir('callgrid-dtmf-');
  let net: TestNetwork;
  let base = '';
  let sipPort = 0;
  let key = '';
  let carrierPort = 0;
  let choiceId = '';
  const phones: BaresipPhone[] = [];
  const testStartedMs = Date.now();

  const call = async (params: Record<string, string>, apiKey = key) => {
    const answer = await api(base, {}, { method: 'POST', body: new URLSearchParams({ key: apiKey, ...params }) });
    assert.equal(answer.headers.get('x-callgrid-error'), null, `${params.reqtype} ${params.object ?? ''}: ${answer.text}`);
    return answer.text;
  };
  const add = async (object: string, fields: Record<string, unknown>, apiKey = key, tenant: string | null = 'ACME') =>
    JSON.parse(await call({ reqtype: 'MANAGEDB', object, action: 'add', jsondata: JSON.stringify(fields), ...(tenant ? { tenant } : {}) }, apiKey)) as Record<string, string>;
  const slot = (typesrc: string, typeidsrc: string, targets: string[]) =>
    call({ tenant: 'ACME', reqtype: 'MANAGEDB', object: 'destination', action: 'replace', typesrc, typeidsrc, jsondata: JSON.stringify(targets) });
  const upload = async (name: string, frequencyHz: number, seconds: number) => {
    const file = join(data.path, `${name}.wav`);
    writeToneWav(file, { frequencyHz, seconds, padSeconds: 0 });
    const media = await add('mediafile', { me_name: name });
    const form = new FormData();
    form.set('filename', new Blob([readFileSync(file)]), `${name}.wav`);
    const query = new URLSearchParams({ key, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'mediafile', action: 'updatebinary', objectid: String(media.me_id) });
    const uploaded = await fetch(`${base}/pbx/proxyapi.php?${query.toString()}`, { method: 'POST', body: form });
    assert.equal(uploaded.headers.get('x-callgrid-error'), null, await uploaded.text());
    return String(media.me_id);
  };
  /** The CDR rows of the newest call that reached the menu, once it has ended. */
  const lastMenuCall = async () => {
    const rows = JSON.parse(await call({ tenant: 'ACME', reqtype: 'INFO', info: 'cdrs', format: 'json' })) as Array<Record<string, string>>;
    const linkedId = rows.filter((r) => (r.wherelanded ?? '').startsWith('IVR:')).at(-1)?.linkedid;
    return rows.filter((r) => r.linkedid === linkedId);
  };
  const reachedChoice = async (how: string) => {
    await eventually(async () => (await lastMenuCall()).some((r) => r.wherelanded === `PLAYBACK:${choiceId}`), 10_000, `${how}: the call reached the message of key 1`);
  };

  before(async () => {
    carrierPort = await freePort();
    net = await createTestNetwork('dtmf');
    const server = await startPbxServer({ dataDir: data.path, mediaAddress: net.hostAddress });
    ({ base, sipPort } = server);
    const admin = server.adminKey;
    await add('provider', { pr_name: 'SIPp Carrier', pr_tech: 'SIP', host: `127.0.0.1:${carrierPort}` }, admin, null);
    key = (JSON.parse(await call({ reqtype: 'MANAGEDB', object: 'tenant', action: 'add', jsondata: JSON.stringify({ te_code: 'ACME', te_name: 'ACME' }) }, admin)) as { apikey: string }).apikey;
    await add('extension', { ex_number: '100', ex_name: 'ACME 100', secret: 'secret-100' });
    await add('extension', { ex_number: '101', ex_name: 'ACME 101', secret: 'secret-101' });
    const welcomeId = await upload('welcome', WELCOME_HZ, 4);
    choiceId = await upload('choice', CHOICE_HZ, 1.5);
    const ivr = await add('ivr', { iv_name: 'Main menu', iv_timeout: 8 });
    await slot('IVR_MEDIAFILE', ivr.iv_id ?? '', [`PLAYBACK-${welcomeId}`]);
    await slot('IVR_1', ivr.iv_id ?? '', [`PLAYBACK-${choiceId}`]);
    const did = await add('did', { di_number: DID });
    await slot('DID', did.di_id ?? '', [`IVR-${ivr.iv_id}`]);
    // Short numbers are served by openapi.php only (as in MiRTA): 500 dials the menu.
    const short = await fetch(`${base}/pbx/openapi.php/shortnumbers?tenant=ACME`, { method: 'POST', headers: { 'X-API-Key': key, 'Content-Type': 'application/json' }, body: JSON.stringify({ sn_number: '500', sn_destnumber: `IVR-${ivr.iv_id}` }) });
    assert.equal(short.status, 201, await short.text());

    // Phone 100 sends keys as RFC 4733 events; phone 101's microphone carries key 1 as a tone (697 + 1209 Hz, 200 ms)
    // one second into the call, and sends no events.
    const silent = join(data.path, 'silent.wav');
    writeToneWav(silent, { frequencyHz: 300, seconds: 0.01, amplitude: 0, padSeconds: 60 });
    const inband = join(data.path, 'inband-1.wav');
    sox(['-D', '-r', '8000', '-c', '2', '-n', '-c', '1', '-b', '16', '-e', 'signed-integer', inband, 'synth', '0.2', 'sine', '697', 'sine', '1209', 'remix', '1,2', 'vol', '0.4', 'pad', '1', '60']);
    let port = 5120;
    for (const [number, audioFile] of [['100', silent], ['101', inband]] as const) {
      phones.push(
        await startBaresip({
          net,
          name: `dtmf${number}`,
          sipPort: (port += 4),
          audioFile,
          recordDir: join(data.path, `rec-${number}`),
          account: { username: `${number}-ACME`, password: `secret-${number}`, domain: net.hostAddress, port: sipPort, transport: 'udp', regint: 600 },
        }),
      );
    }
    await Promise.all(phones.map((p) => p.waitForRegistration()));
  });

  after(async () => {
    for (const p of phones) await p.stop();
    await stopAll();
    await net?.destroy();
    data.remove();
  });

  const heard = async (phone: BaresipPhone, frequencyHz: number) => {
    const fresh = () => phone.recordings().filter((r) => existsSync(r.heard) && statSync(r.heard).mtimeMs >= testStartedMs).at(-1)?.heard ?? '';
    await eventually(async () => { try { assertTone(fresh(), frequencyHz, { minSeconds: 1 }); return true; } catch { return false; } }, 5_000, `heard ${frequencyHz} Hz`).catch(() => undefined);
    assertTone(fresh(), frequencyHz, { minSeconds: 1 });
  };

  test('RFC 4733: a phone dials the menu (a short number) and presses 1 during the welcome; it hears the message', async () => {
    const phone = phones[0]!;
    await phone.dial(`sip:500@${net.hostAddress}:${sipPort}`);
    await phone.waitForEstablished({ timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    await phone.sendDtmf('1');
    await phone.waitForClosed({ timeoutMs: 15_000 });
    await reachedChoice('RFC 4733');
    await heard(phone, CHOICE_HZ);
  });

  test('in-band: key 1 as a tone in the audio (no events) takes the call to the message', async () => {
    const phone = phones[1]!;
    await phone.dial(`sip:500@${net.hostAddress}:${sipPort}`);
    await phone.waitForEstablished({ timeoutMs: 10_000 });
    await phone.waitForClosed({ timeoutMs: 15_000 });
    await reachedChoice('in-band');
  });

  test('SIP INFO (application/dtmf-relay) from a carrier that offered G.722 first: answered in PCMU, key heard', async () => {
    writeFileSync(join(data.path, 'carrier-info.xml'), carrierPressing1('info'));
    const result = await runSipp(['-sf', 'carrier-info.xml', '-i', '127.0.0.1', '-p', String(carrierPort), '-mi', '127.0.0.1', '-mp', String(await freePort()), '-s', DID, '-m', '1', '-timeout', '20s', '-nostdin', `127.0.0.1:${sipPort}`], data.path, 25_000);
    assert.equal(result.code, 0, result.output);
    await reachedChoice('SIP INFO');
    // The IVR log shows this call's choice (INFO ivrlogs, as the spec's example asks for it).
    const linkedId = (await lastMenuCall())[0]?.linkedid;
    const logs = JSON.parse(await call({ tenant: 'ACME', reqtype: 'INFO', info: 'IVRLOGS', format: 'json', start: '2023-01-01', end: '2099-12-31' })) as Array<Record<string, string>>;
    assert.deepEqual(logs.filter((r) => r.linkedid === linkedId).map((r) => [r.ivrname, r.callerid, r.keys, r.choice, r.destination]), [['Main menu', '+15551234', '1', 'KEY', 'IVR_1']]);
  });

  test("RFC 2833 replayed from SIPp's own capture of key 1 (dtmf_2833_1.pcap)", { skip: existsSync(RFC2833_KEY_1) ? false : `${RFC2833_KEY_1} missing` }, async () => {
    writeFileSync(join(data.path, 'carrier-pcap.xml'), carrierPressing1('pcap'));
    const result = await runSipp(['-sf', 'carrier-pcap.xml', '-i', '127.0.0.1', '-p', String(carrierPort), '-mi', '127.0.0.1', '-mp', String(await freePort()), '-s', DID, '-m', '1', '-timeout', '20s', '-nostdin', `127.0.0.1:${sipPort}`], data.path, 25_000);
    assert.equal(result.code, 0, result.output);
    await reachedChoice('RFC 2833 capture');
  });
});
