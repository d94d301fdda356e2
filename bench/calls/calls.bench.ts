// Call benchmark: SIPp places G.711 (PCMU) calls with RTP through a server to a SIPp callee, first through Kamailio
// (proxy) with rtpengine relaying the media, then through Callgrid (B2BUA with its own RTP relay), then through
// Callgrid handing the plain calls' media to rtpengine (CALLGRID_RTPENGINE_NG), one server at a time, all on 127.0.0.1. Benchmarks are not tests: it prints figures, it asserts nothing.
//
// Run: npm run bench:calls      Quick run: BENCH_HOLD_SECONDS=5 BENCH_CONCURRENCY=50,100 BENCH_RATES=10,20 npm run bench:calls
//
// Method
// - Accounts: extension 100 (caller) and 101 (callee). Kamailio: subscribers 100/101 in a temp SQLite auth_db.
//   Callgrid: a scratch data dir (SQLite); a tenant (MANAGEDB tenant add) and the two extensions (MANAGEDB
//   extension add) through the API; on the shared domain they authenticate as `100-<TENANT>` / `101-<TENANT>`.
// - The callee is a SIPp UAS that first REGISTERs (digest, 401) from its own port, then answers every INVITE with
//   180 and 200. Its SDP answer names the RTP sink (rtp-sink.ts, separate Node processes) as its media address.
// - The caller is a SIPp UAC: INVITE sip:101@<server> with a PCMU offer, answers the 407 (or 401) challenge with
//   digest credentials (-au/-ap), ACK, then SIPp's `rtp_stream` plays a raw G.711 mu-law tone (20 ms packets,
//   50 packets/s, looped) to the address in the server's SDP answer, i.e. the relay, for the call's length, then BYE.
// - Media measurement: the relay forwards the caller's stream to the sink (BENCH_SINK_PROCESSES processes, one port
//   each, dealt to calls in turn), which counts each stream (source
//   address:port + SSRC) against its RTP sequence numbers (lost = expected - received, RFC 3550 A.3) and echoes every
//   packet back, so the relay carries media both ways as in a conversation. Loss is measured on the caller -> callee
//   direction; the echo is load only. Packets the kernel dropped at the sink's own sockets (/proc/net/udp) are
//   printed apart: they are loss on the measuring side, a sign the box is out of CPU, not necessarily the relay.
//   A call whose stream never reaches the sink counts as failed. SIPp 3.6's
//   -rtp_echo was not used because nothing would count what comes back, and pcap play needs one thread per call.
// - Call rate: steps of BENCH_RATES calls/s, each placing calls for BENCH_STEP_SECONDS with calls of
//   BENCH_CALL_SECONDS (default 2 s); a step passes with no failed call (SIP or media) and loss below
//   BENCH_MAX_LOSS_PERCENT; one retry per step; the figure is the highest passing step.
// - Concurrent calls: for each level N of BENCH_CONCURRENCY, N calls are set up at BENCH_SETUP_RATE calls/s and each
//   lasts BENCH_HOLD_SECONDS + N / BENCH_SETUP_RATE, so all N are up with media at once for BENCH_HOLD_SECONDS
//   (default 60). A level passes with no failed call, all N streams at the sink at the same time and loss below
//   BENCH_MAX_LOSS_PERCENT (default 0.1 %); the figure is the highest passing level.
// - Under each step: the server's CPU (all its processes and threads, from /proc) and, for Callgrid, its main
//   thread's event-loop delay (/healthz?stats=1) and how long that thread ran and waited for a CPU (schedstat), which
//   tells a loop starved by a busy box from one blocked by its own work (server-probe.ts).
// - Everything (SIPp both sides, the sink, the server and its relay) shares this machine's CPUs: the figures are
//   for comparison between the two servers on the same box, not absolute capacity.
//
// Environment knobs
//   BENCH_SERVERS=kamailio,callgrid,callgrid-rtpengine   which servers to run (callgrid-rtpengine: Callgrid with
//     CALLGRID_RTPENGINE_NG set to an rtpengine of its own, BENCH_RTPENGINE_THREADS threads, and the tenant's
//     RECORDING=no, so its calls may go there: pbx/calls/offload-decision.ts)
//   BENCH_PARTS=rate,hold             which measurements to run
//   BENCH_RATES=10,25,50,100,150,200,300,400,500   calls/s steps      BENCH_STEP_SECONDS=5   BENCH_CALL_SECONDS=2
//   BENCH_CONCURRENCY=100,250,500,750,1000 held-call levels  BENCH_HOLD_SECONDS=60  BENCH_SETUP_RATE=50
//   BENCH_MAX_LOSS_PERCENT=0.1   BENCH_GOAL_RATE=100   BENCH_GOAL_CONCURRENT=500
//   BENCH_KAMAILIO_CHILDREN=4   BENCH_RTPENGINE_THREADS=2   BENCH_SINK_PROCESSES=2 (RTP sink processes, ports dealt per call)
//   BENCH_CALLGRID_NODE_ARGS='--cpu-prof ...'   BENCH_CALLGRID_ENV='CALLGRID_X=1,CALLGRID_Y=2' (extra settings)
//     e.g. CALLGRID_RTP_WORKERS=1 (one relay worker, as before the pool); with --cpu-prof add CALLGRID_DRAIN_SECONDS=0,
//     or the stop drains for 300 s, is killed and writes no profile (one .cpuprofile per thread, relay workers too)
//   BENCH_SIPP_TRACE=1   SIPp writes every message (-trace_msg) and the work directory is kept and named at the end
//
// Needs the Debian packages sip-tester (SIPp 3.6.1 built with RTPSTREAM), kamailio, kamailio-sqlite-modules and
// rtpengine-daemon (install it with --no-install-recommends; it runs here in userspace only, --table=-1, so neither
// rtpengine-kernel-dkms nor iptables rules are needed).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { guardRun } from '../shared/bench-run.ts';
import { callgridSettings, namesOf, positiveNumber, positiveNumbers, words } from '../shared/env-knobs.ts';
import { startBenchRtpengine, type BenchRtpengine } from '../shared/rtpengine.ts';
import { stopAllSipp } from '../shared/sipp-process.ts';
import { checkSipp } from '../sip/sipp-register.ts';
import { freeSipPort } from '../sip/udp.ts';
import { createExtensions, createTenant, setTenantSetting, sipAnswers, startCallgridPbx, type CallgridPbx } from './callgrid-pbx.ts';
import { startKamailioProxy, type KamailioProxy } from './kamailio-proxy.ts';
import { RtpSink, type SinkReport } from './rtp-sink.ts';
import { groupMembers, stepProbe, type StepProbe } from './server-probe.ts';
import { writeScenarios, type Scenarios } from './scenarios.ts';
import { registerCallee, runCalls, startUas, type Account, type CallStepResult, type Target } from './sipp-calls.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TENANT = 'CALLS';

