// rtpengine on its own, as the media server of the bench's "PBX answers the call" peer: the same userspace setup as
// bench/calls/kamailio-proxy.ts (Debian's rtpengine-daemon 10.5, --table=-1, loopback, ng on a loopback UDP port),
// with no SIP proxy in front: bench/apps/media-server-uas.ts is its SIP side. Optionally with call recording
// (--recording-method=pcap: the only method that works without the kernel module; see recording-shims.ts).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startChild, stopChild, type Child } from '../support.ts';
import { freeSipPort } from '../sip/udp.ts';
import { NgClient } from './ng-client.ts';

/** The same range as bench/calls' rtpengine: below Linux's ephemeral ports, where SIPp and the sinks take theirs. */
export const RTP_PORT_MIN = 20000;
export const RTP_PORT_MAX = 29999;

export interface Rtpengine {
  readonly ng: NgClient;
  readonly pid: number;
  readonly describe: string;
  log(): string;
  stop(): Promise<void>;
}

export function checkRtpengine(): void {
  if (spawnSync('rtpengine', ['--version']).error) throw new Error('rtpengine is not installed: apt-get install -y --no-install-recommends rtpengine-daemon');
}

/** The recording flags of rtpengine 10.5 in userspace: pcap files (one per call) under `<spool>/pcaps`. */
export function recordingArgs(spoolDir: string): string[] {
  mkdirSync(spoolDir, { recursive: true });
  return [`--recording-dir=${spoolDir}`, '--recording-method=pcap'];
}

/** The benches' rtpengine, one for every bench that runs one (bench/calls/rtpengine.ts too). */
export function rtpengineArgs(dir: string, ngPort: number, threads: number): string[] {
  mkdirSync(join(dir, 'run'), { recursive: true });
  return [
    // No /etc/rtpengine/rtpengine.conf: only these settings apply.
    '--config-file=none',
    '--foreground', '--log-stderr', '--log-level=4',
    // Userspace forwarding only: no kernel table, so no kernel module and no iptables rules are needed.
    '--table=-1',
    '--interface=127.0.0.1',
    `--listen-ng=127.0.0.1:${ngPort}`,
    `--port-min=${RTP_PORT_MIN}`, `--port-max=${RTP_PORT_MAX}`,
    // Packet workers; the media players (play media) get as many threads by default (--media-num-threads).
    `--num-threads=${threads}`,
    // Free a finished call's ports at once instead of keeping the session 30 s for late packets.
    '--delete-delay=0',
    `--pidfile=${join(dir, 'run', 'rtpengine.pid')}`,
  ];
}

export async function startRtpengine(options: { dir: string; threads: number; extraArgs?: readonly string[] }): Promise<Rtpengine> {
  checkRtpengine();
  const ngPort = await freeSipPort();
  const args = [...rtpengineArgs(options.dir, ngPort, options.threads), ...(options.extraArgs ?? [])];
  const child: Child = startChild('rtpengine', 'rtpengine', args, options.dir, process.env);
  const onExit = () => child.process.kill('SIGKILL');
  process.once('exit', onExit);
  const ng = await NgClient.open('127.0.0.1', ngPort);
  const stop = async () => {
    ng.close();
    await stopChild(child);
    process.removeListener('exit', onExit);
  };
  const started = Date.now();
  while (!(await ng.ping())) {
    if (child.process.exitCode !== null || child.process.signalCode !== null || Date.now() - started > 15_000) {
      await stop();
      throw new Error(`rtpengine did not answer an ng ping on 127.0.0.1:${ngPort}:\n${child.stderr()}`);
    }
    await sleep(100);
  }
  return {
    ng,
    pid: child.process.pid ?? 0,
    describe: `rtpengine (userspace, ${options.threads} threads, ng on 127.0.0.1:${ngPort}${options.extraArgs?.length ? `, ${options.extraArgs.join(' ')}` : ''})`,
    log: () => child.stderr(),
    stop,
  };
}
