// rtpengine as the benches run it (Kamailio's media plane in bench/calls and bench/apps, Callgrid's offload target,
// the apps bench's "PBX answers the call" media server): test/support's starter, which the tests use too, with the
// benches' port range, threads and log level, and an ng client for the bench's own requests. Debian's
// rtpengine-daemon (bookworm: 10.5) without its recommends: the `rtpengine` metapackage would pull the kernel
// module's DKMS build, which is not used here (userspace only).
import { mkdirSync } from 'node:fs';
import { NgClient } from '../../src/media/rtpengine/index.ts';
import { INSTALL_RTPENGINE, RTPENGINE, startRtpengine, type RunningRtpengine } from '../../test/support/rtpengine.ts';

/** Below Linux's ephemeral ports, where SIPp and the sinks take theirs. */
export const RTP_PORTS = { min: 20000, max: 29999 } as const;

export interface BenchRtpengine extends RunningRtpengine {
  /** Closed by stop(); rtpengine's refusals and timeouts come back as values, not exceptions. */
  readonly ng: NgClient;
  readonly describe: string;
  /** What it has done so far (ng `statistics`): sessions managed, packets relayed in userspace. */
  totals(): Promise<{ sessions: number; packets: number } | undefined>;
}

export function checkRtpengine(): void {
  if (RTPENGINE === undefined) throw new Error(`rtpengine is not installed: ${INSTALL_RTPENGINE}`);
}

/** The recording flags of rtpengine 10.5 in userspace: pcap files (one per call) under `<spool>/pcaps`. */
export function recordingArgs(spoolDir: string): string[] {
  mkdirSync(spoolDir, { recursive: true });
  return [`--recording-dir=${spoolDir}`, '--recording-method=pcap'];
}

export async function startBenchRtpengine(options: { dir: string; threads: number; extraArgs?: readonly string[] }): Promise<BenchRtpengine> {
  checkRtpengine();
  // Log level 4 (warnings): a notice per call would cost CPU the measured calls need.
  const engine = await startRtpengine({ dir: options.dir, ports: RTP_PORTS, threads: options.threads, logLevel: 4, ...(options.extraArgs ? { extraArgs: options.extraArgs } : {}) });
  let ng: NgClient;
  try {
    ng = await NgClient.open({ host: '127.0.0.1', port: engine.ngPort });
  } catch (error) {
    await engine.stop();
    throw error;
  }
  const extra = options.extraArgs?.length ? `, ${options.extraArgs.join(' ')}` : '';
  return {
    ...engine,
    ng,
    describe: `rtpengine (userspace, ${options.threads} threads, ng on 127.0.0.1:${engine.ngPort}${extra})`,
    async totals() {
      const answer = await ng.request('statistics');
      if (!answer.ok) return undefined;
      const total = (answer.value.statistics as { totalstatistics?: Record<string, unknown> } | undefined)?.totalstatistics;
      return { sessions: Number(total?.managedsessions ?? 0), packets: Number(total?.relayedpackets_user ?? total?.relayedpackets ?? 0) };
    },
    stop: async () => {
      ng.close();
      await engine.stop();
    },
  };
}
