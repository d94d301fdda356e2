// The node's own figures during the soak: memory and event-loop delay from /healthz?stats=1 (src/api/app.ts), open
// file handles counted in /proc/<pid>/fd, and the end-of-run verdict on whether memory and handles stayed flat.
import { readdirSync } from 'node:fs';

export interface NodeSample {
  /** Seconds since the soak started. */
  readonly at: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Open file descriptors (sockets, the store, logs); undefined off Linux. */
  readonly fds: number | undefined;
  /** Event-loop delay since the previous sample; undefined for the first. */
  readonly loop: { readonly meanMs: number; readonly p99Ms: number; readonly maxMs: number } | undefined;
}

interface StatsAnswer {
  readonly process?: {
    readonly pid: number;
    readonly rssBytes: number;
    readonly heapUsedBytes: number;
    readonly eventLoopDelay: { meanMs: number; p99Ms: number; maxMs: number } | null;
  };
}

export async function sampleNode(httpBase: string, at: number): Promise<NodeSample> {
  const res = await fetch(`${httpBase}/healthz?stats=1`, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as StatsAnswer;
  const p = body.process;
  if (p === undefined) throw new Error('/healthz?stats=1 gave no process figures (is this an older Callgrid?)');
  return { at, rssBytes: p.rssBytes, heapUsedBytes: p.heapUsedBytes, fds: openFiles(p.pid), loop: p.eventLoopDelay ?? undefined };
}

function openFiles(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

export const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

export function sampleText(s: NodeSample): string {
  const loop = s.loop === undefined ? 'n/a' : `mean ${s.loop.meanMs} ms, p99 ${s.loop.p99Ms} ms, max ${s.loop.maxMs} ms`;
  return `rss ${mb(s.rssBytes)} MB, heap ${mb(s.heapUsedBytes)} MB, fds ${s.fds ?? 'n/a'}, event-loop delay ${loop}`;
}

export interface Flatness {
  /** False when there are too few samples after warm-up to compare (fewer than 3). */
  readonly judged: boolean;
  readonly flat: boolean;
  readonly lines: string[];
}

/**
 * Flat = the last third of the samples after warm-up is not above the first third by more than the slack: the
 * mean RSS and heap within 10 % + 8 MB (GC timing moves the heap by a few MB between samples), the most handles
 * within 4 (a registration or call in flight at the sample holds a socket or two). Thirds of means, not first vs
 * last sample, so one sample taken mid-GC neither hides nor fakes growth.
 */
export function judgeFlatness(samples: readonly NodeSample[], warmupSeconds: number): Flatness {
  const after = samples.filter((s) => s.at >= warmupSeconds);
  if (after.length < 3) return { judged: false, flat: true, lines: [`${after.length} samples after the ${warmupSeconds} s warm-up: too few to judge growth (3 or more needed)`] };
  const third = Math.max(1, Math.floor(after.length / 3));
  const first = after.slice(0, third);
  const last = after.slice(-third);
  const mean = (list: readonly NodeSample[], pick: (s: NodeSample) => number) => list.reduce((sum, s) => sum + pick(s), 0) / list.length;
  const lines: string[] = [];
  let flat = true;
  for (const [name, pick] of [['rss', (s: NodeSample) => s.rssBytes], ['heap', (s: NodeSample) => s.heapUsedBytes]] as const) {
    const a = mean(first, pick);
    const b = mean(last, pick);
    const ok = b <= a * 1.1 + 8 * 1024 * 1024;
    flat &&= ok;
    lines.push(`${name}: first third ${mb(a)} MB, last third ${mb(b)} MB (${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)} %) -> ${ok ? 'flat' : 'GROWING'}`);
  }
  const fdFirst = first.map((s) => s.fds).filter((n): n is number => n !== undefined);
  const fdLast = last.map((s) => s.fds).filter((n): n is number => n !== undefined);
  if (fdFirst.length > 0 && fdLast.length > 0) {
    const a = Math.max(...fdFirst);
    const b = Math.max(...fdLast);
    const ok = b <= a + 4;
    flat &&= ok;
    lines.push(`fds: first third at most ${a}, last third at most ${b} -> ${ok ? 'flat' : 'GROWING'}`);
  }
  return { judged: true, flat, lines };
}
