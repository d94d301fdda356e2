// The SIP MESSAGE figures of the SMS bench: MESSAGEs from SIPp phones to a registered SIPp phone through a server
// (Callgrid: registrar + messaging; the peer: Kamailio registrar + stateful proxy), one server at a time, all on
// 127.0.0.1; and the SMS use case sending through a SIP MESSAGE provider row to a SIPp carrier (202 Accepted).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTenant, startCallgridPbx } from '../calls/callgrid-pbx.ts';
import { writeScenarios } from '../calls/scenarios.ts';
import { registerCallee } from '../calls/sipp-calls.ts';
import { runSipp } from '../shared/sipp-process.ts';
import { provisionExtensions } from '../sip/callgrid.ts';
import { summariseErrors } from '../sip/sipp-errors.ts';
import { readStats } from '../sip/sipp-register.ts';
import { freeSipPort } from '../sip/udp.ts';
import { makeUsers, writeInjectionFiles, type BenchUser } from '../sip/users.ts';
import { startKamailioMessageProxy } from './kamailio-message.ts';
import { writeMessageScenarios, type MessageScenarios } from './sip-message-scenarios.ts';

export interface MessageRun {
  readonly sent: number;
  /** MESSAGEs whose 2xx came back to the sender (SIPp's successful calls). */
  readonly matched: number;
  readonly retransmissions: number;
  readonly seconds: number;
  /** What went wrong (SIPp exit code, its error log summarised); empty for a clean run. */
  readonly problems: readonly string[];
}

export interface MessageBenchOptions {
  readonly repo: string;
  /** Sending phones; each sends `perSender` measured MESSAGEs (Callgrid allows a phone 20 in a burst, then 2/s). */
  readonly senders: number;
  readonly perSender: number;
  /** MESSAGEs in flight at most (SIPp -l). */
  readonly window: number;
  readonly kamailioChildren: number;
  /** Extra node flags and CALLGRID_* settings for Callgrid (e.g. --cpu-prof with CALLGRID_DRAIN_SECONDS=0). */
  readonly callgridNodeArgs?: readonly string[];
  readonly callgridEnv?: Readonly<Record<string, string>>;
}

const sipp = (args: string[], cwd: string) => runSipp(args, cwd, 4000);

const COMMON = ['-i', '127.0.0.1', '-t', 'u1', '-buff_size', String(4 * 1024 * 1024), '-max_recv_loops', '10000', '-max_sched_loops', '10000', '-nostdin'];

/** A SIPp UAS answering every MESSAGE (phone: 200, carrier: 202) on `port` until stopped. */
export function startMessageUas(scenario: string, port: number, aor: string, dir: string): { stop(): Promise<void>; errors(): string[] } {
  const errorFile = join(dir, `uas-${port}-errors.log`);
  const { child, done } = sipp(['-sf', scenario, ...COMMON, '-p', String(port), '-key', 'aor', aor, '-timeout', '600s', '-trace_err', '-error_file', errorFile], dir);
  return {
    errors: () => summariseErrors(errorFile),
    stop: async () => {
      child.kill('SIGKILL');
      await done;
    },
  };
}

/** `count` MESSAGEs from the injection file's senders (in turn) to sip:<service>@host:port, at most `window` at once. */
async function sendMessages(target: { host: string; port: number }, scenarios: MessageScenarios, injection: string, service: string, count: number, window: number, dir: string, label: string): Promise<MessageRun> {
  const statsFile = join(dir, `stats-${label}.csv`);
  const errorFile = join(dir, `errors-${label}.log`);
  const server = `${target.host}:${target.port}`;
  const started = process.hrtime.bigint();
  const { done } = sipp(
    [
      server, '-sf', scenarios.uac, ...COMMON, '-p', String(await freeSipPort()), '-inf', injection, '-s', service,
      // The digest uri is the Request-URI (SIPp's default would leave out the user part).
      '-auth_uri', `${service}@${server}`,
      // A rate no server here reaches: the window (-l) is what paces the run, so the figure is the server's.
      '-r', '20000', '-rp', '1000', '-l', String(window), '-m', String(count),
      '-recv_timeout', '8000', '-timeout', `${Math.ceil(count / 50) + 30}s`, '-timeout_error',
      '-trace_stat', '-stf', statsFile, '-fd', '1', '-trace_err', '-error_file', errorFile,
    ],
    dir,
  );
  const finished = await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const stats = readStats(statsFile);
  const errors = summariseErrors(errorFile);
  const problems: string[] = [];
  if (finished.code !== 0) problems.push(`sipp exit ${String(finished.code)}${errors.length > 0 ? `: ${errors.join('; ')}` : `: ${finished.output.split('\n').filter(Boolean).slice(-3).join(' | ')}`}`);
  if (stats === undefined) return { sent: count, matched: 0, retransmissions: 0, seconds, problems: [...problems, 'sipp wrote no statistics'] };
  return { sent: count, matched: stats.successful, retransmissions: stats.retransmissions, seconds, problems };
}