const settings = {
  servers: namesOf('BENCH_SERVERS', 'kamailio,callgrid,callgrid-rtpengine', ['kamailio', 'callgrid', 'callgrid-rtpengine']),
  parts: namesOf('BENCH_PARTS', 'rate,hold', ['rate', 'hold']),
  rates: positiveNumbers('BENCH_RATES', '10,25,50,100,150,200,300,400,500'),
  stepSeconds: positiveNumber('BENCH_STEP_SECONDS', 5),
  callSeconds: positiveNumber('BENCH_CALL_SECONDS', 2),
  levels: positiveNumbers('BENCH_CONCURRENCY', '100,250,500,750,1000').map(Math.round),
  holdSeconds: positiveNumber('BENCH_HOLD_SECONDS', 60),
  setupRate: positiveNumber('BENCH_SETUP_RATE', 50),
  maxLossPercent: positiveNumber('BENCH_MAX_LOSS_PERCENT', 0.1),
  goalRate: positiveNumber('BENCH_GOAL_RATE', 100),
  goalConcurrent: positiveNumber('BENCH_GOAL_CONCURRENT', 500),
  kamailioChildren: Math.round(positiveNumber('BENCH_KAMAILIO_CHILDREN', 4)),
  rtpengineThreads: Math.round(positiveNumber('BENCH_RTPENGINE_THREADS', 2)),
  sinkProcesses: Math.round(positiveNumber('BENCH_SINK_PROCESSES', 2)),
  nodeArgs: words('BENCH_CALLGRID_NODE_ARGS'),
  callgridEnv: callgridSettings('BENCH_CALLGRID_ENV'),
};

