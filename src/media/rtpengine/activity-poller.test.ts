// The RTP timeout of offloaded calls on a FakeClock, against a fake rtpengine whose packet counters the test moves:
// silence for the window ends a watched call once, ringing and hold do not count, a forgotten call ends, a dead
// rtpengine does not, and the queries of many calls are spread and capped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { err, FakeClock, ok, silentLogger, type Result } from '../../shared/index.ts';
import { RtpengineActivityPoller } from './activity-poller.ts';
import type { NgDictionary, NgFailure } from './ng-client.ts';
import { RtpengineSession } from './rtpengine-session.ts';
import { rtpPacketsOf } from './silence-watch.ts';

const SDP = 'v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\n';

/** A query answer: monologues a and b, each an RTP stream with `packets` and an RTCP stream that moves on its own. */
function queryAnswer(packets: { a: number; b: number }, rtcp = 0): NgDictionary {
  const stream = (port: number, n: number, kind: string): NgDictionary => ({ 'local port': port, 'local address': '127.0.0.1', flags: [kind, 'filled'], stats: { packets: n, bytes: n * 172, errors: 0 } });
  const monologue = (port: number, n: number): NgDictionary => ({ medias: [{ index: 1, type: 'audio', streams: [stream(port, n, 'RTP'), stream(port + 1, rtcp, 'RTCP')] }] });
  return { result: 'ok', tags: { a: monologue(30002, packets.a), b: monologue(30000, packets.b) } };
}

class FakeRtpengine {
  readonly packets = new Map<string, { a: number; b: number }>();
  rtcp = 0;
  queries = 0;
  readonly queried = new Set<string>();
  /** Query answers held back (an rtpengine slow to answer); released by flush(). */
  holdAnswers = false;
  down = false;
  private held: Array<() => void> = [];

  request(command: string, params: NgDictionary = {}): Promise<Result<NgDictionary, NgFailure>> {
    const callId = String(params['call-id']);
    if (command === 'offer') {
      this.packets.set(callId, { a: 0, b: 0 });
      return Promise.resolve(ok({ result: 'ok', sdp: SDP }));
    }
    if (command !== 'query') return Promise.resolve(ok({ result: 'ok' }));
    if (params['from-tag'] !== undefined) return Promise.resolve(ok(queryAnswer({ a: 0, b: 0 })));
    this.queries++;
    this.queried.add(callId);
    if (this.down) return Promise.resolve(err({ kind: 'timeout', message: 'ng query: no answer' }));
    const packets = this.packets.get(callId);
    const answer: Result<NgDictionary, NgFailure> = packets === undefined ? err({ kind: 'error', message: 'ng query: rtpengine refused: Unknown call-id', reason: 'Unknown call-id' }) : ok(queryAnswer(packets, this.rtcp));
    if (!this.holdAnswers) return Promise.resolve(answer);
    return new Promise((resolve) => this.held.push(() => resolve(answer)));
  }

  flush(): void {
    const held = this.held;
    this.held = [];
    for (const release of held) release();
  }
}

const INACTIVITY_MS = 2000;
const POLL_MS = 500;

