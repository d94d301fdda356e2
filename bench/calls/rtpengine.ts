// rtpengine for the call bench, as the media plane of two servers: Kamailio's (kamailio-proxy.ts drives it through its
// rtpengine module) and Callgrid's own for plain calls (CALLGRID_RTPENGINE_NG). Debian's `rtpengine-daemon` package
// (bookworm: 10.5; `apt-get install -y --no-install-recommends rtpengine-daemon`: the `rtpengine` metapackage would
// pull the kernel module's DKMS build, which the bench does not use), in userspace only (`--table=-1`, no kernel
// forwarding, no iptables rules), bound to 127.0.0.1, its ng control protocol on a free loopback UDP port.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { NgClient } from '../../src/media/index.ts';
import { freeSipPort } from '../sip/udp.ts';
import { checkRtpengine, rtpengineArgs } from '../apps/rtpengine-daemon.ts';

/** One process group per child, so stopping reaches every worker; SIGKILL on the bench's exit as a last resort. */
export interface Group {
  readonly proc: ChildProcess;
  tail(): string;
  stop(): Promise<void>;
}

export function startGroup(command: string, args: string[], cwd: string): Group {
  const proc = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  proc.once('error', (error) => keep(Buffer.from(`${command}: ${error.message}\n`)));
  const killGroup = (signal: NodeJS.Signals) => {
    if (proc.pid === undefined) return;
    try {
      process.kill(-proc.pid, signal);
    } catch {
      // already gone
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);
  return {
    proc,
    tail: () => tail,
    stop: async () => {
      process.removeListener('exit', onExit);
      if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
        const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
        killGroup('SIGTERM');
        const timer = setTimeout(() => killGroup('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      killGroup('SIGKILL');
    },
  };
}

export interface Rtpengine {
  readonly ngPort: number;
  readonly group: Group;
  /** What it has done so far (ng `statistics`): sessions managed, packets relayed in userspace. */
  totals(): Promise<{ sessions: number; packets: number } | undefined>;
  stop(): Promise<void>;
}

export async function startRtpengine(options: { dir: string; threads: number }): Promise<Rtpengine> {
  checkRtpengine();
  const ngPort = await freeSipPort();
  const group = startGroup('rtpengine', rtpengineArgs(options.dir, ngPort, options.threads), options.dir);
  const client = await NgClient.open({ host: '127.0.0.1', port: ngPort }, { timeoutMs: 500, retries: 0 });
  const stop = async () => {
    client.close();
    await group.stop();
  };
  try {
    const started = Date.now();
    while (!(await client.ping()).ok) {
      if (group.proc.exitCode !== null || group.proc.signalCode !== null || Date.now() - started > 15_000) {
        throw new Error(`rtpengine did not answer an ng ping on 127.0.0.1:${ngPort}:\n${group.tail()}`);
      }
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ngPort,
    group,
    async totals() {
      const answer = await client.request('statistics');
      if (!answer.ok) return undefined;
      const total = (answer.value.statistics as { totalstatistics?: Record<string, unknown> } | undefined)?.totalstatistics;
      return { sessions: Number(total?.managedsessions ?? 0), packets: Number(total?.relayedpackets_user ?? total?.relayedpackets ?? 0) };
    },
    stop,
  };
}
