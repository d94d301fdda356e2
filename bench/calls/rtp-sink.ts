// The media end of the callee: a UDP socket that the SIPp UAS puts in its SDP answer, so the relay under test sends
// the caller's RTP here. It counts each stream's packets against its sequence numbers (bench/shared/rtp-streams.ts)
// and echoes every packet back to where it came from, so the relay carries media both ways as in a real call. It runs
// in forked processes (bench/shared/sink-processes.ts); the parent asks them for reports over IPC.
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { countSequence, lossTotals, peakActive, socketDrops, type SequenceCount } from '../shared/rtp-streams.ts';
import { serveSink, SinkProcesses } from '../shared/sink-processes.ts';

export interface SinkReport {
  /** Distinct streams seen (source address:port and SSRC). */
  readonly streams: number;
  /** Distinct source address:port pairs: about one per call behind a relay, one for all calls without one. */
  readonly sources: number;
  readonly received: number;
  /** Packets the sequence numbers say were sent within the part of each stream that arrived. */
  readonly expected: number;
  readonly lost: number;
  /** The most streams that had a packet within the same second (sampled every 500 ms). */
  readonly peakActive: number;
  /** Packets that were not RTP version 2 with at least a 12-byte header. */
  readonly malformed: number;
  /**
   * Packets the kernel dropped at the sink's own socket (its receive buffer was full: /proc/net/udp `drops`): loss
   * on the measuring side, not the relay's. Already included in `lost`.
   */
  readonly sinkDrops: number;
}

type Request = { readonly cmd: 'reset' | 'report' };

interface Stream extends SequenceCount {
  lastAt: number;
}

const MODULE = fileURLToPath(import.meta.url);
const FLAG = '--sink';

/**
 * The sink: one or more processes, each with its own port; the callee hands the ports out to calls in turn, so
 * the packet work spreads over CPUs. Reports add up (peakActive too: every process peaks during the same hold).
 */
export class RtpSink {
  private constructor(private readonly processes: SinkProcesses<Request, SinkReport>) {}

  static async start(count: number): Promise<RtpSink> {
    return new RtpSink(await SinkProcesses.start<Request, SinkReport>(MODULE, FLAG, count));
  }

  get ports(): number[] {
    return this.processes.ports;
  }

  async reset(): Promise<void> {
    await this.processes.ask({ cmd: 'reset' });
  }

  async report(): Promise<SinkReport> {
    const reports = await this.processes.ask({ cmd: 'report' });
    const total = { streams: 0, sources: 0, received: 0, expected: 0, lost: 0, peakActive: 0, malformed: 0, sinkDrops: 0 };
    for (const report of reports) {
      if (!report) throw new Error('the RTP sink sent no report');
      for (const key of Object.keys(total) as Array<keyof SinkReport>) total[key] += report[key];
    }
    return total;
  }

  stop(): Promise<void> {
    return this.processes.stop();
  }
}

/** The sink process itself. */
function runSink(): void {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024, sendBufferSize: 8 * 1024 * 1024 });
  // Keys are numbers (source port * 2^32 + SSRC; every sender is on 127.0.0.1): no string per packet.
  let streams = new Map<number, Stream>();
  let sources = new Set<number>();
  let malformed = 0;
  let dropsBase = 0;
  // A coarse clock: Date.now() per packet is measurable at tens of thousands of packets per second.
  let now = Date.now();
  const clock = setInterval(() => {
    now = Date.now();
  }, 50);
  clock.unref();
  const active = peakActive(() => streams.values(), Date.now);

  socket.on('message', (packet, from) => {
    // Echo first: the relay sees a phone that talks back at once.
    socket.send(packet, from.port, from.address);
    if (packet.length < 12 || packet[0] === undefined || packet[0] >> 6 !== 2) {
      malformed++;
      return;
    }
    const seq = packet.readUInt16BE(2);
    const key = from.port * 4294967296 + packet.readUInt32BE(8);
    const stream = streams.get(key);
    if (stream === undefined) {
      streams.set(key, { received: 1, base: seq, max: seq, lastAt: now });
      sources.add(from.port);
      return;
    }
    stream.lastAt = now;
    countSequence(stream, seq);
  });

  serveSink<Request, SinkReport>(socket, (request) => {
    const port = socket.address().port;
    if (request.cmd === 'reset') {
      streams = new Map();
      sources = new Set();
      malformed = 0;
      active.reset();
      dropsBase = socketDrops(port);
      return undefined;
    }
    return { streams: streams.size, sources: sources.size, ...lossTotals(streams.values()), peakActive: active.peak(), malformed, sinkDrops: socketDrops(port) - dropsBase };
  });
}

if (process.argv.includes(FLAG) && process.argv[1] === MODULE) runSink();