async function rig(calls = 1, options: { maxQueriesPerSecond?: number; maxInFlight?: number } = {}): Promise<{ clock: FakeClock; fake: FakeRtpengine; poller: RtpengineActivityPoller; sessions: RtpengineSession[]; ended: string[]; run: (ms: number) => Promise<void> }> {
  const clock = new FakeClock();
  const fake = new FakeRtpengine();
  const poller = new RtpengineActivityPoller(fake, { inactivityMs: INACTIVITY_MS, pollIntervalMs: POLL_MS, clock, logger: silentLogger, ...options });
  const ended: string[] = [];
  const sessions: RtpengineSession[] = [];
  for (let i = 0; i < calls; i++) {
    const opened = await RtpengineSession.offer(fake, `call-${i}`, SDP, silentLogger, () => clock.now().getTime());
    assert.ok(opened.ok);
    opened.value.onInactive = (session) => ended.push(session.id);
    poller.watch(opened.value);
    sessions.push(opened.value);
  }
  // Time moves in ticks, with the queries' answers (promises) settled between them.
  const run = async (ms: number): Promise<void> => {
    for (let step = 0; step < ms; step += 50) {
      clock.advance(50);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { clock, fake, poller, sessions, ended, run };
}

test('rtpPacketsOf sums the RTP streams of both parties and leaves RTCP out', () => {
  assert.equal(rtpPacketsOf(queryAnswer({ a: 10, b: 7 }, 99)), 17);
  assert.equal(rtpPacketsOf({ result: 'ok', tags: {} }), undefined);
  assert.equal(rtpPacketsOf({ result: 'ok' }), undefined);
});

test('a call whose counters stop moving ends once after the window; one whose media flows does not', async () => {
  const { fake, sessions, ended, run, poller } = await rig(2);
  const [silent, talking] = sessions;
  assert.ok(silent !== undefined && talking !== undefined);
  for (let t = 0; t < 6000; t += 100) {
    fake.packets.set(talking.id, { a: t, b: t });
    await run(100);
  }
  assert.deepEqual(ended, [silent.id]);
  // Ended once: more silence does not call it again (the other call, silent now too, ends in its turn).
  await run(3000);
  assert.deepEqual(ended, [silent.id, talking.id]);
  poller.close();
});

test('the silence is timed from the last counter change: the window after it, plus at most two polls', async () => {
  const { clock, fake, sessions, ended, run } = await rig(1);
  const [session] = sessions;
  assert.ok(session !== undefined);
  const start = clock.now().getTime();
  await run(1000);
  fake.packets.set(session.id, { a: 50, b: 0 });
  const lastMedia = clock.now().getTime() - start;
  await run(1000);
  let endedAt = 0;
  for (let t = 0; t < 5000 && ended.length === 0; t += 50) {
    await run(50);
    endedAt = clock.now().getTime() - start;
  }
  assert.deepEqual(ended, [session.id]);
  assert.ok(endedAt - lastMedia >= INACTIVITY_MS, `ended ${endedAt - lastMedia} ms after the last media`);
  assert.ok(endedAt - lastMedia <= INACTIVITY_MS + 2 * POLL_MS, `ended ${endedAt - lastMedia} ms after the last media`);
});

test('ringing (paused) and hold are not silence; resuming restarts the window; RTCP alone is not media', async () => {
  const { fake, sessions, ended, run } = await rig(1);
  const [session] = sessions;
  assert.ok(session !== undefined);
  fake.rtcp = 0;
  session.pause();
  await run(5000);
  assert.deepEqual(ended, []);
  assert.equal(fake.queries, 0, 'a ringing call was queried');
  session.resume();
  session.hold('a', true);
  await run(5000);
  assert.deepEqual(ended, []);
  session.hold('a', false);
  // RTCP reports keep coming after the audio stopped: they do not keep the call up.
  for (let t = 0; t < 4000 && ended.length === 0; t += 100) {
    fake.rtcp += 5;
    await run(100);
  }
  assert.deepEqual(ended, [session.id]);
});

test('rtpengine forgetting the call ends it; rtpengine not answering does not', async () => {
  const { fake, sessions, ended, run } = await rig(2);
  const [forgotten, unanswered] = sessions;
  assert.ok(forgotten !== undefined && unanswered !== undefined);
  fake.packets.delete(forgotten.id);
  await run(1000);
  assert.deepEqual(ended, [forgotten.id]);
  fake.down = true;
  await run(6000);
  assert.deepEqual(ended, [forgotten.id]);
});

test('a closed call is no longer queried', async () => {
  const { fake, sessions, run, poller } = await rig(1);
  sessions[0]?.close();
  await run(1000);
  assert.equal(fake.queries, 0);
  assert.equal(poller.watchedCount, 0);
});

test('1,000 calls: queries are spread over time and capped per second; every call has its turn', async () => {
  const { fake, run, poller, sessions } = await rig(1000, { maxQueriesPerSecond: 400, maxInFlight: 1000 });
  // Over 3 s of 500 ms polls, uncapped, 6,000 queries would go; the cap allows 400 a second.
  let perTick = 0;
  for (let t = 0; t < 3000; t += 50) {
    // Media flows in every call: none ends, so all stay watched.
    for (const session of sessions) fake.packets.set(session.id, { a: t, b: t });
    const before = fake.queries;
    await run(50);
    perTick = Math.max(perTick, fake.queries - before);
  }
  assert.ok(fake.queries <= 1200 + 50, `${fake.queries} queries in 3 s`);
  assert.ok(fake.queries >= 1100, `${fake.queries} queries in 3 s: the cap starved the polls`);
  assert.ok(perTick <= 50, `${perTick} queries at once`);
  // The cap stretches each call's interval (here to 2.5 s), it does not starve some.
  assert.equal(fake.queried.size, 1000);
  poller.close();
});

test('a slow rtpengine: no more than maxInFlight queries wait at once', async () => {
  const { fake, run, poller } = await rig(100, { maxInFlight: 8 });
  fake.holdAnswers = true;
  await run(2000);
  assert.equal(fake.queries, 8);
  fake.holdAnswers = false;
  fake.flush();
  await run(1000);
  assert.ok(fake.queries > 50, `${fake.queries} queries once rtpengine answered`);
  poller.close();
});
