// SIPp processes of the benches (callers, callees, registering phones, MESSAGE senders): each run is kept in one set
// so an interrupted bench can stop them all instead of leaving load behind (and does at exit, as a last resort).
import { spawn, type ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();

export function stopAllSipp(): void {
  for (const run of running) run.kill('SIGKILL');
}
process.once('exit', stopAllSipp);

export interface SippFinished {
  /** SIPp's exit code (0: every call succeeded, 1: some failed, others: SIPp itself failed); -1 when it did not start. */
  readonly code: number | null;
  /** The tail of SIPp's screen output, for an error message. */
  readonly output: string;
}

export function runSipp(args: readonly string[], cwd: string, tailChars = 6000): { child: ChildProcess; done: Promise<SippFinished> } {
  const child = spawn('sipp', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  // SIPp redraws its screen on stdout every second: keep only the tail.
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('latin1')).slice(-tailChars);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const done = new Promise<SippFinished>((resolve) => {
    child.once('error', (error) => {
      running.delete(child);
      resolve({ code: -1, output: `${output}\n${error.message}` });
    });
    child.once('close', (code) => {
      running.delete(child);
      resolve({ code, output });
    });
  });
  return { child, done };
}
