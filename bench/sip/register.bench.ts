// Registration benchmark: SIPp registers N distinct users with digest auth at a rising rate, first against
// Kamailio (registrar + auth_db on a temp SQLite file), then against Callgrid, one server at a time, and prints
// the highest rate each sustains with no failed registration, their ratio and the goal.
// Run: npm run bench:sip   (env: BENCH_USERS, BENCH_RATES, BENCH_STEP_SECONDS, BENCH_MIN_ACHIEVED, BENCH_GOAL,
// BENCH_SIPP_PROCESSES, BENCH_KAMAILIO_CHILDREN, BENCH_PROVISION_CONCURRENCY, BENCH_CALLGRID_NODE_ARGS, BENCH_SERVERS).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { guardRun } from '../shared/bench-run.ts';
import { namesOf, positiveNumber, positiveNumbers, words } from '../shared/env-knobs.ts';
import { stopAllSipp } from '../shared/sipp-process.ts';
import { provisionExtensions, startCallgrid, waitForSip, type Callgrid } from './callgrid.ts';
import { startKamailio, type Kamailio } from './kamailio.ts';
import { rampUp, type RampResult } from './rising-rate.ts';
import { checkSipp, runStep, writeScenario } from './sipp-register.ts';
import { freeSipPort } from './udp.ts';
import { makeUsers, writeInjectionFiles, type BenchUser } from './users.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TENANT = 'BENCH';

const settings = {
  users: Math.round(positiveNumber('BENCH_USERS', 5000)),
  rates: positiveNumbers('BENCH_RATES', '500,1000,2000,3000,4000,6000,8000,10000,12000,16000'),
  stepSeconds: positiveNumber('BENCH_STEP_SECONDS', 3),
  minAchieved: positiveNumber('BENCH_MIN_ACHIEVED', 0.9),
  goal: positiveNumber('BENCH_GOAL', 2000),
  sippProcesses: Math.round(positiveNumber('BENCH_SIPP_PROCESSES', 1)),
  kamailioChildren: Math.round(positiveNumber('BENCH_KAMAILIO_CHILDREN', 4)),
  provisionConcurrency: Math.round(positiveNumber('BENCH_PROVISION_CONCURRENCY', 20)),
  nodeArgs: words('BENCH_CALLGRID_NODE_ARGS'),
  // Which servers to run, e.g. BENCH_SERVERS=callgrid while working on Callgrid's registrar.
  servers: namesOf('BENCH_SERVERS', 'kamailio,callgrid', ['kamailio', 'callgrid']),
};

const workDir = mkdtempSync(join(tmpdir(), 'callgrid-bench-sip-'));
let kamailio: Kamailio | undefined;
let callgrid: Callgrid | undefined;
const cleanup = async () => {
  stopAllSipp();
  await Promise.allSettled([kamailio?.stop(), callgrid?.stop()]);
  rmSync(workDir, { recursive: true, force: true });
};
// A wedged child must not hang CI: every step twice at its longest (SIPp's own -timeout) plus start-up and provisioning.
const guarded = guardRun({ cleanup, budgetMs: (2 * 2 * settings.rates.length * (settings.stepSeconds + 15) + 180) * 1000 });

/** Runs the ramp against one server: rate 0 is the single-registration smoke check. */
async function ramp(server: string, host: string, port: number, injectionFiles: readonly string[]): Promise<RampResult> {
  const scenario = writeScenario(workDir);
  const localPorts = await Promise.all(injectionFiles.map(() => freeSipPort()));
  return rampUp({
    server,
    rates: settings.rates,
    minAchievedRatio: settings.minAchieved,
    tries: 2,
    run: (rate, label) =>
      rate === 0
        ? runStep({ host, port, scenario, injectionFiles: injectionFiles.slice(0, 1), localPorts, rate: 5, seconds: 0.2, dir: workDir, label })
        : runStep({ host, port, scenario, injectionFiles, localPorts, rate, seconds: settings.stepSeconds, dir: workDir, label }),
  });
}

async function benchKamailio(users: readonly BenchUser[], injectionFiles: readonly string[]): Promise<RampResult> {
  const dir = join(workDir, 'kamailio');
  mkdirSync(dir);
  kamailio = await startKamailio({ dir, users, children: settings.kamailioChildren });
  console.log(`bench: Kamailio on udp 127.0.0.1:${kamailio.port}, ${kamailio.children} UDP workers, auth_db on SQLite, usrloc in memory`);
  try {
    const result = await ramp('Kamailio', kamailio.host, kamailio.port, injectionFiles);
    if (result.smokeFailure) console.log(`Kamailio: a single registration failed:\n${result.smokeFailure}\n--- kamailio log ---\n${kamailio.log()}`);
    return result;
  } finally {
    await kamailio.stop();
    kamailio = undefined;
  }
}

