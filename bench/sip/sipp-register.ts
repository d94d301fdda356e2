// One load step of the registration bench: SIPp processes register users with digest auth at a fixed rate for a
// few seconds against one server; the step's outcome is read from SIPp's statistics file and exit code.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSipp } from '../shared/sipp-process.ts';
import { LATE_CHALLENGE_SEEN, registerChallenged, scenario, skipLateChallenges } from '../shared/sipp-flows.ts';
import { summariseErrors } from './sipp-errors.ts';

// [field0] (username) and [field1] (its [authentication] keyword, see users.ts) come from the injection file.
// The Request-URI is the server's address, and -auth_uri below makes the digest uri the same string, since a
// registrar may check they match (RFC 2617 §3.2.2.5). The AOR is sip:<user>@host:port, the form phones are configured
// with. Retransmissions every 500 ms (T1) are normal UDP SIP: a registration that needed one still succeeded, but
// SIPp counts them. A retransmitted first REGISTER can draw a second 401 after the credentials went out: skipped.
const SCENARIO = scenario(
  'bench-register',
  `${registerChallenged('[field0]', 'SIPpTag', '[field1]')}${skipLateChallenges('REGISTER', ['401'], 'await-200')}  <recv response="200" />
${LATE_CHALLENGE_SEEN}`,
);

/** Milliseconds a REGISTER may wait for its answer (retransmissions included) before the registration fails. */
const RECV_TIMEOUT_MS = 4_000;

export function checkSipp(): void {
  if (spawnSync('sipp', ['-v']).error) throw new Error('the load generator `sipp` is not installed: apt-get install -y sip-tester');
}

/** Writes the scenario into dir and returns its path. */
export function writeScenario(dir: string): string {
  const path = join(dir, 'register.xml');
  writeFileSync(path, SCENARIO);
  return path;
}

export interface StepOptions {
  readonly host: string;
  readonly port: number;
  readonly scenario: string;
  /** One injection file per SIPp process; their number is the number of processes. */
  readonly injectionFiles: readonly string[];
  /**
   * SIPp's local UDP port, one per process, kept for every step against a server: each user's Contact then stays
   * the same, so a later step refreshes its binding as a phone would, instead of piling up one contact per step.
   */
  readonly localPorts: readonly number[];
  /** Registrations per second over all processes; each is REGISTER, 401, REGISTER with credentials, 200. */
  readonly rate: number;
  readonly seconds: number;
  /** Where SIPp writes its statistics and error files. */
  readonly dir: string;
  /** A label unique per step, used in file names. */
  readonly label: string;
}

export interface StepResult {
  readonly rate: number;
  readonly processes: number;
  readonly attempted: number;
  readonly successful: number;
  readonly failed: number;
  readonly retransmissions: number;
  /** Wall time from the first SIPp's start to the last one's exit. */
  readonly elapsedSeconds: number;
  /** Successful registrations per second of wall time. */
  readonly achieved: number;
  /** Problems SIPp reported (exit codes, its error log summarised); empty for a clean step. */
  readonly problems: string[];
}

interface ProcessOutcome {
  readonly code: number | null;
  readonly stats: SippStats | undefined;
  readonly output: string;
  /** What SIPp's error log says, summarised. */
  readonly errors: string[];
}

interface SippStats {
  readonly created: number;
  readonly successful: number;
  readonly failed: number;
  readonly retransmissions: number;
}

