// Calls between real baresip phones, without Callgrid: the phones of one test network dial each other by
// address (accounts without registration). Proves the call control of the driver (dial/accept/hangup, DTMF,
// hold, blind transfer, auto answer, failures with their reasons) and the tone check on real G.711 recordings.
// Skipped, saying why, without root/netns, baresip or sox.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertTone, skipWithoutSox, writeToneWav } from './audio.ts';
import { skipWithoutBaresip, startBaresip, type AnswerMode, type BaresipPhone } from './baresip.ts';
import { createTestNetwork, skipWithoutNetns, type TestNetwork } from './netns.ts';

const SKIP = skipWithoutBaresip('baresip call test') || skipWithoutSox('baresip call test') || skipWithoutNetns('baresip call test');

let net: TestNetwork;
let dir: string;
const phones: BaresipPhone[] = [];
const tones = { low: '', high: '' };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** A phone playing `tone` and recording into a directory of the test; `user` is dialled as sip:<user>@<phoneAddress>:<sipPort>. */
async function phone(user: string, sipPort: number, tone: string, answerMode: AnswerMode = 'manual'): Promise<BaresipPhone & { uri: string }> {
  const started = await startBaresip({
    net,
    name: user,
    sipPort,
    safetySeconds: 60,
    audioFile: tone,
    recordDir: mkdtempSync(join(dir, `${user}-rec-`)),
    account: { username: user, domain: net.phoneAddress, regint: 0, answerMode },
  });
  phones.push(started);
  return Object.assign(started, { uri: `sip:${user}@${net.phoneAddress}:${sipPort}` });
}

before(async () => {
  if (SKIP) return;
  dir = mkdtempSync(join(tmpdir(), 'callgrid-baresip-call-'));
  // 20 s of tone, then silence: aufile hangs the call up when its file ends, and restarts the file for each call.
  tones.low = join(dir, '600.wav');
  tones.high = join(dir, '1000.wav');
  writeToneWav(tones.low, { frequencyHz: 600, seconds: 20, padSeconds: 60 });
  writeToneWav(tones.high, { frequencyHz: 1000, seconds: 20, padSeconds: 60 });
  net = await createTestNetwork('bcall');
});

