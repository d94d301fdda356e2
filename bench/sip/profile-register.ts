// Where a REGISTER's time goes: Callgrid runs under --cpu-prof while SIPp registers users with digest auth at fixed
// rates, and the profile's samples from the load window are summed by function and by origin (the provisioning
// before it is left out). Also prints the server's CPU time per registration of each step (read from /proc, steadier
// than a rate on a shared machine) and its memory before and after the load.
// Run: node --import tsx bench/sip/profile-register.ts   (env: BENCH_USERS (2000), BENCH_RATES (2000),
// BENCH_STEP_SECONDS (4), BENCH_PROFILE_TOP (30), BENCH_PROFILE=0 to measure without the profiler,
// BENCH_PROFILE_OUT=<file> to keep the .cpuprofile, e.g. to open it in Chrome's DevTools; BENCH_CALLGRID_NODE_ARGS).
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { summarizeProfile, type Cost } from '../provisioning/cpu-profile.ts';
import { provisionExtensions, startCallgrid, waitForSip, type Callgrid } from './callgrid.ts';
import { stopAllSipp } from '../shared/sipp-process.ts';
import { checkSipp, runStep, writeScenario } from './sipp-register.ts';
import { freeSipPort } from './udp.ts';
import { makeUsers, writeInjectionFiles } from './users.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TENANT = 'BENCH';
const users = Number(process.env.BENCH_USERS ?? 2000);
const rates = (process.env.BENCH_RATES ?? '2000').split(',').map(Number);
const seconds = Number(process.env.BENCH_STEP_SECONDS ?? 4);
const top = Number(process.env.BENCH_PROFILE_TOP ?? 30);
const profiling = process.env.BENCH_PROFILE !== '0';

function printCosts(title: string, costs: readonly Cost[]): void {
  console.log(`\n  ${title}`);
  for (const cost of costs) console.log(`  ${(cost.share * 100).toFixed(1).padStart(5)}%  ${cost.ms.toFixed(0).padStart(6)} ms  ${cost.label}`);
}

/** The child's resident memory in MiB, from /proc (Linux). */
function rssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) the child has used, in ms, from /proc (Linux; clock ticks of 10 ms). */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

checkSipp();
const workDir = mkdtempSync(join(tmpdir(), 'callgrid-prof-register-'));
const dataDir = join(workDir, 'data');
const profileDir = join(workDir, 'profile');
mkdirSync(dataDir, { mode: 0o700 });
let callgrid: Callgrid | undefined;
let exitCode = 0;
try {
  const extra = (process.env.BENCH_CALLGRID_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const nodeArgs = [...extra, ...(profiling ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
  callgrid = await startCallgrid({ repo: REPO, dataDir, tenant: TENANT, nodeArgs });
  const all = makeUsers(users, TENANT);
  const provisioned = await provisionExtensions(callgrid, TENANT, all, 20);
  if (!provisioned.ok) throw new Error(`provisioning failed: ${provisioned.answer}`);
  await waitForSip(callgrid);
  const pid = callgrid.child.process.pid;
  console.log(`${users} extensions provisioned in ${provisioned.seconds.toFixed(1)} s; server RSS ${rssMiB(pid)?.toFixed(0)} MiB before any REGISTER`);
  const files = writeInjectionFiles(workDir, all, 1);
  const scenario = writeScenario(workDir);
  const localPorts = [await freeSipPort()];
  const from = process.hrtime.bigint();
  for (const [index, rate] of rates.entries()) {
    const cpuBefore = cpuMs(pid);
    const step = await runStep({ host: callgrid.sipHost, port: callgrid.sipPort, scenario, injectionFiles: files, localPorts, rate, seconds, dir: workDir, label: `prof-${index}` });
    await sleep(700);
    // Server CPU per registration: steadier than a rate on a machine other jobs share.
    const perRegistration = ((cpuMs(pid) - cpuBefore) * 1000) / Math.max(1, step.successful);
    console.log(`  ${rate}/s: ${step.successful}/${step.attempted} registered, ${step.failed} failed, ${step.retransmissions} retransmissions, achieved ${step.achieved.toFixed(0)}/s, server CPU ${perRegistration.toFixed(0)} µs per registration${step.problems.length ? ` (${step.problems.join('; ')})` : ''}`);
  }
  const to = process.hrtime.bigint();
  console.log(`server RSS ${rssMiB(pid)?.toFixed(0)} MiB after the load`);
  await callgrid.stop();
  const log = callgrid.child.stderr().trim();
  if (log) console.log(`--- Callgrid stderr (tail) ---\n${log.slice(-1500)}`);
  callgrid = undefined;
  if (profiling) {
    const [file] = readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error(`no .cpuprofile in ${profileDir}`);
    if (process.env.BENCH_PROFILE_OUT) copyFileSync(join(profileDir, file), process.env.BENCH_PROFILE_OUT);
    const summary = summarizeProfile(join(profileDir, file), top, { from, to });
    console.log(`\n${summary.sampledMs.toFixed(0)} ms of samples in the load window (${(Number(to - from) / 1e6).toFixed(0)} ms wall)`);
    printCosts('self time by origin', summary.origins);
    printCosts('self time by function', summary.functions);
    printCosts("Callgrid's functions by total time (self + callees)", summary.callgridTotals);
  }
} catch (error) {
  console.error(`profile: ${(error as Error).message}`);
  exitCode = 1;
} finally {
  stopAllSipp();
  await callgrid?.stop();
  rmSync(workDir, { recursive: true, force: true });
}
process.exit(exitCode);
