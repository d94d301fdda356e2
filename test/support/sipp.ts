// SIPp (Debian sip-tester) as a real SIP peer in tests: where it is, and how to
// run one scenario with a hard deadline.
import { spawn, spawnSync } from 'node:child_process';

/** The sipp binary, or undefined when it is not installed (tests then skip with a message). */
export const SIPP: string | undefined = ((): string | undefined => {
  const found = spawnSync('sh', ['-c', 'command -v sipp'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
})();

export const SIPP_DEADLINE_MS = 15_000;

export function skipWithoutSipp(what: string): string | false {
  return SIPP === undefined ? `sipp is not installed (apt-get install sip-tester): ${what} skipped` : false;
}

/** Runs sipp in `cwd` (where its scenario files are), killed at the deadline; resolves with its exit code and output. */
export function runSipp(args: string[], cwd: string, deadlineMs = SIPP_DEADLINE_MS): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(SIPP ?? 'sipp', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
