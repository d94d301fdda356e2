// Apps benchmark: "the PBX as a party". How many concurrent calls a server holds when it is itself one end of each
// call, (a) answering the caller and playing a prompt in a loop while listening for a key, (b) relaying two-party
// calls while recording them, against (c) its plain relayed two-party calls in the same run. Two servers, one at a
// time, all on 127.0.0.1: Callgrid, and rtpengine (Debian's 10.5, userspace) as the peer. Benchmarks are not tests:
// it prints figures, it asserts nothing.
//
// Run: npm run bench:apps      Quick run (under a minute): BENCH_QUICK=1 npm run bench:apps
//
// Method
// - (c) relayed: bench/calls' held calls exactly (its scenarios, SIPp runner, Kamailio start): caller 100 streams a
//   tone with rtp_stream through the server to callee 101 (a SIPp UAS whose SDP names a sink port); the sink echoes.
//   Peer: Kamailio + rtpengine as bench/calls starts them.
// - (a) playing: SIPp calls a number the server answers itself (caller-scenario.ts): INVITE offering PCMU and
//   telephone-event with a sink port as media address, 200, ACK, hold, BYE; SIPp sends no RTP. The server plays
//   prompt.ts's WAV (4 s, looped) as 20 ms PCMU packets; after half a second of it the sink presses one key (RFC 4733)
//   back at the server, which must hear it. One leg per call against (c)'s two.
//   Peer: media-server-uas.ts, a minimal SIP UAS in this process, answers and drives rtpengine over the ng protocol
//   (ng-client.ts): `offer` + `answer` (the PBX endpoint's media address is a discard socket), `play media` {file,
//   repeat-times} to the caller's from-tag at the ACK, `delete` at the BYE; rtpengine runs with --dtmf-log-dest
//   pointing at this process, which counts the calls whose key rtpengine reported.
// - (b) recorded: (c) with recording on. Peer: Kamailio + rtpengine with `record-call=yes` on rtpengine_manage() and
//   --recording-method=pcap (recording-shims.ts says why pcap and how bench/calls' start is reused); each call must
//   leave a pcap with packets in it. (Callgrid decodes and mixes to WAV, more work than a packet dump.)
// - Measure (timing-sink.ts, forked processes): per stream packets, loss (sequence gaps) and lateness: late = more
//   than 40 ms behind first-packet arrival + (timestamp - first timestamp) / 8 ms. A level N passes when all N calls
//   succeed, all N streams are up at once, loss < BENCH_MAX_LOSS_PERCENT and late < BENCH_MAX_LATE_PERCENT, and the
//   server's own check holds (a key heard per playing call, a recording per recorded call). Levels rise until one
//   fails; the figure is the highest passed. Every process's CPU (/proc/<pid>/stat) is sampled while all N calls
//   are up and printed, SIPp's included, so a saturated load generator shows.
// - Goals (Callgrid): playing endpoints >= 1.0x its relayed calls, recorded calls >= 0.7x.
//
// The Callgrid half (callgrid-side.ts), started with the tenant share and per-extension caps off
// (CALLGRID_TENANT_CALL_SHARE_PERCENT=100, CALLGRID_EXTENSION_MAX_CALLS=0, as bench/calls) and an RTP port range of
// 8 ports per call of the top level (at least 10,000):
// - relayed: bench/calls' calls through extension 100 -> 101.
// - playing: a DID (5550100) whose slot is `PLAYBACK-<me_id>` (MANAGEDB destination replace, typesrc DID); the media
//   file holds prompt.ts's prompt repeated back to back past the longest call (PLAYBACK plays a file once, then the
//   PBX hangs up; SIPp's BYE must come first), uploaded with `updatebinary`. The SIPp callers are the peer's, each
//   from a fixed port that a provider names (host = the first, pr_match = the others), so they are a carrier calling
//   a DID. Callgrid answers (200, one G.711 law + telephone-event) and its relay's worker plays the file. The key the
//   sink presses is not checked: Callgrid has no per-call key counter yet; its row says so instead of failing.
// - recorded: the relayed calls once extension 101's ex_recording is 'yes' (MANAGEDB extension update; 101's stale
//   binding from the relayed part dropped first with UNREGISTER). Callgrid records each call from its answer, mixed
//   mono 8 kHz 16-bit WAV, into <dataDir>/tenants/<id>/recordings/<day>/<uniqueid>.wav and patches the header at the
//   BYE. Each step wants, among the .wav files that appeared during it, one per answered call larger than the 44-byte
//   header and not silent in its middle second (wav-recordings.ts); its line also shows unpatched headers and the
//   audio held against the calls' length.
//
// Environment knobs
//   BENCH_SERVERS=rtpengine,callgrid   BENCH_PARTS=relayed,playing,recorded
//   BENCH_CONCURRENCY=100,250,500   BENCH_HOLD_SECONDS=15   BENCH_SETUP_RATE=50   BENCH_PROMPT_SECONDS=4
//   BENCH_MAX_LOSS_PERCENT=0.1   BENCH_MAX_LATE_PERCENT=0.5   BENCH_GOAL_PLAYING=1.0   BENCH_GOAL_RECORDED=0.7
//   BENCH_KAMAILIO_CHILDREN=4   BENCH_RTPENGINE_THREADS=2   BENCH_SINK_PROCESSES=2
//   BENCH_QUICK=1: levels 20,40 held 1 s (explicit knobs still win): a check that every part works, not figures
//   BENCH_CALLGRID_NODE_ARGS='--cpu-prof ...'   BENCH_CALLGRID_ENV='CALLGRID_X=1,CALLGRID_Y=2'   BENCH_KEEP=1 (keep the work dir)
//
// Needs the Debian packages sip-tester, kamailio, kamailio-sqlite-modules and rtpengine-daemon (apt-get install -y
// --no-install-recommends rtpengine-daemon; rtpengine-recording-daemon is not used: see recording-shims.ts).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startKamailioProxy, type KamailioProxy } from '../calls/kamailio-proxy.ts';
import { writeScenarios, type Scenarios } from '../calls/scenarios.ts';
import { stopAllSipp } from '../calls/sipp-calls.ts';
import { checkSipp } from '../sip/sipp-register.ts';
import { freeSipPort } from '../sip/udp.ts';
import { callgridPlaying, callgridRecorded, startCallgridSide, type CallgridSide } from './callgrid-side.ts';
import { writeCallerScenarios } from './caller-scenario.ts';
import { NotBuiltYet, RecordingCounter, rtpenginePlayingDriver, twoPartyDriver, type CallKind, type Driver } from './drivers.ts';
import { holdStep, rampLevels, warmUp, type StepSettings } from './hold-step.ts';
import { MediaServerUas } from './media-server-uas.ts';
import { writePrompt } from './prompt.ts';
import { startRecordingKamailioProxy } from './recording-shims.ts';
import { printSummary, type Outcome, type ServerOutcomes } from './report.ts';
import { checkRtpengine, startRtpengine, type Rtpengine } from './rtpengine-daemon.ts';
import { TimingSink } from './timing-sink.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';

