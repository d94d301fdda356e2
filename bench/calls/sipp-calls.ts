// SIPp processes of the call bench: the callee's registration, the callee (a UAS that runs for the whole of one
// server's run) and the caller's load steps (a UAC with -r/-m/-d), each bounded by SIPp's own -timeout and killed
// by the bench on exit.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSipp } from '../shared/sipp-process.ts';
import { summariseErrors } from '../sip/sipp-errors.ts';
import { readStats } from '../sip/sipp-register.ts';

// BENCH_SIPP_TRACE=1: every message into <scenario>_<pid>_messages.log in the work directory, for debugging.
const TRACE = process.env.BENCH_SIPP_TRACE === '1' ? ['-trace_msg'] : [];
const COMMON = [...TRACE, '-i', '127.0.0.1', '-mi', '127.0.0.1', '-t', 'u1', '-buff_size', String(4 * 1024 * 1024), '-max_recv_loops', '10000', '-max_sched_loops', '10000', '-nostdin'];

export interface Target {
  readonly host: string;
  readonly port: number;
}

export interface Account {
  /** The user part of the AOR (REGISTER To, or the From of calls). */
  readonly user: string;
  /** The digest username and password. */
  readonly authUser: string;
  readonly password: string;
}

/** Registers the callee from localPort; undefined when it worked, else what went wrong in SIPp's words. */
export async function registerCallee(target: Target, account: Account, scenario: string, localPort: number, dir: string): Promise<string | undefined> {
  const errorFile = join(dir, 'register-errors.log');
  const { done } = runSipp(
    [
      `${target.host}:${target.port}`, '-sf', scenario, ...COMMON, '-p', String(localPort),
      '-key', 'aor', account.user, '-au', account.authUser, '-ap', account.password, '-auth_uri', `${target.host}:${target.port}`,
      '-m', '1', '-r', '1', '-recv_timeout', '5000', '-timeout', '20s', '-timeout_error',
      '-trace_err', '-error_file', errorFile,
    ],
    dir,
  );
  const finished = await done;
  if (finished.code === 0) return undefined;
  const errors = summariseErrors(errorFile);
  return errors.length > 0 ? errors.join('; ') : `sipp exit ${String(finished.code)}: ${lastLines(finished.output, 4)}`;
}

export interface Uas {
  readonly port: number;
  /** Why the UAS failed calls so far, summarised from its error log. */
  errors(): string[];
  stop(): Promise<void>;
}

/** The callee: answers every INVITE on localPort with a sink port (in turn, per call) as its media address. */
export function startUas(options: { scenario: string; localPort: number; mediaPort: number; aor: string; sinkPorts: readonly number[]; dir: string; maxSeconds: number }): Uas {
  const errorFile = join(options.dir, 'uas-errors.log');
  // SEQUENTIAL: call k takes line k (wrapping), so calls are dealt over the sink processes round-robin.
  const portsFile = join(options.dir, 'sink-ports.csv');
  writeFileSync(portsFile, `SEQUENTIAL\n${options.sinkPorts.join('\n')}\n`);
  const { child, done } = runSipp(
    [
      '-sf', options.scenario, ...COMMON, '-p', String(options.localPort), '-mp', String(options.mediaPort),
      '-key', 'aor', options.aor, '-inf', portsFile,
      // -aa: 200 to in-dialog INFO/NOTIFY/OPTIONS/UPDATE, which a server may send; the bench does not judge them.
      '-aa',
      '-timeout', `${Math.ceil(options.maxSeconds)}s`,
      '-trace_err', '-error_file', errorFile,
    ],
    options.dir,
  );
  return {
    port: options.localPort,
    errors: () => summariseErrors(errorFile),
    stop: async () => {
      child.kill('SIGKILL');
      await done;
    },
  };
}

