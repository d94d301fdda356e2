// The apps bench's summary: per server the highest level held for relayed, playing and recorded calls, each kind
// against the same server's relayed calls, the goals, and the CPU of every process at each highest level passed.
import { availableParallelism } from 'node:os';
import { formatCpu } from './cpu-sampler.ts';
import type { CallKind } from './drivers.ts';
import type { Ramp, StepSettings } from './hold-step.ts';
import { LATE_MS } from './timing-sink.ts';

export type Outcome =
  | { readonly kind: 'skipped' }
  /** The engine has no such calls yet: the bench says so and goes on. */
  | { readonly kind: 'not-built'; readonly reason: string }
  /** It should work but could not be measured: why. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** caveat: what the server's own check left out (printed under the table). */
  | { readonly kind: 'measured'; readonly ramp: Ramp; readonly caveat?: string };

export type ServerOutcomes = Readonly<Record<CallKind, Outcome>>;

export interface Goals {
  readonly playing: number;
  readonly recorded: number;
}

function figure(outcome: Outcome, first: number): string {
  switch (outcome.kind) {
    case 'skipped':
      return 'skipped';
    case 'not-built':
      return 'not built';
    case 'failed':
      return 'not measured';
    case 'measured':
      if (outcome.ramp.best === 0) return `< ${first}`;
      return outcome.ramp.toppedOut ? `>= ${outcome.ramp.best}` : String(outcome.ramp.best);
  }
}

/** other/relayed, with '>=' / '<=' when a side reached the top level or failed the first. */
function ratio(relayed: Outcome, other: Outcome, first: number): string {
  if (relayed.kind !== 'measured' || other.kind !== 'measured' || relayed.ramp.best === 0) return 'n/a';
  const r = relayed.ramp;
  const o = other.ramp;
  const value = (o.best === 0 ? first : o.best) / r.best;
  if (r.toppedOut && o.toppedOut) return `>= ${value.toFixed(2)}*`;
  const bound = o.best === 0 ? '< ' : r.toppedOut ? '<= ' : o.toppedOut ? '>= ' : '';
  return `${bound}${value.toFixed(2)}`;
}

function goal(relayed: Outcome, other: Outcome, wanted: number): string {
  if (other.kind === 'not-built') return 'not measured (not built yet)';
  if (relayed.kind !== 'measured' || other.kind !== 'measured') return 'not measured';
  if (relayed.ramp.best === 0) return 'not measured (no relayed level passed)';
  return other.ramp.best >= wanted * relayed.ramp.best ? 'met' : 'NOT met';
}

export function printSummary(servers: ReadonlyArray<readonly [string, ServerOutcomes]>, settings: StepSettings & { readonly levels: readonly number[] }, goals: Goals): void {
  const first = settings.levels[0] ?? 0;
  const widths = [30, 13, 13, 14, 17, 18];
  const row = (cells: readonly string[]) => console.log(cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(''));
  console.log(
    `\nConcurrent calls held ${settings.holdSeconds} s with G.711 media (set up at ${settings.setupRate} calls/s, levels ${settings.levels.join(', ')}); ` +
      `a level passes with every call answered, all up at once, loss < ${settings.maxLossPercent} %, late (> ${LATE_MS} ms) < ${settings.maxLatePercent} %\n`,
  );
  row(['server', 'relayed (c)', 'playing (a)', 'recorded (b)', 'playing/relayed', 'recorded/relayed']);
  let starred = false;
  for (const [name, o] of servers) {
    const ratios = [ratio(o.relayed, o.playing, first), ratio(o.relayed, o.recorded, first)];
    starred ||= ratios.some((text) => text.endsWith('*'));
    row([name, figure(o.relayed, first), figure(o.playing, first), figure(o.recorded, first), ...ratios]);
  }
  const cg = servers.find(([name]) => name.startsWith('Callgrid'))?.[1];
  const peer = servers.find(([name]) => name.includes('rtpengine'))?.[1];
  if (cg && peer) {
    const against = (['relayed', 'playing', 'recorded'] as const)
      .filter((kind) => cg[kind].kind !== 'skipped' || peer[kind].kind !== 'skipped')
      .map((kind) => {
        const r = ratio(peer[kind], cg[kind], first);
        return `${kind} ${figure(cg[kind], first)} vs ${figure(peer[kind], first)}${r === 'n/a' ? '' : ` (${r.replace(/\*$/, 'x*').replace(/(\d)$/, '$1x')})`}`;
      });
    starred ||= against.some((text) => text.includes('*'));
    if (against.length > 0) console.log(`Callgrid against rtpengine (Callgrid/rtpengine): ${against.join('; ')}`);
  }
  if (starred) console.log('* both reached the highest level tried: raise BENCH_CONCURRENCY to tell them apart.');
  for (const [name, o] of servers) {
    for (const kind of ['relayed', 'playing', 'recorded'] as const) {
      const outcome = o[kind];
      if (outcome.kind === 'not-built' || outcome.kind === 'failed') console.log(`${name} ${kind}: ${outcome.reason}`);
      if (outcome.kind === 'measured' && outcome.caveat) console.log(`${name} ${kind}: ${outcome.caveat}`);
    }
  }
  const callgrid = servers.find(([name]) => name.startsWith('Callgrid'))?.[1];
  if (callgrid) {
    console.log(
      `\ngoals (Callgrid): playing endpoints >= ${goals.playing.toFixed(1)}x its relayed calls: ${goal(callgrid.relayed, callgrid.playing, goals.playing)}; ` +
        `recorded calls >= ${goals.recorded.toFixed(1)}x: ${goal(callgrid.relayed, callgrid.recorded, goals.recorded)}`,
    );
  }
  const rtpengine = servers.find(([name]) => name.includes('rtpengine'))?.[1];
  if (rtpengine) {
    console.log(
      `the same goals for rtpengine, for reference: playing ${goal(rtpengine.relayed, rtpengine.playing, goals.playing)}; recorded ${goal(rtpengine.relayed, rtpengine.recorded, goals.recorded)}`,
    );
  }
  console.log(`\nCPU while all calls of the highest level passed were up (100 % = one core of ${availableParallelism()}):`);
  for (const [name, o] of servers) {
    for (const kind of ['relayed', 'playing', 'recorded'] as const) {
      const outcome = o[kind];
      if (outcome.kind !== 'measured') continue;
      const step = [...outcome.ramp.steps].reverse().find((s) => s.passed) ?? outcome.ramp.steps[outcome.ramp.steps.length - 1];
      if (step) console.log(`  ${name}, ${kind} ${step.level}${step.passed ? '' : ' (failed)'}: ${formatCpu(step.cpu) || 'not sampled'}`);
    }
  }
  console.log(
    `\nload: SIPp (callers and callee), the RTP sinks, the server and this bench share the same ${availableParallelism()} CPUs; ` +
      "a SIPp near 100 % means the load generator, not the server, set the limit.",
  );
}
