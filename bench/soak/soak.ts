// Soak run (issue 15): the real server (`callgrid start` on a scratch SQLite data dir) under a steady mix for a long
// time, printing every report period what would show a leak or a lost CDR. It is a stability run of Callgrid
// alone: no peer server is measured beside it.
//
// Run: npm run soak          (60 minutes)      Short: SOAK_SECONDS=20 SOAK_REPORT_SECONDS=5 npm run soak
//
// What runs, all on 127.0.0.1, through the same parts as the call bench (bench/calls) and the registration bench
// (bench/sip):
// - calls: a SIPp UAC places SOAK_RATE calls/s (default 2) from extension 100 to 101, each SOAK_CALL_SECONDS long
//   (default 3) with a G.711 tone streamed; a SIPp UAS registered as 101 answers with an RTP sink (rtp-sink.ts) as
//   its media address, which counts and echoes the relayed stream. One SIPp run per report period: the period's
//   calls are all over (and their CDRs written) when its figures are taken, so calls made and CDRs compare
//   exactly; between periods the rate pauses for the last call's length and SIPp's start (a few seconds).
// - registrations: SOAK_REG_USERS extensions (default 20) re-REGISTER (digest) at SOAK_REG_RATE per second
//   (default 2), in turn, so each refreshes its binding every users/rate seconds from the same contact.
// - API reads: every SOAK_API_INTERVAL_MS (default 1000) INFO cdrs (of the current period), PEERS and CHANNELS.
// - each period (SOAK_REPORT_SECONDS, default 60): calls completed and failed, CDR rows and calls in INFO cdrs for
//   the period against the calls SIPp placed, registrations, API reads, and the node's RSS, heap, open file
//   handles (/proc/<pid>/fd) and event-loop delay (/healthz?stats=1).
// - at the end a verdict: no failed call, registration or read; CDR calls == calls made over the whole run, counted
//   once the node has no channel left (a period's count is printed too; a call still ending when it is taken, e.g.
//   one SIPp gave up on, is in the next count only); memory and handles flat after SOAK_WARMUP_SECONDS (default a sixth of the run, at most 300 s):
//   the last third of the samples against the first third (node-figures.ts). Exit 0 on PASS, 1 on FAIL.
//
// Needs SIPp (Debian sip-tester) on the PATH.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createExtensions, createTenant, sipAnswers, startCallgridPbx, type CallgridPbx } from '../calls/callgrid-pbx.ts';
import { RtpSink } from '../calls/rtp-sink.ts';
import { writeScenarios } from '../calls/scenarios.ts';
import { registerCallee, runCalls, startUas, type Account } from '../calls/sipp-calls.ts';
import { stopAllSipp } from '../shared/sipp-process.ts';
import { provisionExtensions } from '../sip/callgrid.ts';
import { checkSipp, runStep, writeScenario } from '../sip/sipp-register.ts';
import { freeSipPort } from '../sip/udp.ts';
import { makeUsers, writeInjectionFiles } from '../sip/users.ts';
import { ApiReader, countCdrs, liveChannels } from './api-reads.ts';
import { judgeFlatness, sampleNode, sampleText, type NodeSample } from './node-figures.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TENANT = 'SOAK';

const num = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

const totalSeconds = process.env.SOAK_SECONDS !== undefined ? num('SOAK_SECONDS', 20) : num('SOAK_MINUTES', 60) * 60;
const settings = {
  totalSeconds,
  reportSeconds: Math.min(num('SOAK_REPORT_SECONDS', 60), totalSeconds),
  rate: num('SOAK_RATE', 2),
  callSeconds: num('SOAK_CALL_SECONDS', 3),
  regUsers: Math.round(num('SOAK_REG_USERS', 20)),
  regRate: num('SOAK_REG_RATE', 2),
  apiIntervalMs: num('SOAK_API_INTERVAL_MS', 1000),
  warmupSeconds: process.env.SOAK_WARMUP_SECONDS !== undefined ? Number(process.env.SOAK_WARMUP_SECONDS) : Math.min(300, totalSeconds / 6),
};

const workDir = mkdtempSync(join(tmpdir(), 'callgrid-soak-'));
let pbx: CallgridPbx | undefined;
let sink: RtpSink | undefined;
let cleaned: Promise<void> | undefined;
const cleanup = () =>
  (cleaned ??= (async () => {
    stopAllSipp();
    await Promise.allSettled([pbx?.stop(), sink?.stop()]);
    rmSync(workDir, { recursive: true, force: true });
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)));
// A wedged part must not keep a CI job forever: each period is bounded by SIPp's own -timeout, this bounds the whole.
const watchdog = setTimeout(() => {
  console.error('soak: gave up: the run overran its time by far');
  void cleanup().finally(() => process.exit(1));
}, (settings.totalSeconds * 2 + 180) * 1000);

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