export interface CallStepOptions {
  readonly target: Target;
  readonly scenario: string;
  readonly caller: Account;
  /** The callee's number: the user part of the Request-URI. */
  readonly callee: string;
  readonly localPort: number;
  readonly mediaPort: number;
  /** New calls per second. */
  readonly rate: number;
  readonly calls: number;
  /** How long each call streams audio before its BYE. */
  readonly callSeconds: number;
  readonly dir: string;
  readonly label: string;
}

export interface CallStepResult {
  readonly rate: number;
  readonly calls: number;
  readonly successful: number;
  readonly failed: number;
  readonly retransmissions: number;
  readonly elapsedSeconds: number;
  /** Problems SIPp reported (exit code, its error log summarised); empty for a clean step. */
  readonly problems: string[];
}

/** Milliseconds one answer may take (retransmissions included) before the call fails. */
const RECV_TIMEOUT_MS = 8_000;

export async function runCalls(options: CallStepOptions): Promise<CallStepResult> {
  const statsFile = join(options.dir, `stats-${options.label}.csv`);
  const errorFile = join(options.dir, `errors-${options.label}.log`);
  const target = `${options.target.host}:${options.target.port}`;
  const placing = options.calls / options.rate;
  const started = process.hrtime.bigint();
  const { done } = runSipp(
    [
      target, '-sf', options.scenario, ...COMMON, '-p', String(options.localPort), '-mp', String(options.mediaPort),
      '-s', options.callee, '-key', 'caller', options.caller.user, '-au', options.caller.authUser, '-ap', options.caller.password,
      // The digest uri must be the Request-URI (RFC 2617 §3.2.2.5; a strict server answers 400 otherwise); SIPp's
      // default would be sip:host:port without the user. SIPp puts the sip: in front.
      '-auth_uri', `${options.callee}@${target}`,
      '-r', options.rate.toFixed(3), '-rp', '1000', '-m', String(options.calls), '-l', String(options.calls + 10),
      '-d', String(Math.round(options.callSeconds * 1000)),
      '-recv_timeout', String(RECV_TIMEOUT_MS),
      '-trace_stat', '-stf', statsFile, '-fd', '1',
      '-trace_err', '-error_file', errorFile,
      // A hard stop well after the last call should have ended; reaching it is a failure (-timeout_error).
      '-timeout', `${Math.ceil(placing + options.callSeconds + 2 * RECV_TIMEOUT_MS / 1000 + 15)}s`, '-timeout_error',
      // No BYE for a call SIPp aborts: most aborts happen before any dialog exists, where a BYE makes no sense.
      '-default_behaviors', 'all,-bye',
    ],
    options.dir,
  );
  const finished = await done;
  const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const problems: string[] = [];
  let stats;
  try {
    stats = readStats(statsFile);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (stats === undefined) {
    problems.push(`sipp: no statistics (exit ${String(finished.code)}): ${lastLines(finished.output, 5)}`);
    return { rate: options.rate, calls: options.calls, successful: 0, failed: options.calls, retransmissions: 0, elapsedSeconds, problems };
  }
  const errors = summariseErrors(errorFile);
  // 0: every call succeeded; 1: some failed; anything else is SIPp itself failing (e.g. -2 binding its socket).
  if (finished.code !== 0) problems.push(`sipp exit ${String(finished.code)}${errors.length > 0 ? `: ${errors.join('; ')}` : `: ${lastLines(finished.output, 3)}`}`);
  else if (stats.failed > 0) problems.push(`${stats.failed} calls failed${errors.length > 0 ? `: ${errors.join('; ')}` : ''}`);
  const missing = options.calls - stats.successful - stats.failed;
  if (missing > 0) problems.push(`${missing} calls not completed`);
  return {
    rate: options.rate,
    calls: options.calls,
    successful: stats.successful,
    failed: stats.failed + Math.max(0, missing),
    retransmissions: stats.retransmissions,
    elapsedSeconds,
    problems,
  };
}

function lastLines(text: string, count: number): string {
  return text.split('\n').map((line) => line.trim()).filter(Boolean).slice(-count).join(' | ');
}
