// The media end of the apps bench: UDP sockets in forked processes (one port each) that a call's SDP names, so the
// server under test sends its RTP here. Per stream (source port + SSRC) it counts packets, loss from sequence numbers
// (RFC 3550 A.3, as bench/calls/rtp-sink.ts) and lateness: a packet is late when it arrives more than LATE_MS after
// its schedule, first-packet arrival + (timestamp - first timestamp) / 8 ms (8 kHz G.711). A packet with the marker
// bit starts a new talkspurt (RFC 3551 §4.1: a menu's prompt cut by a key, then the choice's message), where a
// receiver re-syncs its playout: the schedule starts again there, and the pause the timestamps did not cover is
// reported on its own (longest pause), not as lateness of the rest of the stream. Modes per step:
// - echo: every packet goes back to where it came from (a talking callee, as bench/calls' sink), for relayed calls;
// - dtmf: no echo; once a stream has run DTMF_AFTER packets the sink presses one key back at its source (RFC 4733
//   events, payload type 101), the little a caller sends to a PBX that plays a prompt and listens for keys;
// - listen: nothing goes back (a caller hearing music while its call rings, a party on hold).
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { SinkReport } from '../calls/rtp-sink.ts';
import { countSequence, lossTotals, peakActive, socketDrops, type SequenceCount } from '../shared/rtp-streams.ts';
import { serveSink, SinkProcesses } from '../shared/sink-processes.ts';
import { DTMF_PAYLOAD_TYPE, dtmfPacket } from './sink-packets.ts';

export const LATE_MS = 40;
/** The key pressed per stream in dtmf mode, and when: after half a second of the prompt. */
export const DTMF_EVENT = 5;
const DTMF_AFTER = 25;
export { DTMF_PAYLOAD_TYPE };

export interface TimingReport extends SinkReport {
  /** Packets more than LATE_MS behind their timestamp schedule. */
  readonly late: number;
  /** The worst lateness seen, ms (0 when no packet was behind schedule). */
  readonly maxLateMs: number;
  /** The most any packet ran ahead of its schedule, ms: a bursty sender's spread (ahead is harmless, late is not). */
  readonly maxEarlyMs: number;
  /** Fewest packets any stream brought. */
  readonly minPerStream: number;
  /** Streams the sink pressed a key on (dtmf mode). */
  readonly dtmfSent: number;
  /** Talkspurts after a stream's first (marker bit), and the longest pause before one beyond its timestamps, ms. */
  readonly talkspurts: number;
  readonly maxPauseMs: number;
}

export type SinkMode = 'echo' | 'dtmf' | 'listen';

type Request = { readonly cmd: 'reset'; readonly mode: SinkMode } | { readonly cmd: 'report' };

const MODULE = fileURLToPath(import.meta.url);
const FLAG = '--timing-sink';

/** The sink processes; reports add up (peaks too: every process peaks during the same hold). */
export class TimingSink {
  private constructor(private readonly processes: SinkProcesses<Request, TimingReport>) {}

  static async start(count: number): Promise<TimingSink> {
    return new TimingSink(await SinkProcesses.start<Request, TimingReport>(MODULE, FLAG, count));
  }

  get ports(): number[] {
    return this.processes.ports;
  }

  get pids(): number[] {
    return this.processes.pids;
  }

  async reset(mode: SinkMode): Promise<void> {
    await this.processes.ask({ cmd: 'reset', mode });
  }

  async report(): Promise<TimingReport> {
    const reports = await this.processes.ask({ cmd: 'report' });
    const total = { streams: 0, sources: 0, received: 0, expected: 0, lost: 0, peakActive: 0, malformed: 0, sinkDrops: 0, late: 0, maxLateMs: 0, maxEarlyMs: 0, minPerStream: Number.POSITIVE_INFINITY, dtmfSent: 0, talkspurts: 0, maxPauseMs: 0 };
    for (const report of reports) {
      if (!report) throw new Error('the RTP sink sent no report');
      for (const key of ['streams', 'sources', 'received', 'expected', 'lost', 'peakActive', 'malformed', 'sinkDrops', 'late', 'dtmfSent', 'talkspurts'] as const) total[key] += report[key];
      total.maxLateMs = Math.max(total.maxLateMs, report.maxLateMs);
      total.maxPauseMs = Math.max(total.maxPauseMs, report.maxPauseMs);
      total.maxEarlyMs = Math.max(total.maxEarlyMs, report.maxEarlyMs);
      if (report.streams > 0) total.minPerStream = Math.min(total.minPerStream, report.minPerStream);
    }
    if (total.minPerStream === Number.POSITIVE_INFINITY) total.minPerStream = 0;
    return total;
  }

