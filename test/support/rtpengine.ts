// rtpengine (Debian rtpengine-daemon) as a real media plane: userspace only (--table=-1, no kernel module, no iptables
// rules), on loopback, its ng socket on a free port, in a process group of its own. The one starter of it: the tests
// use it as it is, the benches (bench/shared/rtpengine.ts) with their own port range, threads and log level.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NgClient } from '../../src/media/rtpengine/index.ts';
import { startProcessGroup } from './process-group.ts';
import { freeUdpPort } from './free-port.ts';

/** The rtpengine binary, or undefined when it is not installed (tests then skip with a message). */
export const RTPENGINE: string | undefined = ((): string | undefined => {
  const found = spawnSync('sh', ['-c', 'command -v rtpengine'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
})();

export const INSTALL_RTPENGINE = 'apt-get install -y --no-install-recommends rtpengine-daemon';

export function skipWithoutRtpengine(what: string): string | false {
  return RTPENGINE === undefined ? `rtpengine is not installed (${INSTALL_RTPENGINE}): ${what} skipped` : false;
}

export interface RtpengineOptions {
  /** Its working directory, with its pid file under run/ (the benches keep one; tests need none). */
  readonly dir?: string;
  /** Media ports; by default a span of `portSpan` (40) drawn at random below Linux's ephemeral range. */
  readonly ports?: { readonly min: number; readonly max: number };
  readonly portSpan?: number;
  /** Packet threads (--num-threads); the media players get as many by default (--media-num-threads). */
  readonly threads?: number;
  /** 5 (notice) shows each call, which a failing test wants; a bench under load logs less. */
  readonly logLevel?: number;
  /** Appended after the common flags, e.g. --dtmf-log-dest or the recording flags. */
  readonly extraArgs?: readonly string[];
}

export interface RunningRtpengine {
  readonly ngPort: number;
  readonly portMin: number;
  readonly portMax: number;
  readonly pid: number;
  /** The tail of its log, for a failing assertion. */
  log(): string;
  stop(): Promise<void>;
}

/** The flags every rtpengine here runs with, then the options'. */
export function rtpengineArgs(ngPort: number, ports: { readonly min: number; readonly max: number }, options: RtpengineOptions): string[] {
  return [
    // No /etc/rtpengine/rtpengine.conf: only these settings apply.
    '--config-file=none',
    '--foreground', '--log-stderr', `--log-level=${options.logLevel ?? 5}`,
    // Userspace forwarding only: no kernel table, so no kernel module and no iptables rules are needed.
    '--table=-1',
    '--interface=127.0.0.1',
    `--listen-ng=127.0.0.1:${ngPort}`,
    `--port-min=${ports.min}`, `--port-max=${ports.max}`,
    `--num-threads=${options.threads ?? 1}`,
    // Free a finished call's ports at once instead of keeping the session 30 s for late packets.
    '--delete-delay=0',
    ...(options.dir === undefined ? [] : [`--pidfile=${join(options.dir, 'run', 'rtpengine.pid')}`]),
    ...(options.extraArgs ?? []),
  ];
}

/** Starts rtpengine and waits until its ng socket answers a ping (at most 15 s). */
export async function startRtpengine(options: RtpengineOptions = {}): Promise<RunningRtpengine> {
  if (options.dir !== undefined) mkdirSync(join(options.dir, 'run'), { recursive: true });
  const ngPort = await freeUdpPort();
  // At random, so parallel test files rarely meet.
  const portMin = options.ports?.min ?? 28_000 + 2 * Math.floor(Math.random() * 1_900);
  const ports = { min: portMin, max: options.ports?.max ?? portMin + (options.portSpan ?? 40) - 1 };
  const group = startProcessGroup(RTPENGINE ?? 'rtpengine', rtpengineArgs(ngPort, ports, options), { tailChars: 6000, ...(options.dir === undefined ? {} : { cwd: options.dir }) });
  // A short wait per ping: one that goes unanswered while rtpengine binds is simply sent again.
  const ping = await NgClient.open({ host: '127.0.0.1', port: ngPort }, { timeoutMs: 300, retries: 0 });
  try {
    const deadline = Date.now() + 15_000;
    while (!(await ping.ping()).ok) {
      if (group.exited() || Date.now() > deadline) {
        await group.stop();
        throw new Error(`rtpengine did not answer a ping on 127.0.0.1:${ngPort}:\n${group.tail()}`);
      }
      await sleep(100);
    }
  } finally {
    ping.close();
  }
  return { ngPort, portMin: ports.min, portMax: ports.max, pid: group.proc.pid ?? 0, log: () => group.tail(), stop: () => group.stop() };
}