const num = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const list = (name: string, fallback: string): number[] => {
  const values = (process.env[name] ?? fallback).split(',').map(Number);
  if (values.some((value) => !Number.isFinite(value) || value <= 0)) throw new Error(`${name} must be a comma-separated list of positive numbers`);
  return values.map(Math.round).sort((a, b) => a - b);
};
const names = <T extends string>(name: string, fallback: string, allowed: readonly T[]): Set<T> => {
  const set = new Set((process.env[name] ?? fallback).split(',').map((item) => item.trim().toLowerCase()).filter(Boolean));
  for (const item of set) if (!(allowed as readonly string[]).includes(item)) throw new Error(`${name}: unknown ${item}; expected ${allowed.join(', ')}`);
  return set as Set<T>;
};

const settings = {
  servers: names('BENCH_SERVERS', 'rtpengine,callgrid', ['rtpengine', 'callgrid'] as const),
  parts: names('BENCH_PARTS', 'relayed,playing,recorded', ['relayed', 'playing', 'recorded'] as const),
  levels: list('BENCH_CONCURRENCY', QUICK ? '20,40' : '100,250,500'),
  holdSeconds: num('BENCH_HOLD_SECONDS', QUICK ? 1 : 15),
  setupRate: num('BENCH_SETUP_RATE', 50),
  promptSeconds: num('BENCH_PROMPT_SECONDS', 4),
  maxLossPercent: num('BENCH_MAX_LOSS_PERCENT', 0.1),
  maxLatePercent: num('BENCH_MAX_LATE_PERCENT', 0.5),
  goals: { playing: num('BENCH_GOAL_PLAYING', 1.0), recorded: num('BENCH_GOAL_RECORDED', 0.7) },
  kamailioChildren: Math.round(num('BENCH_KAMAILIO_CHILDREN', 4)),
  rtpengineThreads: Math.round(num('BENCH_RTPENGINE_THREADS', 2)),
  sinkProcesses: Math.round(num('BENCH_SINK_PROCESSES', 2)),
  nodeArgs: (process.env.BENCH_CALLGRID_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
  callgridEnv: Object.fromEntries(
    (process.env.BENCH_CALLGRID_ENV ?? '')
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        if (at <= 0 || !pair.startsWith('CALLGRID_')) throw new Error(`BENCH_CALLGRID_ENV: expected CALLGRID_NAME=value, got ${pair}`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
  ) as Record<string, string>,
};
const stepSettings: StepSettings = settings;

// Longest a level may take: placing + hold + placing (the last call's length) + SIPp's own margins.
const stepMax = (level: number) => (2 * level) / settings.setupRate + settings.holdSeconds + 45;
const partMax = settings.levels.reduce((sum, level) => sum + stepMax(level), 0) + 30;
/** The longest call of any step (hold + placing at the top level, as holdStep makes them). */
const longestCallSeconds = () => settings.holdSeconds + Math.max(...settings.levels) / settings.setupRate;
const budgetMs = (settings.servers.size * settings.parts.size * partMax + 120) * 1000;

const workDir = mkdtempSync(join(tmpdir(), 'callgrid-bench-apps-'));
const stoppers = new Set<() => Promise<unknown>>();
let sink: TimingSink | undefined;
let cleaned: Promise<void> | undefined;
const cleanup = () =>
  (cleaned ??= (async () => {
    stopAllSipp();
    await Promise.allSettled([...stoppers].map((stop) => stop()));
    await sink?.stop();
    if (process.env.BENCH_KEEP === '1') console.log(`bench: work directory kept: ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  })());
const watchdog = setTimeout(() => {
  console.error(`bench: gave up after ${Math.round(budgetMs / 1000)} s`);
  void cleanup().finally(() => process.exit(1));
}, budgetMs);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)));

/** Runs `start` (which may throw NotBuiltYet), ramps the driver it returns, then stops what it started. */
async function part(title: string, kind: CallKind, start: () => Promise<{ driver: Driver; stop?: () => Promise<unknown>; log?: () => string }>): Promise<Outcome> {
  if (!settings.parts.has(kind)) return { kind: 'skipped' };
  const ts = sink;
  if (!ts) throw new Error('no sink');
  let started: Awaited<ReturnType<typeof start>>;
  try {
    started = await start();
  } catch (error) {
    if (error instanceof NotBuiltYet) {
      console.log(`  ${title}: ${error.message}`);
      return { kind: 'not-built', reason: error.message };
    }
    console.log(`  ${title}: could not start: ${(error as Error).message}`);
    return { kind: 'failed', reason: `could not start: ${(error as Error).message.split('\n')[0] ?? ''}` };
  }
  const stop = async () => {
    await started.driver.stop();
    await started.stop?.();
  };
  stoppers.add(stop);
  try {
    const broken = await warmUp(started.driver, ts, `${kind}-${title.replace(/\W+/g, '-')}-warm-up`);
    if (broken !== undefined) {
      console.log(`  ${title}: one call does not work: ${broken}`);
      if (started.log) console.log(started.log().trim().split('\n').slice(-15).join('\n'));
      return { kind: 'failed', reason: `calls not working: ${broken}` };
    }
    console.log(`  ${title}: one call ok; held ${settings.holdSeconds} s, set up at ${settings.setupRate} calls/s`);
    const ramp = await rampLevels(settings.levels, QUICK ? 300 : 1000, async (level) => {
      const step = await holdStep(started.driver, ts, level, stepSettings, `${kind}-${title.replace(/\W+/g, '-')}-${level}`);
      console.log(`    ${String(level).padStart(5)} calls: ${step.line} -> ${step.passed ? 'held' : 'FAILED'}`);
      for (const problem of step.problems.slice(0, 4)) console.log(`      ${problem}`);
      return step;
    });
    // The server's log helps when calls themselves failed, not when the media was merely late.
    if ((ramp.steps[ramp.steps.length - 1]?.sipFailed ?? 0) > 0 && started.log) console.log(started.log().trim().split('\n').slice(-15).join('\n'));
    return { kind: 'measured', ramp, ...(started.driver.caveat ? { caveat: started.driver.caveat } : {}) };
  } finally {
    stoppers.delete(stop);
    await stop();
  }
}

const password = () => `Pw${randomBytes(6).toString('hex')}`;

async function rtpengineServer(scenarios: Scenarios, callerScenarios: readonly string[], promptFile: string): Promise<ServerOutcomes> {
  const ts = sink;
  if (!ts) throw new Error('no sink');
  const caller = { user: '100', authUser: '100', password: password() };
  const callee = { user: '101', authUser: '101', password: password() };
  const users = [caller, callee].map((a) => ({ username: a.authUser, password: a.password }));
  const twoParty = async (sub: string, recorded: boolean) => {
    const dir = join(workDir, sub);
    mkdirSync(dir);
    const spoolDir = join(dir, 'spool');
    const proxy: KamailioProxy = recorded
      ? await startRecordingKamailioProxy({ dir, spoolDir, users, children: settings.kamailioChildren, rtpengineThreads: settings.rtpengineThreads })
      : await startKamailioProxy({ dir, users, children: settings.kamailioChildren, rtpengineThreads: settings.rtpengineThreads });
    console.log(`bench: ${proxy.describe}; SIP on udp 127.0.0.1:${proxy.port}`);
    try {
      const driver = await twoPartyDriver({
        target: { host: proxy.host, port: proxy.port }, caller, callee, dial: '101', scenarios, sinkPorts: ts.ports, dir, maxSeconds: partMax + 60,
        // An rtpengine pcap holds a 24-byte file header before any packet.
        ...(recorded ? { recordings: new RecordingCounter(join(spoolDir, 'pcaps'), 24) } : {}),
      });
      return { driver, stop: () => proxy.stop(), log: () => proxy.log() };
    } catch (error) {
      await proxy.stop();
      throw error;
    }
  };
  const relayed = await part('Kamailio + rtpengine, relayed', 'relayed', () => twoParty('kamailio-relayed', false));
  const playing = await part('rtpengine, playing', 'playing', async () => {
    const dir = join(workDir, 'rtpengine-playing');
    mkdirSync(dir);
    // Loop "until BYE": more repeats than any call can use.
    const uas = await MediaServerUas.start({ sipPort: await freeSipPort(), promptFile, repeatTimes: 10_000 });
    let rtpengine: Rtpengine;
    try {
      rtpengine = await startRtpengine({ dir, threads: settings.rtpengineThreads, extraArgs: [`--dtmf-log-dest=127.0.0.1:${uas.dtmfLogPort}`] });
    } catch (error) {
      uas.close();
      throw error;
    }
    uas.useRtpengine(rtpengine.ng);
    console.log(`bench: ${rtpengine.describe}; its SIP UAS on udp 127.0.0.1:${uas.port}`);
    const driver = rtpenginePlayingDriver({ uas, callerScenarios, caller, dial: '5550100', dir });
    return {
      driver,
      stop: async () => {
        uas.close();
        await rtpengine.stop();
      },
      log: () => rtpengine.log(),
    };
  });
  const recorded = await part('Kamailio + rtpengine, recorded', 'recorded', () => twoParty('kamailio-recorded', true));
  return { relayed, playing, recorded };
}

async function callgridServer(scenarios: Scenarios, callerScenarios: readonly string[], promptFile: string): Promise<ServerOutcomes> {
  const ts = sink;
  if (!ts) throw new Error('no sink');
  let side: CallgridSide;
  try {
    side = await startCallgridSide({ repo: REPO, dir: workDir, nodeArgs: settings.nodeArgs, extraEnv: settings.callgridEnv, topLevel: settings.levels[settings.levels.length - 1] ?? 0 });
  } catch (error) {
    const reason = `could not start: ${(error as Error).message}`;
    console.log(`  Callgrid: ${reason}`);
    const failed: Outcome = { kind: 'failed', reason };
    return { relayed: failed, playing: failed, recorded: failed };
  }
  const stopPbx = () => side.pbx.stop();
  stoppers.add(stopPbx);
  console.log(`bench: Callgrid on ${side.pbx.httpBase} and udp ${side.target.host}:${side.target.port}`);
  try {
    const dir = join(workDir, 'callgrid');
    const relayed = await part('Callgrid, relayed', 'relayed', async () => ({
      driver: await twoPartyDriver({ target: side.target, caller: side.caller, callee: side.callee, dial: '101', scenarios, sinkPorts: ts.ports, dir, maxSeconds: partMax + 60 }),
      log: () => side.pbx.child.stderr(),
    }));
    const playing = await part('Callgrid, playing', 'playing', async () => ({
      driver: await callgridPlaying(side, { callerScenarios, promptFile, dir, longestCallSeconds: longestCallSeconds() }),
      log: () => side.pbx.child.stderr(),
    }));
    const recorded = await part('Callgrid, recorded', 'recorded', async () => ({
      ...(await callgridRecorded(side, { scenarios, sinkPorts: ts.ports, dir, maxSeconds: partMax + 60 })),
      log: () => side.pbx.child.stderr(),
    }));
    return { relayed, playing, recorded };
  } finally {
    const log = side.pbx.child.stderr();
    stoppers.delete(stopPbx);
    await stopPbx();
    if (log.trim()) console.log(`--- Callgrid stderr (tail) ---\n${log.trim().split('\n').slice(-10).join('\n')}`);
  }
}

async function main(): Promise<number> {
  checkSipp();
  if (settings.servers.has('rtpengine')) checkRtpengine();
  const [load = 0] = loadavg();
  if (load > availableParallelism() / 2) console.log(`bench: note: load average ${load.toFixed(1)} on ${availableParallelism()} CPUs; other work competes with this run`);
  const scenarios = writeScenarios(workDir);
  const promptFile = join(workDir, 'prompt.wav');
  writePrompt(promptFile, settings.promptSeconds);
  sink = await TimingSink.start(settings.sinkProcesses);
  const callerScenarios = writeCallerScenarios(workDir, sink.ports);
  console.log(`bench: RTP sinks on udp 127.0.0.1:${sink.ports.join(',')}; levels ${settings.levels.join(', ')} held ${settings.holdSeconds} s; parts ${[...settings.parts].join(', ')}${QUICK ? ' (quick)' : ''}`);
  const skipped: ServerOutcomes = { relayed: { kind: 'skipped' }, playing: { kind: 'skipped' }, recorded: { kind: 'skipped' } };
  const rtpengine = settings.servers.has('rtpengine') ? await rtpengineServer(scenarios, callerScenarios, promptFile) : skipped;
  const callgrid = settings.servers.has('callgrid') ? await callgridServer(scenarios, callerScenarios, promptFile) : skipped;
  printSummary(
    [
      ['rtpengine (+ Kamailio: c, b)', rtpengine],
      ['Callgrid', callgrid],
    ],
    { ...stepSettings, levels: settings.levels },
    settings.goals,
  );
  return 0;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(`bench: ${(error as Error).stack ?? (error as Error).message}`);
} finally {
  clearTimeout(watchdog);
  await cleanup();
}
process.exit(exitCode);