  stop(): Promise<void> {
    return this.processes.stop();
  }
}

// ---- the sink process itself ----

interface Stream extends SequenceCount {
  /** Arrival (ms, performance clock) and timestamp of the first packet; the timestamp extended past 2^32. */
  firstAt: number;
  firstTs: number;
  lastTs: number;
  tsExtended: number;
  lastAt: number;
  dtmfSent: boolean;
}

function runSink(): void {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024, sendBufferSize: 8 * 1024 * 1024 });
  let streams = new Map<number, Stream>();
  let sources = new Set<number>();
  let mode: SinkMode = 'echo';
  let malformed = 0;
  let late = 0;
  let maxLateMs = 0;
  let maxEarlyMs = 0;
  let dropsBase = 0;
  let dtmfSent = 0;
  let talkspurts = 0;
  let maxPauseMs = 0;
  const active = peakActive(() => streams.values(), () => performance.now());

  /** The key pressed back at a stream's source: start, two updates, then the end packet three times (§2.5.1.4). */
  const pressKey = (to: { port: number; address: string }) => {
    const ssrc = (Math.random() * 0xffffffff) >>> 0;
    const seq0 = Math.floor(Math.random() * 0x8000);
    const ts = Math.floor(Math.random() * 0x7fffffff);
    const steps: Array<[boolean, number, boolean]> = [[false, 160, true], [false, 320, false], [false, 480, false], [true, 640, false], [true, 640, false], [true, 640, false]];
    steps.forEach(([end, duration, marker], i) => {
      setTimeout(() => socket.send(dtmfPacket(ssrc, seq0 + i, ts, DTMF_EVENT, end, duration, marker), to.port, to.address), i * 20);
    });
    dtmfSent++;
  };

  socket.on('message', (packet, from) => {
    const now = performance.now();
    if (mode === 'echo') socket.send(packet, from.port, from.address);
    if (packet.length < 12 || packet[0] === undefined || packet[0] >> 6 !== 2) {
      malformed++;
      return;
    }
    const seq = packet.readUInt16BE(2);
    const timestamp = packet.readUInt32BE(4);
    const ssrc = packet.readUInt32BE(8);
    const key = from.port * 4294967296 + ssrc;
    const stream = streams.get(key);
    if (stream === undefined) {
      streams.set(key, { received: 1, base: seq, max: seq, firstAt: now, firstTs: timestamp, lastTs: timestamp, tsExtended: timestamp, lastAt: now, dtmfSent: false });
      sources.add(from.port);
      return;
    }
    stream.lastAt = now;
    countSequence(stream, seq);
    // The 32-bit timestamp extended by its signed step from the last packet, so a wrap or a reordered packet lands right.
    stream.tsExtended += (timestamp - stream.lastTs) | 0;
    stream.lastTs = timestamp;
    let behind = now - (stream.firstAt + (stream.tsExtended - stream.firstTs) / 8);
    if (((packet[1] ?? 0) & 0x80) !== 0) {
      talkspurts++;
      if (behind > maxPauseMs) maxPauseMs = behind;
      stream.firstAt = now;
      stream.firstTs = stream.tsExtended;
      behind = 0;
    }
    if (behind > LATE_MS) late++;
    if (behind > maxLateMs) maxLateMs = behind;
    if (-behind > maxEarlyMs) maxEarlyMs = -behind;
    if (mode === 'dtmf' && !stream.dtmfSent && stream.received >= DTMF_AFTER) {
      stream.dtmfSent = true;
      pressKey({ port: from.port, address: from.address });
    }
  });

  serveSink<Request, TimingReport>(socket, (request) => {
    const port = socket.address().port;
    if (request.cmd === 'reset') {
      streams = new Map();
      sources = new Set();
      mode = request.mode;
      malformed = 0;
      late = 0;
      maxLateMs = 0;
      maxEarlyMs = 0;
      active.reset();
      dtmfSent = 0;
      talkspurts = 0;
      maxPauseMs = 0;
      dropsBase = socketDrops(port);
      return undefined;
    }
    let minPerStream = Number.POSITIVE_INFINITY;
    for (const stream of streams.values()) minPerStream = Math.min(minPerStream, stream.received);
    return {
      streams: streams.size,
      sources: sources.size,
      ...lossTotals(streams.values()),
      peakActive: active.peak(),
      malformed,
      sinkDrops: socketDrops(port) - dropsBase,
      late,
      maxLateMs,
      maxEarlyMs,
      minPerStream: streams.size > 0 ? minPerStream : 0,
      dtmfSent,
      talkspurts,
      maxPauseMs,
    };
  });
}

if (process.argv.includes(FLAG) && process.argv[1] === MODULE) runSink();
