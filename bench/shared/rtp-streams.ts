// What every RTP sink of the benches counts per stream (source port + SSRC): packets against their sequence numbers
// (RFC 3550 A.1/A.3: expected = highest extended sequence - first + 1, lost = expected - received), how many streams
// are up at once, and the packets the kernel dropped at the sink's own socket (loss on the measuring side).
import { readFileSync } from 'node:fs';

export interface SequenceCount {
  received: number;
  /** Extended sequence numbers (cycles * 65536 + seq): first and highest seen. */
  base: number;
  max: number;
}

/** Counts one more packet of a stream, its 16-bit sequence number extended to the cycle nearest the highest seen, so a wrap or a late packet lands right. */
export function countSequence(stream: SequenceCount, seq: number): void {
  stream.received++;
  const cycle = stream.max - (stream.max & 0xffff);
  let extended = cycle + seq;
  if (extended - stream.max > 32768) extended -= 65536;
  else if (stream.max - extended > 32768) extended += 65536;
  if (extended > stream.max) stream.max = extended;
  if (extended < stream.base) stream.base = extended;
}

export function lossTotals(streams: Iterable<SequenceCount>): { received: number; expected: number; lost: number } {
  let received = 0;
  let expected = 0;
  let lost = 0;
  for (const stream of streams) {
    const span = stream.max - stream.base + 1;
    received += stream.received;
    expected += span;
    // Duplicates can make received exceed the span; they are not negative loss.
    lost += Math.max(0, span - stream.received);
  }
  return { received, expected, lost };
}

/**
 * Every 500 ms, how many streams had a packet within the last second (`lastAt` on the clock `now`); peak() is the most
 * since reset().
 */
export function peakActive(streams: () => Iterable<{ readonly lastAt: number }>, now: () => number): { peak(): number; reset(): void } {
  let peak = 0;
  const sampler = setInterval(() => {
    const since = now() - 1000;
    let active = 0;
    for (const stream of streams()) if (stream.lastAt >= since) active++;
    peak = Math.max(peak, active);
  }, 500);
  sampler.unref();
  return {
    peak: () => peak,
    reset: () => {
      peak = 0;
    },
  };
}

/** The kernel's drop counter of the UDP socket bound to 127.0.0.1:port; 0 when /proc/net/udp is not readable. */
export function socketDrops(port: number): number {
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
