// Helpers of the end-to-end tests: real child processes (each in its own process
// group, so a test can always end it and whatever it started), bounded waits,
// free ports, fresh data directories and a throwaway PostgreSQL database.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(REPO, 'bin', 'callgrid.js');
export const BAD_KEY_TEXT = 'Too bad... you mistaken the security api key.';

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Child {
  readonly pid: number;
  readonly label: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in the stream; rejects on timeout or exit. */
  waitForOutput(pattern: RegExp, timeoutMs: number, stream?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>;
  /** The exit status of this process, or a rejection after `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<ExitStatus>;
  /** Its exit status once its output pipes are closed too (every process that inherited them is gone). */
  waitForClose(timeoutMs: number): Promise<ExitStatus>;
  exited(): ExitStatus | undefined;
  /** Closes our end of its stdout, as a log reader that dies would. */
  closeStdout(): void;
  /** Sends a signal to this process only (as a supervisor would to its main PID). */
  signal(signal: NodeJS.Signals): void;
  /** Ends the whole process group: SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<Child>();

/**
 * A value of process.env without the CALLGRID_* settings of the calling shell. SIP binds any free port on
 * loopback unless the test says otherwise, so servers of parallel tests never fight over 5060.
 */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { CALLGRID_SIP_PORT: '0', CALLGRID_SIP_HOST: '127.0.0.1' };
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('CALLGRID_') && value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

export interface SpawnOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly input?: string;
  /** The command starts processes of its own (npm → sh → node): `stop` ends its whole group even after it exited. */
  readonly tree?: boolean;
}

export function spawnChild(label: string, command: string, args: readonly string[], options: SpawnOptions): Child {
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true, // its own process group: `npm start` runs sh, which runs node
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${label}: could not spawn ${command}`);
  const out = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out.stdout += chunk;
    notify();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    out.stderr += chunk;
    notify();
  });
  if (options.input !== undefined) child.stdin?.end(options.input);

  let status: ExitStatus | undefined;
  const exit = new Promise<ExitStatus>((resolveExit) => {
    child.once('exit', (code, signal) => {
      status = { code, signal };
      notify();
      resolveExit(status);
    });
  });
  // 'close' comes when every holder of the output pipes is gone (npm's children
  // included), so the output is complete.
  let isClosed = false;
  const closed = new Promise<ExitStatus>((resolveClose) =>
    child.once('close', (code, signal) => {
      isClosed = true;
      notify();
      resolveClose({ code, signal });
    }),
  );

  const describe = () => `${label} (pid ${pid})\n--- stdout ---\n${out.stdout}\n--- stderr ---\n${out.stderr}`;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone already
    }
  };

  const handle: Child = {
    pid,
    label,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    exited: () => status,
    waitForOutput(pattern, timeoutMs, stream = 'stdout') {
      return new Promise((resolveMatch, reject) => {
        const check = () => {
          const match = pattern.exec(out[stream]);
          if (match) done(() => resolveMatch(match));
          else if (isClosed) done(() => reject(new Error(`${describe()}\nexited (${JSON.stringify(status)}) before printing ${pattern}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`${describe()}\nno ${pattern} on ${stream} within ${timeoutMs} ms`))), timeoutMs);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    waitForExit(timeoutMs) {
      return withTimeout(exit, timeoutMs, () => `${describe()}\ndid not exit within ${timeoutMs} ms`);
    },
    waitForClose(timeoutMs) {
      return withTimeout(closed, timeoutMs, () => `${describe()}\noutput not closed within ${timeoutMs} ms`);
    },
    closeStdout() {
      child.stdout?.destroy();
    },
    signal(signal) {
      if (!status) child.kill(signal);
    },
    async stop(graceMs = 10_000) {
      running.delete(handle);
      if (!isClosed) killGroup('SIGTERM');
      const stopped = await Promise.race([closed.then(() => true), delay(graceMs).then(() => false)]);
      // The group may hold more than the direct child (npm → sh → node): end what is left of it.
      if (options.tree || !stopped) killGroup('SIGKILL');
      if (!stopped) await withTimeout(closed, 5_000, () => `${describe()}\nsurvived SIGKILL`);
    },
  };
  running.add(handle);
  return handle;
}

/** Ends every child still running: for `after` hooks. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop(5_000)));
}

export interface CliResult extends ExitStatus {
  readonly stdout: string;
  readonly stderr: string;
}

/** `node bin/callgrid.js <args>`, run to its end (bounded). */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv, options: { input?: string; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const child = spawnChild(`callgrid ${args.join(' ')}`, process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO,
    env,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  try {
    const status = await child.waitForClose(options.timeoutMs ?? 30_000);
    return { ...status, stdout: child.stdout(), stderr: child.stderr() };
  } finally {
    await child.stop(1_000);
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolvePort(port) : reject(new Error('no port'))));
    });
  });
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `callgrid-e2e-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms));
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `probe` until it returns true, at most `timeoutMs`. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await delay(100);
  }
}

/** The JSON (pino) lines of an output; banner and npm lines are skipped. */
export function jsonLogLines(output: string): Array<{ line: string; entry: Record<string, unknown> }> {
  const lines: Array<{ line: string; entry: Record<string, unknown> }> = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as unknown;
      if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) lines.push({ line, entry: entry as Record<string, unknown> });
    } catch {
      // not a log line
    }
  }
  return lines;
}

/** Calls the proxyapi over real HTTP (GET with a query string), bounded. */
export async function api(base: string, params: Record<string, string>, init: RequestInit = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${base}/pbx/proxyapi.php?${new URLSearchParams(params)}`, { signal: AbortSignal.timeout(10_000), ...init });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** Whether something accepts HTTP on this port. */
export async function answers(base: string): Promise<boolean> {
  try {
    await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

/** A fresh PostgreSQL database on the server of `adminUrl`, dropped by `drop()`. */
export async function createScratchDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cg_e2e_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