/** Undefined when Callgrid could not be measured; the reason has been printed. */
async function benchCallgrid(users: readonly BenchUser[], injectionFiles: readonly string[]): Promise<RampResult | undefined> {
  const dataDir = join(workDir, 'callgrid');
  mkdirSync(dataDir, { mode: 0o700 });
  try {
    callgrid = await startCallgrid({ repo: REPO, dataDir, tenant: TENANT, nodeArgs: settings.nodeArgs });
  } catch (error) {
    console.log(`Callgrid: could not start: ${(error as Error).message}`);
    return undefined;
  }
  try {
    console.log(`bench: Callgrid on ${callgrid.httpBase} and udp ${callgrid.sipHost}:${callgrid.sipPort}; provisioning ${users.length} extensions (${settings.provisionConcurrency} requests in flight)`);
    const provisioned = await provisionExtensions(callgrid, TENANT, users, settings.provisionConcurrency);
    if (!provisioned.ok) {
      console.log(`Callgrid: could not provision extensions: ${provisioned.answer}`);
      return undefined;
    }
    console.log(`  provisioned ${provisioned.rows} extensions in ${provisioned.seconds.toFixed(1)} s: ${(provisioned.rows / provisioned.seconds).toFixed(0)} rows/s`);
    try {
      await waitForSip(callgrid);
    } catch (error) {
      // Any status to an OPTIONS will do; silence means no SIP stack behind the port (or the process died).
      console.log(`Callgrid: no SIP answer on udp ${callgrid.sipHost}:${callgrid.sipPort} (${(error as Error).message}); is the SIP stack started?`);
      return undefined;
    }
    const result = await ramp('Callgrid', callgrid.sipHost, callgrid.sipPort, injectionFiles);
    if (result.smokeFailure) console.log(`Callgrid: a single registration failed:\n${result.smokeFailure}`);
    return result;
  } finally {
    const log = callgrid.child.stderr();
    await callgrid.stop();
    callgrid = undefined;
    if (log.trim()) console.log(`--- Callgrid stderr (tail) ---\n${log.trim()}`);
  }
}

/** A server's ramp, 'skipped' when BENCH_SERVERS left it out, undefined when it could not be measured (said why). */
type Outcome = RampResult | 'skipped' | undefined;

function figure(result: Outcome): string {
  if (result === 'skipped') return 'skipped';
  if (result === undefined) return 'not measured';
  if (result.smokeFailure) return 'registration fails';
  if (result.sustained === 0) return `< ${settings.rates[0]}`;
  return result.toppedOut ? `>= ${result.sustained}` : String(result.sustained);
}

const measured = (result: Outcome): result is RampResult => typeof result === 'object' && result.smokeFailure === undefined;

function printSummary(kam: Outcome, cg: Outcome): boolean {
  const row = (a: string, b: string) => console.log(`${a.padEnd(34)}${b.padStart(14)}`);
  console.log(`\n${settings.users} users, digest auth (qop=auth), UDP, steps of ${settings.stepSeconds} s; sustained = no failed registration and >= ${Math.round(settings.minAchieved * 100)}% of the step's rate achieved\n`);
  row('server', 'REGISTER/s');
  row('Kamailio (auth_db + usrloc)', figure(kam));
  row('Callgrid', figure(cg));
  if (measured(cg) && measured(kam) && kam.sustained > 0 && !(kam.toppedOut && cg.toppedOut)) {
    // A server that never failed has a lower bound for a figure, which makes the ratio a bound too.
    // Callgrid below the first step: the ratio is below what that step would have given.
    const [first = 0] = settings.rates;
    const bound = cg.sustained === 0 ? '< ' : kam.toppedOut ? '<= ' : cg.toppedOut ? '>= ' : '';
    const ratio = (cg.sustained === 0 ? first : cg.sustained) / kam.sustained;
    row('Callgrid/Kamailio', `${bound}${ratio.toFixed(2)}`);
  } else {
    row('Callgrid/Kamailio', 'n/a');
  }
  const met = measured(cg) && cg.sustained >= settings.goal;
  console.log(`\ngoal: >= ${settings.goal}/s: ${met ? 'met' : 'NOT met'}`);
  // One SIPp process drives all the load and shares the 2 cores with the server, so say what it proved it can do.
  const best = Math.max(measured(kam) ? kam.bestAchieved : 0, measured(cg) ? cg.bestAchieved : 0);
  const sipp = settings.sippProcesses > 1 ? `${settings.sippProcesses} SIPp processes` : 'one SIPp process';
  console.log(
    `load: ${sipp} (-t u1) on the same ${availableParallelism()} CPUs as the server; it completed up to ${best.toFixed(0)} registrations/s ` +
      `in a clean step of this run, so a server figure below that is the server's limit, not the load generator's.`,
  );
  if ((measured(kam) && kam.toppedOut) || (measured(cg) && cg.toppedOut)) console.log(`note: a '>=' figure means no step failed up to the highest rate tried (BENCH_RATES).`);
  return met;
}

async function main(): Promise<number> {
  checkSipp();
  const [load = 0] = loadavg();
  if (load > availableParallelism() / 2) console.log(`bench: note: load average ${load.toFixed(1)} on ${availableParallelism()} CPUs; other work competes with this run`);
  const users = makeUsers(settings.users, TENANT);
  const injectionFiles = writeInjectionFiles(workDir, users, settings.sippProcesses);
  console.log(`bench: ${users.length} users (${users[0]?.username} ...), rates ${settings.rates.join(', ')}/s, ${settings.stepSeconds} s per step`);

  // Kamailio first: its run also shows how far the load generator reaches on this machine.
  const kam: Outcome = settings.servers.has('kamailio') ? await benchKamailio(users, injectionFiles) : 'skipped';
  const cg: Outcome = settings.servers.has('callgrid') ? await benchCallgrid(users, injectionFiles) : 'skipped';
  const met = printSummary(kam, cg);
  const peerOk = kam === 'skipped' || measured(kam);
  return met && peerOk ? 0 : 1;
}

await guarded.finish(main);
