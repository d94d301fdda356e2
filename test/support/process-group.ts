// A daemon started as the leader of a process group of its own (rtpengine in tests and benches, Kamailio in the
// benches): a signal to the group reaches every worker it forks, so nothing outlives the test or bench that started it.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ProcessGroup {
  readonly proc: ChildProcess;
  /** True once the leader has exited (or could not start). */
  exited(): boolean;
  /** The tail of its stdout and stderr, for a failure message. */
  tail(): string;
  /** SIGTERM to the group, SIGKILL if it lingers; a second call does nothing more. */
  stop(): Promise<void>;
}

export interface GroupOptions {
  readonly cwd?: string;
  /** How much of its output tail() keeps. */
  readonly tailChars?: number;
  /** How long the group has to end after SIGTERM before SIGKILL. */
  readonly graceMs?: number;
}

export function startProcessGroup(command: string, args: readonly string[], options: GroupOptions = {}): ProcessGroup {
  const proc = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const tailChars = options.tailChars ?? 4000;
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-tailChars);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  proc.once('error', (error) => keep(Buffer.from(`${command}: ${error.message}\n`)));
  // To the whole group, even after the leader ended: a worker that outlived it must go too.
  const killGroup = (signal: NodeJS.Signals): void => {
    if (proc.pid === undefined) return;
    try {
      process.kill(-proc.pid, signal);
    } catch {
      // already gone
    }
  };
  // Last resort when the test or bench dies without stopping it: 'exit' handlers run synchronously.
  const onExit = (): void => killGroup('SIGKILL');
  process.once('exit', onExit);
  const exited = (): boolean => proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined;
  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    process.removeListener('exit', onExit);
    if (!exited()) {
      const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), options.graceMs ?? 5_000);
      await gone;
      clearTimeout(timer);
    }
    // Workers may take a moment longer than the leader; make sure none is left.
    killGroup('SIGKILL');
  };
  return { proc, exited, tail: () => tail, stop: () => (stopped ??= stop()) };
}