/** Runs one step: the rate and count are split evenly over one SIPp process per injection file. */
export async function runStep(options: StepOptions): Promise<StepResult> {
  const processes = options.injectionFiles.length;
  const perProcessRate = options.rate / processes;
  const perProcessCount = Math.max(1, Math.round(perProcessRate * options.seconds));
  const started = process.hrtime.bigint();
  const outcomes = await Promise.all(
    options.injectionFiles.map((file, index) => runOne(options, file, options.localPorts[index] ?? 0, `${options.label}-${index}`, perProcessRate, perProcessCount)),
  );
  const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  const problems: string[] = [];
  let successful = 0;
  let failed = 0;
  let retransmissions = 0;
  let created = 0;
  for (const [index, outcome] of outcomes.entries()) {
    const name = processes > 1 ? `sipp #${index + 1}` : 'sipp';
    if (outcome.stats === undefined) {
      problems.push(`${name}: no statistics (exit ${String(outcome.code)}): ${lastLines(outcome.output, 5)}`);
      failed += perProcessCount;
      continue;
    }
    successful += outcome.stats.successful;
    failed += outcome.stats.failed;
    retransmissions += outcome.stats.retransmissions;
    created += outcome.stats.created;
    // 0: every call succeeded; 1: some failed; anything else is SIPp itself failing (e.g. -2 binding its socket).
    if (outcome.code !== 0) problems.push(`${name}: exit ${String(outcome.code)}${outcome.errors.length > 0 ? `: ${outcome.errors.join('; ')}` : ''}`);
    // Calls never started (e.g. SIPp killed at its -timeout) are failures of the step too.
    const missing = perProcessCount - outcome.stats.successful - outcome.stats.failed;
    if (missing > 0) {
      problems.push(`${name}: ${missing} registrations not completed`);
      failed += missing;
    }
  }
  return {
    rate: options.rate,
    processes,
    attempted: Math.max(created, perProcessCount * processes),
    successful,
    failed,
    retransmissions,
    elapsedSeconds,
    achieved: successful / elapsedSeconds,
    problems,
  };
}

function runOne(options: StepOptions, injectionFile: string, localPort: number, label: string, rate: number, count: number): Promise<ProcessOutcome> {
  const statsFile = join(options.dir, `stats-${label}.csv`);
  const errorFile = join(options.dir, `errors-${label}.log`);
  const target = `${options.host}:${options.port}`;
  const args = [
    target,
    '-sf', options.scenario,
    '-inf', injectionFile,
    '-auth_uri', target,
    '-i', '127.0.0.1',
    '-p', String(localPort),
    // One UDP socket: the way a registrar sees many phones behind one NAT, and the cheapest for SIPp.
    '-t', 'u1',
    // Fractional rates are fine for SIPp: -r calls per -rp milliseconds.
    '-r', rate.toFixed(3),
    '-rp', '1000',
    '-m', String(count),
    '-recv_timeout', String(RECV_TIMEOUT_MS),
    // Bigger socket buffers (capped by net.core.rmem_max) so bursts are not dropped on SIPp's side.
    '-buff_size', String(4 * 1024 * 1024),
    '-max_recv_loops', '10000',
    '-max_sched_loops', '10000',
    '-trace_stat', '-stf', statsFile, '-fd', '1',
    '-trace_err', '-error_file', errorFile,
    // A hard stop well after the load should have ended; reaching it is a failure (-timeout_error).
    '-timeout', `${Math.ceil(options.seconds + RECV_TIMEOUT_MS / 1000 + 10)}s`, '-timeout_error',
    // SIPp's default reactions stay (answering a registrar's OPTIONS qualify among them), except the BYE it
    // would send for an aborted call, which a registrar would only have to reject.
    '-default_behaviors', 'all,-bye',
    '-nostdin',
  ];
  return runSipp(args, options.dir, 8000).done.then(({ code, output }) => {
    // A statistics file SIPp did not finish reads as none: runStep then counts the whole process as failed.
    let stats: SippStats | undefined;
    try {
      stats = readStats(statsFile);
    } catch (error) {
      output += `\n${(error as Error).message}`;
    }
    return { code, stats, output, errors: summariseErrors(errorFile) };
  });
}

/** The cumulative counters of the last line of SIPp's -trace_stat file (';'-separated, with a header line). */
export function readStats(path: string): SippStats | undefined {
  if (!existsSync(path)) return undefined;
  const lines = readFileSync(path, 'latin1').split('\n').filter((line) => line.trim() !== '');
  const header = lines[0]?.split(';');
  const last = lines.length > 1 ? lines[lines.length - 1]?.split(';') : undefined;
  if (header === undefined || last === undefined) return undefined;
  const column = (name: string): number => {
    const index = header.indexOf(name);
    const value = index >= 0 ? Number(last[index]) : Number.NaN;
    if (!Number.isFinite(value)) throw new Error(`SIPp statistics ${path} have no number in column ${name}`);
    return value;
  };
  return {
    created: column('TotalCallCreated'),
    successful: column('SuccessfulCall(C)'),
    failed: column('FailedCall(C)'),
    retransmissions: column('Retransmissions(C)'),
  };
}

function lastLines(text: string, count: number): string {
  return text.split('\n').map((line) => line.trim()).filter(Boolean).slice(-count).join(' | ');
}