interface Totals {
  made: number;
  completed: number;
  failed: number;
  cdrRows: number;
  cdrCalls: number;
  withoutMedia: number;
  regOk: number;
  regFailed: number;
  apiOk: number;
  apiFailed: number;
  problems: string[];
}

async function main(): Promise<number> {
  checkSipp();
  const dataDir = join(workDir, 'data');
  const regDir = join(workDir, 'register');
  mkdirSync(dataDir, { mode: 0o700 });
  mkdirSync(regDir);
  sink = await RtpSink.start(1);
  pbx = await startCallgridPbx({ repo: REPO, dataDir, nodeArgs: [], extraEnv: {} });
  const node = pbx;
  const fail = (what: string) => {
    throw new Error(`${what} (Callgrid stderr: ${node.child.stderr().trim().split('\n').slice(-5).join(' | ')})`);
  };
  const tenantProblem = await createTenant(node, TENANT);
  if (tenantProblem) fail(`could not create tenant ${TENANT}: ${tenantProblem}`);
  const password = () => `Pw${randomBytes(6).toString('hex')}9`;
  const [ext100, ext101] = ['100', '101'].map((number) => ({ number, username: `${number}-${TENANT}`, password: password() }));
  if (!ext100 || !ext101) throw new Error('unreachable');
  const extProblem = await createExtensions(node, TENANT, [ext100, ext101]);
  if (extProblem) fail(`could not create extensions 100 and 101: ${extProblem}`);
  const users = makeUsers(settings.regUsers, TENANT);
  const provisioned = await provisionExtensions(node, TENANT, users, 4);
  if (!provisioned.ok) fail(`could not create the registering extensions: ${provisioned.answer}`);
  if (!(await sipAnswers(node))) fail('no SIP answer');

  const target = { host: node.sipHost, port: node.sipPort };
  const account = (ext: typeof ext100): Account => ({ user: ext.username, authUser: ext.username, password: ext.password });
  const scenarios = writeScenarios(workDir);
  const uasPort = await freeSipPort();
  const registered = await registerCallee(target, account(ext101), scenarios.register, uasPort, workDir);
  if (registered !== undefined) fail(`the callee could not register: ${registered}`);
  const uas = startUas({ scenario: scenarios.uas, localPort: uasPort, mediaPort: await freeSipPort(), aor: ext101.username, sinkPorts: sink.ports, dir: workDir, maxSeconds: settings.totalSeconds * 2 + 120 });
  const regScenario = writeScenario(regDir);
  const regFiles = writeInjectionFiles(regDir, users, 1);
  const regPorts = [await freeSipPort()];
  const apiTarget = { httpBase: node.httpBase, adminKey: node.adminKey, tenant: TENANT };
  const api = new ApiReader(apiTarget, settings.apiIntervalMs);

  console.log(
    `soak: Callgrid pid ${String(node.child.process.pid)} on ${node.httpBase}, udp ${node.sipHost}:${node.sipPort}; ${settings.totalSeconds} s, report every ${settings.reportSeconds} s; ` +
      `${settings.rate} calls/s of ${settings.callSeconds} s with RTP, ${settings.regUsers} extensions re-registering at ${settings.regRate}/s, API reads every ${settings.apiIntervalMs} ms; warm-up ${settings.warmupSeconds} s`,
  );
  const started = Date.now();
  const samples: NodeSample[] = [];
  const t: Totals = { made: 0, completed: 0, failed: 0, cdrRows: 0, cdrCalls: 0, withoutMedia: 0, regOk: 0, regFailed: 0, apiOk: 0, apiFailed: 0, problems: [] };
  const note = (problem: string) => {
    if (t.problems.length < 20) t.problems.push(problem);
  };
  const baseline = await sampleNode(node.httpBase, 0);
  console.log(`[${clock(0)}] node at start: ${sampleText(baseline)}`);
  api.start();
  try {
    for (let period = 1; (Date.now() - started) / 1000 < settings.totalSeconds - 0.5; period++) {
      const periodStart = Date.now();
      api.windowStartMs = periodStart;
      const seconds = Math.min(settings.reportSeconds, settings.totalSeconds - (periodStart - started) / 1000);
      const calls = Math.max(1, Math.round(settings.rate * seconds));
      await sink.reset();
      const [callStep, regStep] = await Promise.all([
        runCalls({ target, scenario: scenarios.uac, caller: account(ext100), callee: '101', localPort: await freeSipPort(), mediaPort: await freeSipPort(), rate: settings.rate, calls, callSeconds: settings.callSeconds, dir: workDir, label: `p${period}` }),
        runStep({ host: target.host, port: target.port, scenario: regScenario, injectionFiles: regFiles, localPorts: regPorts, rate: settings.regRate, seconds, dir: regDir, label: `p${period}` }),
      ]);
      if (node.child.process.exitCode !== null || node.child.process.signalCode !== null) fail('Callgrid exited during the soak');
      // The CDR of a call is written as its BYE is answered; give the store a moment.
      await sleep(500);
      const cdr = await countCdrs(apiTarget, periodStart, Date.now());
      const media = await sink.report();
      const at = (Date.now() - started) / 1000;
      const sample = await sampleNode(node.httpBase, at);
      samples.push(sample);
      const reads = api.take();
      const withoutMedia = Math.max(0, callStep.successful - media.streams);
      t.made += callStep.calls;
      t.completed += callStep.successful;
      t.failed += callStep.failed;
      t.cdrRows += cdr.rows;
      t.cdrCalls += cdr.calls;
      t.withoutMedia += withoutMedia;
      t.regOk += regStep.successful;
      t.regFailed += regStep.failed;
      t.apiOk += reads.ok;
      t.apiFailed += reads.failed;
      for (const problem of [...callStep.problems, ...regStep.problems]) note(`period ${period}: ${problem}`);
      // A call SIPp gave up on may still be ending on the node (e.g. waiting 32 s for an ACK): its CDR comes later,
      // after this period's count, and is in the whole-run count at the end.
      if (cdr.calls !== callStep.calls) note(`period ${period}: ${cdr.calls} calls in INFO cdrs for ${callStep.calls} placed when counted`);
      if (withoutMedia > 0) note(`period ${period}: ${withoutMedia} answered calls had no RTP at the callee`);
      console.log(
        `[${clock(at)}] calls ${callStep.successful} ok, ${callStep.failed} failed of ${callStep.calls} (total ${t.completed}/${t.made}); ` +
          `CDRs ${cdr.rows} rows, ${cdr.calls} calls (total ${t.cdrCalls} for ${t.made} made); RTP ${media.streams} streams, ${media.lost} lost of ${media.expected}; ` +
          `registrations ${regStep.successful} ok, ${regStep.failed} failed; API reads ${reads.ok} ok, ${reads.failed} failed, slowest ${reads.slowestMs} ms; ` +
          `node: ${sampleText(sample)}`,
      );
    }
  } finally {
    await api.stop();
    await uas.stop();
  }
  for (const problem of api.problems) note(`API: ${problem}`);
  // Calls SIPp aborted may still be ending on the node (an unACKed 2xx is retransmitted for 32 s): wait for them.
  for (let waited = 0; waited < 40 && (await liveChannels(apiTarget).catch(() => 0)) > 0; waited++) await sleep(1000);
  // The whole run at once, as a billing export would read it: nothing counted twice or lost between periods.
  const whole = await countCdrs(apiTarget, started - 1000, Date.now());
  return verdict(t, whole.calls, whole.rows, samples);
}