after(async () => {
  await Promise.all(phones.map((p) => p.stop()));
  await net?.destroy();
  // Phones whose waits failed on purpose keep their directories: this file's are all temporary.
  for (const p of phones) rmSync(p.dir, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('phone A (600 Hz) calls phone B (1000 Hz) by address; each records the other tone', { skip: SKIP, timeout: 20_000 }, async () => {
  const a = await phone('alice', 5090, tones.low);
  const b = await phone('bob', 5092, tones.high);
  const established = a.call(b.uri);
  const incoming = await b.waitForIncoming({ timeoutMs: 5000 });
  assert.equal(incoming.peeruri, `sip:alice@${net.phoneAddress}`);
  assert.deepEqual(b.activeCalls().map((c) => [c.id, c.state, c.direction]), [[incoming.callId, 'incoming', 'incoming']]);
  const answered = await b.accept({ timeoutMs: 5000 });
  assert.equal(answered.callId, incoming.callId);
  const atA = await established;
  assert.equal(atA.callId, incoming.callId, 'a direct call: the same Call-ID on both phones');
  assert.ok(a.events.some((e) => e.type === 'CALL_RINGING' && e.callId === atA.callId), 'A heard 180 Ringing first');

  await sleep(3000);
  const closedAtA = await a.hangup();
  assert.equal(closedAtA.param, 'Connection reset by user');
  const closedAtB = await b.waitForClosed({ callId: incoming.callId, reason: 'Connection reset by peer', timeoutMs: 5000 });
  assert.equal(closedAtB.type, 'CALL_CLOSED');
  assert.deepEqual([a.activeCalls(), b.activeCalls()], [[], []]);
  await assert.rejects(a.hangup(), /hangup: no active call/);

  // sndfile: dump-<local time of the call's start>-dec.wav (heard) and -enc.wav (sent), per call.
  const atAlice = a.lastRecording();
  const atBob = b.lastRecording();
  assert.ok(atAlice && atBob, `recordings: ${JSON.stringify([a.recordings(), b.recordings()])}`);
  assert.match(atAlice.heard, /\/dump-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-dec\.wav$/);
  assertTone(atAlice.heard, 1000, { minSeconds: 2.5, minRatio: 0.9, absentHz: [600] });
  assertTone(atBob.heard, 600, { minSeconds: 2.5, minRatio: 0.9, absentHz: [1000] });
  assertTone(atAlice.sent, 600, { minSeconds: 2.5, absentHz: [1000] });
  assertTone(atBob.sent, 1000, { minSeconds: 2.5, absentHz: [600] });
  await Promise.all([a.stop(), b.stop()]);
});

test('DTMF, hold and resume, then a blind transfer to an auto-answering phone', { skip: SKIP, timeout: 20_000 }, async () => {
  const a = await phone('anna', 5094, tones.low);
  const b = await phone('ben', 5096, tones.high);
  const c = await phone('cleo', 5098, tones.high, 'auto');
  const first = a.call(b.uri);
  await b.accept();
  const call = await first;
  assert.ok(call.callId);

  await a.sendDtmf('12#', { gapMs: 150 });
  assert.equal(await b.waitForDtmf('12#', { timeoutMs: 5000 }), '12#');
  assert.equal(b.receivedDtmf({ callId: call.callId }), '12#');
  await assert.rejects(a.sendDtmf('1x'), /"1x" is not a string of 0-9\*#A-D/);

  // baresip 1.0.0 reports hold on neither side: the re-INVITE's SDP in the SIP trace shows it.
  await b.hold();
  await eventually(() => /a=sendonly/.test(b.log()) && /a=recvonly/.test(a.log()), 5000, 'hold re-INVITE (a=sendonly, answered a=recvonly)');
  await b.resume();
  await eventually(() => (b.log().match(/^INVITE sip:/gm) ?? []).length >= 2 && /call: resume/.test(b.log()), 5000, 'resume re-INVITE');

  // B transfers A to C: A gets REFER (TRANSFER event) and dials C itself; C answers at once (no CALL_INCOMING).
  const transferred = await b.transfer(c.uri, { timeoutMs: 8000 });
  assert.equal(transferred.param, 'Call transfered');
  const refer = await a.waitForEvent('TRANSFER', { timeoutMs: 5000 });
  assert.equal(refer.param, c.uri);
  const atC = await c.waitForEstablished({ timeoutMs: 5000 });
  // call()/accept() take no events: without a filter this wait would return the first call's CALL_ESTABLISHED.
  const atA = await a.waitForEstablished({ timeoutMs: 5000, match: (e) => e.callId !== call.callId });
  assert.equal(atA.callId, atC.callId);
  assert.notEqual(atA.callId, call.callId, 'a new call');
  assert.ok(!c.events.some((e) => e.type === 'CALL_INCOMING'), 'auto answer reports no CALL_INCOMING in 1.0.0');
  await a.waitForClosed({ callId: call.callId, timeoutMs: 5000 });
  assert.deepEqual(a.activeCalls().map((x) => x.id), [atA.callId]);

  await sleep(1500);
  await c.hangup();
  await a.waitForClosed({ callId: atA.callId, reason: 'Connection reset by peer', timeoutMs: 5000 });
  const atCleo = c.lastRecording();
  assert.ok(atCleo, 'C recorded the transferred call');
  assertTone(atCleo.heard, 600, { minSeconds: 1, absentHz: [1000] });
  // A's last recording is the call with C (1000 Hz as well; the one with B came before it).
  const atAnna = a.lastRecording();
  assert.ok(atAnna, 'A recorded');
  assertTone(atAnna.heard, 1000, { minSeconds: 1, absentHz: [600] });
  await Promise.all([a.stop(), b.stop(), c.stop()]);
});

test('failed calls, refused calls and failed transfers reject with the reason; waits name the log', { skip: SKIP, timeout: 20_000 }, async () => {
  const a = await phone('amy', 5100, tones.low);
  const b = await phone('bill', 5102, tones.high);
  await assert.rejects(a.call(`sip:nobody@${net.phoneAddress}:5102`, { timeoutMs: 5000 }), /baresip amy: call sip:nobody@.*closed: 404 Not Found.*\(log: \/.*baresip\.log\)/);

  const refused = a.call(b.uri, { timeoutMs: 5000 });
  refused.catch(() => undefined);
  const ringing = await b.waitForIncoming();
  assert.equal((await b.hangup()).callId, ringing.callId);
  await assert.rejects(refused, /closed: 486 Rejected/);

  await assert.rejects(b.accept({ timeoutMs: 300 }), /baresip bill: accept: no incoming call: not within 300 ms; events: .*\(log: \/.*baresip\.log\)/);

  // Switch to auto answer on the fly; then a transfer to nowhere fails, and baresip hangs up the call itself.
  await b.setAnswerMode('auto');
  const call = await a.call(b.uri, { timeoutMs: 5000 });
  await b.waitForEstablished({ callId: call.callId });
  await assert.rejects(b.transfer(`sip:nobody@${net.phoneAddress}:5100`, { timeoutMs: 5000 }), /TRANSFER_FAILED: 404 Not Found/);
  await a.waitForClosed({ callId: call.callId, timeoutMs: 5000 });
  await eventually(() => b.activeCalls().length === 0, 2000, 'B has no call left');
  await Promise.all([a.stop(), b.stop()]);
});
