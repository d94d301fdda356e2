// Plumbing for api.bench.ts: child processes, free ports, wrk runs and their parsing.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** The tail of its stderr, shown when the bench fails. */
  stderr(): string;
}

export function startChild(name: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Child {
  // stdout is ignored: Callgrid prints its keys there on first start.
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-4000);
  });
  return { name, process: child, stderr: () => tail };
}

/** SIGTERM for a graceful stop (so a --cpu-prof profile gets written), SIGKILL if it lingers. */
export async function stopChild(child: Child): Promise<void> {
  const proc = child.process;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Asks the kernel for an unused loopback port; the tiny race until the child binds is acceptable here. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Polls until probe succeeds; stops early if the child died, so a boot error is shown at once. */
export async function waitUntil(label: string, child: Child, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) throw new Error(`${label} exited during start-up`);
    try {
      if (await probe()) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${label} did not answer within ${timeoutMs / 1000} s`);
}

export function readCredentials(path: string): { code: string; fullKey: string } {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as { tenant?: { code?: unknown; fullKey?: unknown } | null };
  const code = parsed.tenant?.code;
  const fullKey = parsed.tenant?.fullKey;
  if (typeof code !== 'string' || typeof fullKey !== 'string') throw new Error(`${path} has no demo tenant (is CALLGRID_DEMO_TENANT empty?)`);
  return { code, fullKey };
}

export interface WrkResult {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Socket errors and non-2xx/3xx counts, as wrk printed them. */
  readonly errors: string[];
}

// wrk runs in flight, so an interrupted bench can stop them instead of leaving load behind.
const wrkRuns = new Set<ChildProcess>();
export function stopWrk(): void {
  for (const run of wrkRuns) run.kill('SIGKILL');
}

export function runWrk(url: string, options: { threads: number; connections: number; seconds: number }): Promise<WrkResult> {
  const args = ['--latency', '-t', String(options.threads), '-c', String(options.connections), '-d', `${options.seconds}s`, url];
  return new Promise((resolve, reject) => {
    // The timeout bounds a wedged wrk; it normally stops itself after -d.
    const run = execFile('wrk', args, { timeout: (options.seconds + 20) * 1000 }, (error, stdout, stderr) => {
      wrkRuns.delete(run);
      if (error) return reject(new Error(`wrk failed: ${error.message}\n${stderr}${stdout}`));
      try {
        resolve(parseWrk(stdout));
      } catch (parseError) {
        reject(new Error(`${(parseError as Error).message}\n${stdout}`));
      }
    });
    wrkRuns.add(run);
  });
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

export function parseWrk(output: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const p99 = /^\s*99(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\b/m.exec(output);
  const total = /(\d+) requests in/.exec(output);
  if (!rps?.[1] || !p99?.[1] || !p99[2] || !total?.[1]) throw new Error('could not parse the wrk output');
  const errors: string[] = [];
  const socket = /Socket errors: (.*)/.exec(output);
  // wrk prints this line only when some count is non-zero; the numbers are checked anyway.
  if (socket?.[1] && /[1-9]/.test(socket[1])) errors.push(`Socket errors: ${socket[1]}`);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  if (non2xx?.[1] && Number(non2xx[1]) > 0) errors.push(`Non-2xx or 3xx responses: ${non2xx[1]}`);
  return { requestsPerSecond: Number(rps[1]), p99Ms: Number(p99[1]) * (UNIT_MS[p99[2]] ?? Number.NaN), requests: Number(total[1]), errors };
}