function verdict(t: Totals, wholeCalls: number, wholeRows: number, samples: readonly NodeSample[]): number {
  // The whole-run count decides: a period's count misses the calls still ending when it was taken (noted above).
  const cdrsMatch = wholeCalls === t.made;
  console.log(
    `\nsoak summary: calls made ${t.made}, completed ${t.completed}, failed ${t.failed}, without RTP ${t.withoutMedia}; ` +
      `CDR calls ${wholeCalls} (${wholeRows} rows) for ${t.made} calls made: CDRs == calls ${cdrsMatch ? 'yes' : 'NO'}; ` +
      `registrations ${t.regOk} ok, ${t.regFailed} failed; API reads ${t.apiOk} ok, ${t.apiFailed} failed`,
  );
  const flatness = judgeFlatness(samples, settings.warmupSeconds);
  for (const line of flatness.lines) console.log(`  ${line}`);
  const loops = samples.map((s) => s.loop).filter((l) => l !== undefined);
  if (loops.length > 0) console.log(`  event-loop delay: worst period p99 ${Math.max(...loops.map((l) => l.p99Ms))} ms, max ${Math.max(...loops.map((l) => l.maxMs))} ms`);
  for (const problem of t.problems) console.log(`  problem: ${problem}`);
  const reasons: string[] = [];
  if (t.failed > 0 || t.withoutMedia > 0) reasons.push('failed calls');
  if (t.regFailed > 0) reasons.push('failed registrations');
  if (t.apiFailed > 0) reasons.push('failed API reads');
  if (!cdrsMatch) reasons.push('CDRs != calls');
  if (!flatness.flat) reasons.push('memory or handles growing');
  console.log(`verdict: ${reasons.length === 0 ? 'PASS' : `FAIL (${reasons.join(', ')})`}${flatness.judged ? '' : ' (growth not judged: run too short)'}`);
  return reasons.length === 0 ? 0 : 1;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(`soak: ${(error as Error).stack ?? (error as Error).message}`);
} finally {
  clearTimeout(watchdog);
  await cleanup();
}
process.exit(exitCode);
