// The media end of the callee: a UDP socket that the SIPp UAS puts in its SDP answer, so the relay under test sends
// the caller's RTP here. It counts each stream's packets against its sequence numbers (RFC 3550 A.1/A.3: expected =
// highest extended sequence - first + 1, lost = expected - received) and echoes every packet back to where it came
// from, so the relay carries media both ways as in a real call. It runs as its own process (forked by RtpSink below)
// so the bench's event loop and the counting do not slow each other; the parent asks for reports over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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

type Request = { readonly id: number; readonly cmd: 'reset' | 'report' };
type Reply = { readonly id: number; readonly report?: SinkReport; readonly port?: number };

interface Stream {
  received: number;
  /** First sequence number, extended (cycles * 65536 + seq). */
  base: number;
  /** Highest extended sequence number seen. */
  max: number;
  lastAt: number;
}

/** One sink process: the parent's handle on it. */
class SinkProcess {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply) => void>();

  private constructor(private readonly child: ChildProcess, readonly port: number) {
    child.on('message', (message: Reply) => {
      const resolve = this.pending.get(message.id);
      this.pending.delete(message.id);
      resolve?.(message);
    });
  }

  static async start(): Promise<SinkProcess> {
    const child = fork(fileURLToPath(import.meta.url), ['--sink'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const onExit = () => child.kill('SIGKILL');
    process.once('exit', onExit);
    child.once('exit', () => process.removeListener('exit', onExit));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the RTP sink did not start within 15 s')), 15_000);
      child.once('message', (message: Reply) => {
        clearTimeout(timer);
        if (message.port) resolve(message.port);
        else reject(new Error('the RTP sink did not report its port'));
      });
      child.once('exit', (code) => reject(new Error(`the RTP sink exited (${String(code)})`)));
    });
    return new SinkProcess(child, port);
  }

  ask(cmd: Request['cmd']): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('the RTP sink did not answer'));
      }, 10_000);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.child.send({ id, cmd } satisfies Request);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }
}

/**
 * The sink: one or more processes, each with its own port; the callee hands the ports out to calls in turn, so
 * the packet work spreads over CPUs. Reports add up (peakActive too: every process peaks during the same hold).
 */
export class RtpSink {
  private constructor(private readonly processes: readonly SinkProcess[]) {}

  static async start(count: number): Promise<RtpSink> {
    const started = await Promise.allSettled(Array.from({ length: count }, () => SinkProcess.start()));
    const ok = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) {
      await Promise.all(ok.map((one) => one.stop()));
      throw failed.reason;
    }
    return new RtpSink(ok);
  }

  get ports(): number[] {
    return this.processes.map((one) => one.port);
  }

  async reset(): Promise<void> {
    await Promise.all(this.processes.map((one) => one.ask('reset')));
  }

  async report(): Promise<SinkReport> {
    const replies = await Promise.all(this.processes.map((one) => one.ask('report')));
    const total = { streams: 0, sources: 0, received: 0, expected: 0, lost: 0, peakActive: 0, malformed: 0, sinkDrops: 0 };
    for (const reply of replies) {
      if (!reply.report) throw new Error('the RTP sink sent no report');
      for (const key of Object.keys(total) as Array<keyof SinkReport>) total[key] += reply.report[key];
    }
    return total;
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((one) => one.stop()));
  }
}

/** The kernel's drop counter of the UDP socket bound to 127.0.0.1:port; 0 when /proc/net/udp is not readable. */
function socketDrops(port: number): number {
  try {
    const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
    for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n')) {
      const fields = line.trim().split(/\s+/);
      if (fields[1] === local) return Number(fields[fields.length - 1]) || 0;
    }
  } catch {
    // not Linux, or no procfs
  }
  return 0;
}

/** The sink process itself. */
function runSink(): void {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024, sendBufferSize: 8 * 1024 * 1024 });
  // Keys are numbers (source port * 2^32 + SSRC; every sender is on 127.0.0.1): no string per packet.
  let streams = new Map<number, Stream>();
  let sources = new Set<number>();
  let malformed = 0;
  let peakActive = 0;
  let dropsBase = 0;
  const port = () => socket.address().port;
  // A coarse clock: Date.now() per packet is measurable at tens of thousands of packets per second.
  let now = Date.now();
  const clock = setInterval(() => {
    now = Date.now();
  }, 50);
  clock.unref();

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
    stream.received++;
    stream.lastAt = now;
    // Extend the 16-bit number to the cycle nearest the highest seen, so a wrap or a late packet lands right.
    const cycle = stream.max - (stream.max & 0xffff);
    let extended = cycle + seq;
    if (extended - stream.max > 32768) extended -= 65536;
    else if (stream.max - extended > 32768) extended += 65536;
    if (extended > stream.max) stream.max = extended;
    if (extended < stream.base) stream.base = extended;
  });

  const sampler = setInterval(() => {
    const since = Date.now() - 1000;
    let active = 0;
    for (const stream of streams.values()) if (stream.lastAt >= since) active++;
    peakActive = Math.max(peakActive, active);
  }, 500);
  sampler.unref();

  process.on('message', (request: Request) => {
    if (request.cmd === 'reset') {
      streams = new Map();
      sources = new Set();
      malformed = 0;
      peakActive = 0;
      dropsBase = socketDrops(port());
      process.send?.({ id: request.id } satisfies Reply);
      return;
    }
    let received = 0;
    let expected = 0;
    let lost = 0;
    for (const stream of streams.values()) {
      const span = stream.max - stream.base + 1;
      received += stream.received;
      expected += span;
      // Duplicates can make received exceed the span; they are not negative loss.
      lost += Math.max(0, span - stream.received);
    }
    const report: SinkReport = { streams: streams.size, sources: sources.size, received, expected, lost, peakActive, malformed, sinkDrops: socketDrops(port()) - dropsBase };
    process.send?.({ id: request.id, report } satisfies Reply);
  });
  // The parent went away: nothing left to report to.
  process.on('disconnect', () => process.exit(0));

  socket.bind(0, '127.0.0.1', () => process.send?.({ id: 0, port: port() } satisfies Reply));
}

if (process.argv.includes('--sink') && process.argv[1] === fileURLToPath(import.meta.url)) runSink();