const workDir = mkdtempSync(join(tmpdir(), 'callgrid-bench-calls-'));
let sink: RtpSink | undefined;
let kamailio: KamailioProxy | undefined;
let callgrid: CallgridPbx | undefined;
/** The rtpengine Callgrid hands plain calls to (callgrid-rtpengine). */
let offloadEngine: BenchRtpengine | undefined;
const cleanup = async () => {
  stopAllSipp();
  await Promise.allSettled([kamailio?.stop(), callgrid?.stop(), sink?.stop()]);
  await offloadEngine?.stop();
  if (process.env.BENCH_SIPP_TRACE === '1') console.log(`bench: SIPp traces kept in ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
};

// Longest a step may take: SIPp's own -timeout is placing + call + 31 s; the budget allows that for every step.
const rateStepMax = () => settings.stepSeconds + settings.callSeconds + 45;
// Placing the calls takes N / setup rate, and each lasts hold + N / setup rate.
const holdStepMax = (level: number) => (2 * level) / settings.setupRate + settings.holdSeconds + 45;
const perServer =
  (settings.parts.has('rate') ? settings.rates.length * 2 * rateStepMax() : 0) +
  (settings.parts.has('hold') ? settings.levels.reduce((sum, level) => sum + holdStepMax(level), 0) : 0) +
  120;
const guarded = guardRun({ cleanup, budgetMs: (settings.servers.size * perServer + 60) * 1000, stack: true });

interface Server {
  readonly name: string;
  /** The server's CPU (and Callgrid's event-loop delay) during each step. */
  readonly probe?: StepProbe;
  readonly target: Target;
  readonly caller: Account;
  readonly callee: Account;
  /** The callee's number as dialled (Request-URI user). */
  readonly dial: string;
  /** After the first call: why the server is not set up as meant (e.g. calls that did not reach rtpengine). */
  readonly check?: () => Promise<string | undefined>;
}

interface Ramp {
  /** Highest passing figure; 0 when not even the first step passed. */
  readonly best: number;
  readonly toppedOut: boolean;
}

type Outcome =
  | { readonly kind: 'skipped' }
  /** The server could not be measured: why, e.g. 'calls not working yet: SIP/2.0 404 Not Found'. */
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'measured'; readonly rate?: Ramp; readonly hold?: Ramp };

interface Judged {
  readonly passed: boolean;
  readonly line: string;
  readonly problems: string[];
}

const lossPercent = (media: SinkReport) => (media.expected > 0 ? (100 * media.lost) / media.expected : 0);

/** rtp_stream sends one packet per 20 ms. */
const PACKETS_PER_SECOND = 50;

/** A step's SIP outcome and what the sink saw, as one line and a verdict. */
function judge(step: CallStepResult, media: SinkReport, extra: { callSeconds: number; needPeak?: number }): Judged {
  const problems = [...step.problems];
  // Sequence numbers cannot show a stream cut short at its end: compare with what the calls should have carried.
  const nominal = step.successful * extra.callSeconds * PACKETS_PER_SECOND;
  const coverage = nominal > 0 ? (100 * media.received) / nominal : 100;
  if (coverage < 90) problems.push(`the callee got ${coverage.toFixed(1)} % of the packets the calls should have carried: streams cut short?`);
  const withoutMedia = Math.max(0, step.successful - media.streams);
  if (withoutMedia > 0) problems.push(`${withoutMedia} answered calls had no RTP at the callee`);
  const loss = lossPercent(media);
  if (loss >= settings.maxLossPercent) problems.push(`RTP loss ${loss.toFixed(3)} % >= ${settings.maxLossPercent} %`);
  if (extra.needPeak !== undefined && media.peakActive < extra.needPeak) problems.push(`only ${media.peakActive} streams were up at the same time, not ${extra.needPeak}`);
  if (media.streams > 1 && media.sources === 1) problems.push('all streams came from one address: is the media relayed at all?');
  const passed = step.failed === 0 && step.successful === step.calls && problems.length === 0;
  const line =
    `${step.successful}/${step.calls} calls ok, ${step.failed} failed, ${step.retransmissions} retrans; ` +
    `RTP ${media.received} pkts in ${media.streams} streams from ${media.sources} ports, lost ${media.lost} (${loss.toFixed(3)} %${media.sinkDrops > 0 ? `, ${media.sinkDrops} of them dropped at the sink's own socket` : ''}), ${coverage.toFixed(1)} % of nominal, peak ${media.peakActive} streams; ` +
    `${step.elapsedSeconds.toFixed(1)} s`;
  return { passed, line, problems };
}

async function step(server: Server, scenarios: Scenarios, dir: string, label: string, rate: number, calls: number, callSeconds: number, needPeak?: number): Promise<Judged> {
  if (!sink) throw new Error('no RTP sink');
  await sink.reset();
  await server.probe?.start();
  const result = await runCalls({
    target: server.target,
    scenario: scenarios.uac,
    caller: server.caller,
    callee: server.dial,
    localPort: await freeSipPort(),
    mediaPort: await freeSipPort(),
    rate,
    calls,
    callSeconds,
    dir,
    label,
  });
  const probed = await server.probe?.end();
  // The last packets and echoes are in flight for a few ms after the last BYE.
  await sleep(300);
  const judged = judge(result, await sink.report(), needPeak === undefined ? { callSeconds } : { callSeconds, needPeak });
  return probed === undefined ? judged : { ...judged, line: `${judged.line}\n      ${probed}` };
}

/** One server: register the callee, start it, a single call as a smoke check, then the ramps. */
async function measure(server: Server, scenarios: Scenarios, dir: string): Promise<Outcome> {
  if (!sink) throw new Error('no RTP sink');
  const uasPort = await freeSipPort();
  const registered = await registerCallee(server.target, server.callee, scenarios.register, uasPort, dir);
  if (registered !== undefined) return { kind: 'failed', reason: `calls not working yet: REGISTER of ${server.callee.authUser} failed: ${registered}` };
  const uas = startUas({ scenario: scenarios.uas, localPort: uasPort, mediaPort: await freeSipPort(), aor: server.callee.user, sinkPorts: sink.ports, dir, maxSeconds: perServer + 60 });
  try {
    // SIPp binds its socket within milliseconds; a retransmitted INVITE would cover a slow start anyway.
    await sleep(300);
    const smoke = await step(server, scenarios, dir, `${server.name}-smoke`, 1, 1, 2);
    if (!smoke.passed) {
      const seen = smoke.problems.join('; ') || smoke.line;
      const uasSide = uas.errors();
      return { kind: 'failed', reason: `calls not working yet: ${seen}${uasSide.length > 0 ? ` (callee saw: ${uasSide.join('; ')})` : ''}` };
    }
    const wrong = await server.check?.();
    if (wrong !== undefined) return { kind: 'failed', reason: wrong };
    console.log(`  ${server.name}: one call ok: ${smoke.line}`);

    let rate: Ramp | undefined;
    if (settings.parts.has('rate')) {
      console.log(`  ${server.name}: call rate, ${settings.callSeconds} s calls placed for ${settings.stepSeconds} s per step`);
      rate = await ramp(settings.rates, 2, (value, attempt) =>
        step(server, scenarios, dir, `${server.name}-rate-${value}-${attempt}`, value, Math.max(1, Math.round(value * settings.stepSeconds)), settings.callSeconds).then((judged) => {
          console.log(`    ${String(value).padStart(5)} calls/s${attempt > 1 ? ' again' : ''}: ${judged.line} -> ${judged.passed ? 'ok' : 'FAILED'}`);
          for (const problem of judged.problems.slice(0, 3)) console.log(`      ${problem}`);
          return judged.passed;
        }),
      );
    }
    let hold: Ramp | undefined;
    if (settings.parts.has('hold')) {
      console.log(`  ${server.name}: concurrent calls held ${settings.holdSeconds} s with media (set up at ${settings.setupRate} calls/s)`);
      hold = await ramp(settings.levels, 1, (level) => {
        const setup = level / settings.setupRate;
        return step(server, scenarios, dir, `${server.name}-hold-${level}`, settings.setupRate, level, settings.holdSeconds + setup, level).then((judged) => {
          console.log(`    ${String(level).padStart(5)} calls: ${judged.line} -> ${judged.passed ? 'held' : 'FAILED'}`);
          for (const problem of judged.problems.slice(0, 3)) console.log(`      ${problem}`);
          return judged.passed;
        });
      });
    }
    return { kind: 'measured', ...(rate ? { rate } : {}), ...(hold ? { hold } : {}) };
  } finally {
    await uas.stop();
  }
}

/** Ascending steps until one fails `tries` times; a pause between runs lets the server drain. */
async function ramp(values: readonly number[], tries: number, run: (value: number, attempt: number) => Promise<boolean>): Promise<Ramp> {
  let best = 0;
  for (const value of values) {
    let passed = false;
    for (let attempt = 1; attempt <= tries && !passed; attempt++) {
      passed = await run(value, attempt);
      await sleep(1000);
    }
    if (!passed) return { best, toppedOut: false };
    best = value;
  }
  return { best, toppedOut: true };
}

async function benchKamailio(scenarios: Scenarios): Promise<Outcome> {
  const dir = join(workDir, 'kamailio');
  mkdirSync(dir);
  const password = () => `Pw${randomBytes(6).toString('hex')}`;
  const caller = { user: '100', authUser: '100', password: password() };
  const callee = { user: '101', authUser: '101', password: password() };
  try {
    kamailio = await startKamailioProxy({ dir, users: [{ username: caller.authUser, password: caller.password }, { username: callee.authUser, password: callee.password }], children: settings.kamailioChildren, rtpengineThreads: settings.rtpengineThreads });
  } catch (error) {
    return { kind: 'failed', reason: `could not start: ${(error as Error).message}` };
  }
  console.log(`bench: ${kamailio.describe}; SIP on udp 127.0.0.1:${kamailio.port}`);
  try {
    const proxy = kamailio;
    const probe = stepProbe(() => proxy.pids());
    const outcome = await measure({ name: 'Kamailio', probe, target: { host: kamailio.host, port: kamailio.port }, caller, callee, dial: '101' }, scenarios, dir);
    if (outcome.kind === 'failed') console.log(kamailio.log());
    return outcome;
  } finally {
    await kamailio.stop();
    kamailio = undefined;
  }
}

async function benchCallgrid(scenarios: Scenarios, offload: boolean): Promise<Outcome> {
  const dataDir = join(workDir, offload ? 'callgrid-rtpengine' : 'callgrid');
  mkdirSync(dataDir, { mode: 0o700 });
  let engine: BenchRtpengine | undefined;
  try {
    if (offload) engine = offloadEngine = await startBenchRtpengine({ dir: dataDir, threads: settings.rtpengineThreads });
    const extraEnv = engine === undefined ? settings.callgridEnv : { ...settings.callgridEnv, CALLGRID_RTPENGINE_NG: `udp:127.0.0.1:${engine.ngPort}` };
    callgrid = await startCallgridPbx({ repo: REPO, dataDir, nodeArgs: settings.nodeArgs, extraEnv });
  } catch (error) {
    await engine?.stop();
    offloadEngine = undefined;
    return { kind: 'failed', reason: `could not start: ${(error as Error).message}` };
  }
  const pbx = callgrid;
  const name = offload ? 'Callgrid+rtpengine' : 'Callgrid';
  try {
    console.log(`bench: ${name} on ${pbx.httpBase} and udp ${pbx.sipHost}:${pbx.sipPort}${engine ? `; rtpengine (userspace, ${settings.rtpengineThreads} threads) ng on 127.0.0.1:${engine.ngPort}` : ''}`);
    const tenantProblem = await createTenant(pbx, TENANT);
    if (tenantProblem) return { kind: 'failed', reason: `could not create tenant ${TENANT}: ${tenantProblem}` };
    // A call may go to rtpengine only when its recording can be neither on nor switched on (offload-decision.ts).
    const settingProblem = offload ? await setTenantSetting(pbx, TENANT, 'RECORDING', 'no') : undefined;
    if (settingProblem) return { kind: 'failed', reason: `could not set RECORDING=no: ${settingProblem}` };
    const password = () => `Pw${randomBytes(6).toString('hex')}9`;
    const extensions = ['100', '101'].map((number) => ({ number, username: `${number}-${TENANT}`, password: password() }));
    const extensionProblem = await createExtensions(pbx, TENANT, extensions);
    if (extensionProblem) return { kind: 'failed', reason: `could not create extensions 100 and 101: ${extensionProblem}` };
    const [ext100, ext101] = extensions;
    if (!ext100 || !ext101) throw new Error('unreachable');
    if (!(await sipAnswers(pbx))) return { kind: 'failed', reason: `calls not working yet: no SIP answer on udp ${pbx.sipHost}:${pbx.sipPort}` };
    const account = (ext: typeof ext100): Account => ({ user: ext.username, authUser: ext.username, password: ext.password });
    const pids = () => [pbx.child.process.pid, ...(engine ? groupMembers([engine.pid]) : [])].filter((pid): pid is number => pid !== undefined);
    const probe = stepProbe(pids, pbx.httpBase);
    // The smoke call must have been rtpengine's: a node that fell back to its relay would measure the relay again.
    const check = engine === undefined ? undefined : async () => ((await engine.totals())?.sessions ?? 0) > 0 ? undefined : 'calls not working yet: the first call did not reach rtpengine (it stayed on the built-in relay)';
    const outcome = await measure({ name, probe, target: { host: pbx.sipHost, port: pbx.sipPort }, caller: account(ext100), callee: account(ext101), dial: '101', ...(check ? { check } : {}) }, scenarios, join(dataDir));
    const totals = await engine?.totals();
    if (totals) console.log(`  ${name}: rtpengine managed ${totals.sessions} calls and relayed ${totals.packets} packets in userspace`);
    return outcome;
  } finally {
    const log = pbx.child.stderr();
    await pbx.stop();
    await engine?.stop();
    offloadEngine = undefined;
    callgrid = undefined;
    if (log.trim()) console.log(`--- Callgrid stderr (tail) ---\n${log.trim().split('\n').slice(-15).join('\n')}`);
  }
}

function figure(outcome: Outcome, part: 'rate' | 'hold', first: number): string {
  if (outcome.kind === 'skipped') return 'skipped';
  if (outcome.kind === 'failed') return 'not measured';
  const result = outcome[part];
  if (!result) return 'skipped';
  if (result.best === 0) return `< ${first}`;
  return result.toppedOut ? `>= ${result.best}` : String(result.best);
}

function ratio(kam: Outcome, cg: Outcome, part: 'rate' | 'hold', first: number): string {
  if (kam.kind !== 'measured' || cg.kind !== 'measured') return 'n/a';
  const k = kam[part];
  const c = cg[part];
  if (!k || !c || k.best === 0 || (k.toppedOut && c.toppedOut)) return 'n/a';
  const bound = c.best === 0 ? '< ' : k.toppedOut ? '<= ' : c.toppedOut ? '>= ' : '';
  return `${bound}${((c.best === 0 ? first : c.best) / k.best).toFixed(2)}`;
}

function printSummary(kam: Outcome, cg: Outcome, cgr: Outcome): void {
  const firstRate = settings.rates[0] ?? 0;
  const firstLevel = settings.levels[0] ?? 0;
  const row = (a: string, b: string, c: string) => console.log(`${a.padEnd(30)}${b.padStart(22)}${c.padStart(28)}`);
  console.log(`\nG.711 PCMU calls with RTP both ways, UDP, 127.0.0.1; loss limit ${settings.maxLossPercent} % (caller -> callee, sequence numbers at the sink)\n`);
  row('server', `calls/s (${settings.callSeconds} s calls)`, `concurrent held ${settings.holdSeconds} s`);
  row('Kamailio + rtpengine', figure(kam, 'rate', firstRate), figure(kam, 'hold', firstLevel));
  row('Callgrid (B2BUA + relay)', figure(cg, 'rate', firstRate), figure(cg, 'hold', firstLevel));
  row('Callgrid + rtpengine (offload)', figure(cgr, 'rate', firstRate), figure(cgr, 'hold', firstLevel));
  row('Callgrid/Kamailio', ratio(kam, cg, 'rate', firstRate), ratio(kam, cg, 'hold', firstLevel));
  row('Callgrid+rtpengine/Kamailio', ratio(kam, cgr, 'rate', firstRate), ratio(kam, cgr, 'hold', firstLevel));
  for (const [name, outcome] of [['Kamailio', kam], ['Callgrid', cg], ['Callgrid+rtpengine', cgr]] as const) {
    if (outcome.kind === 'failed') console.log(`${name}: ${outcome.reason}`);
  }
  const rateMet = cg.kind === 'measured' && (cg.rate?.best ?? 0) >= settings.goalRate;
  const holdMet = cg.kind === 'measured' && (cg.hold?.best ?? 0) >= settings.goalConcurrent;
  console.log(`\ngoals (Callgrid): >= ${settings.goalRate} calls/s: ${rateMet ? 'met' : 'NOT met'}; >= ${settings.goalConcurrent} concurrent relayed calls: ${holdMet ? 'met' : 'NOT met'}`);
  console.log(
    `load: one SIPp caller (rtp_stream), one SIPp callee, the RTP sink and the server share the same ${availableParallelism()} CPUs; ` +
      `'>=' means every step up to the highest tried (BENCH_RATES / BENCH_CONCURRENCY) passed.`,
  );
}

async function main(): Promise<number> {
  checkSipp();
  const [load = 0] = loadavg();
  if (load > availableParallelism() / 2) console.log(`bench: note: load average ${load.toFixed(1)} on ${availableParallelism()} CPUs; other work competes with this run`);
  const scenarios = writeScenarios(workDir);
  sink = await RtpSink.start(settings.sinkProcesses);
  console.log(
    `bench: RTP sink on udp 127.0.0.1:${sink.ports.join(',')}; ` +
      `${settings.parts.has('rate') ? `rates ${settings.rates.join(', ')} calls/s; ` : ''}` +
      `${settings.parts.has('hold') ? `held levels ${settings.levels.join(', ')} for ${settings.holdSeconds} s` : ''}`,
  );
  const kam: Outcome = settings.servers.has('kamailio') ? await benchKamailio(scenarios) : { kind: 'skipped' };
  const cg: Outcome = settings.servers.has('callgrid') ? await benchCallgrid(scenarios, false) : { kind: 'skipped' };
  const cgr: Outcome = settings.servers.has('callgrid-rtpengine') ? await benchCallgrid(scenarios, true) : { kind: 'skipped' };
  printSummary(kam, cg, cgr);
  return 0;
}

await guarded.finish(main);