interface Server {
  readonly target: { host: string; port: number };
  /** The receiver's Request-URI user on this server. */
  readonly service: string;
  stop(): Promise<void>;
}

/** Registers the receiver from its port, starts it, warms up (one MESSAGE per sender), then measures. */
async function measure(server: Server, users: readonly BenchUser[], receiver: BenchUser, options: MessageBenchOptions, dir: string, label: string): Promise<MessageRun> {
  const calls = writeScenarios(dir);
  const scenarios = writeMessageScenarios(dir);
  const [injection] = writeInjectionFiles(dir, users, 1);
  if (injection === undefined) throw new Error('no injection file');
  const uasPort = await freeSipPort();
  const registered = await registerCallee(server.target, { user: receiver.username, authUser: receiver.username, password: receiver.password }, calls.register, uasPort, dir);
  if (registered !== undefined) return { sent: 0, matched: 0, retransmissions: 0, seconds: 0, problems: [`REGISTER of the receiver failed: ${registered}`] };
  const uas = startMessageUas(scenarios.phone, uasPort, receiver.username, dir);
  try {
    const warm = await sendMessages(server.target, scenarios, injection, server.service, users.length, options.window, dir, `${label}-warm`);
    if (warm.problems.length > 0) return { ...warm, problems: ['warm-up:', ...warm.problems] };
    const run = await sendMessages(server.target, scenarios, injection, server.service, users.length * options.perSender, options.window, dir, label);
    const uasErrors = uas.errors();
    return uasErrors.length > 0 ? { ...run, problems: [...run.problems, `receiver: ${uasErrors.join('; ')}`] } : run;
  } finally {
    await uas.stop();
  }
}

export async function runMessageBench(options: MessageBenchOptions): Promise<{ kamailio: MessageRun; callgrid: MessageRun; describe: string }> {
  const work = mkdtempSync(join(tmpdir(), 'callgrid-sms-message-bench-'));
  const tenant = 'SMS';
  const all = makeUsers(options.senders + 1, tenant);
  const receiver = all[all.length - 1];
  if (receiver === undefined) throw new Error('no users');
  const senders = all.slice(0, -1);
  try {
    const kDir = join(work, 'kamailio');
    mkdirSync(kDir);
    const kamailio = await startKamailioMessageProxy({ dir: kDir, users: all, children: options.kamailioChildren });
    let kRun: MessageRun;
    try {
      kRun = await measure({ target: { host: kamailio.host, port: kamailio.port }, service: receiver.username, stop: kamailio.stop }, senders, receiver, options, kDir, 'kamailio');
      if (kRun.problems.length > 0) kRun = { ...kRun, problems: [...kRun.problems, kamailio.log().split('\n').slice(-5).join(' | ')] };
    } finally {
      await kamailio.stop();
    }
    const cDir = join(work, 'callgrid');
    mkdirSync(cDir);
    const dataDir = join(cDir, 'data');
    mkdirSync(dataDir);
    const callgrid = await startCallgridPbx({ repo: options.repo, dataDir, nodeArgs: options.callgridNodeArgs ?? [], extraEnv: options.callgridEnv ?? {} });
    let cRun: MessageRun;
    try {
      const made = (await createTenant(callgrid, tenant)) ?? (await provisionExtensions(callgrid, tenant, all, 8).then((r) => (r.ok ? undefined : r.answer)));
      cRun = made !== undefined
        ? { sent: 0, matched: 0, retransmissions: 0, seconds: 0, problems: [`provisioning failed: ${made}`] }
        : await measure({ target: { host: callgrid.sipHost, port: callgrid.sipPort }, service: receiver.number, stop: callgrid.stop }, senders, receiver, options, cDir, 'callgrid');
    } finally {
      await callgrid.stop();
    }
    return { kamailio: kRun, callgrid: cRun, describe: kamailio.describe };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
