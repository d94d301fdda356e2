// Reads a V8 .cpuprofile (node --cpu-prof) and sums self time per function and per code origin, optionally
// only for samples inside a time window given on the CLOCK_MONOTONIC scale of process.hrtime.bigint().
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  /** Microseconds, V8's monotonic clock (CLOCK_MONOTONIC on Linux, as process.hrtime). */
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface Cost {
  readonly label: string;
  readonly ms: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly sampledMs: number;
  readonly functions: readonly Cost[];
  readonly origins: readonly Cost[];
  /** Callgrid's own functions (src/) by total time: themselves plus everything they called. */
  readonly callgridTotals: readonly Cost[];
}

/** Where a function comes from: a package, a Callgrid source file, node's internals or V8's pseudo-frames. */
export function originOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  const src = /\/(src\/.*?)(?:\?.*)?$/.exec(url);
  return src?.[1] ?? url;
}

function shortUrl(url: string): string {
  const inRepo = /\/((?:src|node_modules)\/.*?)(?:\?.*)?$/.exec(url);
  return inRepo?.[1] ?? url;
}

function top(map: Map<string, number>, total: number, count: number): Cost[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([label, us]) => ({ label, ms: us / 1000, share: total > 0 ? us / total : 0 }));
}

/** `window` in nanoseconds of process.hrtime.bigint(); samples outside it are ignored. */
export function summarizeProfile(path: string, count: number, window?: { readonly from: bigint; readonly to: bigint }): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  // tsx's transformed modules report line 0 for everything, so a line is shown only when there is one.
  const labelOf = (frame: CallFrame): string => {
    const name = frame.functionName || '(anonymous)';
    if (frame.url === '') return name;
    return `${name} ${shortUrl(frame.url)}${frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : ''}`;
  };
  const functions = new Map<string, number>();
  const origins = new Map<string, number>();
  const totals = new Map<string, number>();
  let total = 0;
  let clock = profile.startTime;
  const from = window === undefined ? -Infinity : Number(window.from / 1000n);
  const to = window === undefined ? Infinity : Number(window.to / 1000n);
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    clock += delta;
    const node = byId.get(id);
    if (!node || clock < from || clock > to) return;
    const { functionName, url } = node.callFrame;
    const label = labelOf(node.callFrame);
    functions.set(label, (functions.get(label) ?? 0) + delta);
    const origin = originOf(url, functionName);
    origins.set(origin, (origins.get(origin) ?? 0) + delta);
    total += delta;
    // Each src/ function on the stack once, however deep the recursion.
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame && originOf(frame.url, frame.functionName).startsWith('src/')) onStack.add(labelOf(frame));
    }
    for (const name of onStack) totals.set(name, (totals.get(name) ?? 0) + delta);
  });
  return { sampledMs: total / 1000, functions: top(functions, total, count), origins: top(origins, total, count), callgridTotals: top(totals, total, count) };
}
