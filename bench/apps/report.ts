// The apps bench's summary: per server the highest level held for each kind of call (relayed, playing, recorded, ivr,
// huntmusic, hold), each kind against the same server's relayed calls, Callgrid against rtpengine kind by kind, the
// goals, what each row stands for when it is not what its name says, and the CPU of every process at each highest
// level passed.
import { availableParallelism } from 'node:os';
import { formatCpu } from './cpu-sampler.ts';
import { CALL_KINDS, type CallKind } from './drivers.ts';
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
      return 'not built yet';
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

/** Column headings: the kind and its letter in apps.bench.ts's header. */
const HEADINGS: Readonly<Record<CallKind, string>> = { relayed: 'relayed (c)', playing: 'playing (a)', recorded: 'recorded (b)', ivr: 'ivr (d)', huntmusic: 'huntmusic (e)', hold: 'hold (f)' };

export function printSummary(servers: ReadonlyArray<readonly [string, ServerOutcomes]>, settings: StepSettings & { readonly levels: readonly number[] }, goals: Goals): void {
  const first = settings.levels[0] ?? 0;
  const shown = CALL_KINDS.filter((kind) => servers.some(([, o]) => o[kind].kind !== 'skipped'));
  const others = shown.filter((kind) => kind !== 'relayed');
  const row = (cells: readonly string[], width: number) => console.log(cells.map((cell, i) => (i === 0 ? cell.padEnd(30) : cell.padStart(width))).join(''));
  console.log(
    `\nConcurrent calls held ${settings.holdSeconds} s with G.711 media (set up at ${settings.setupRate} calls/s, levels ${settings.levels.join(', ')}); ` +
      `a level passes with every call answered, all up at once, loss < ${settings.maxLossPercent} %, late (> ${LATE_MS} ms) < ${settings.maxLatePercent} %\n`,
  );
  row(['server', ...shown.map((kind) => HEADINGS[kind])], 15);
  for (const [name, o] of servers) row([name, ...shown.map((kind) => figure(o[kind], first))], 15);
  let starred = false;
  // Without relayed calls in this run there is nothing to hold the other kinds against.
  if (others.length > 0 && shown.includes('relayed')) {
    console.log('\neach kind against the same server\'s relayed calls (kind/relayed):');
    row(['server', ...others.map((kind) => kind)], 15);
    for (const [name, o] of servers) {
      const ratios = others.map((kind) => ratio(o.relayed, o[kind], first));
      starred ||= ratios.some((text) => text.endsWith('*'));
      row([name, ...ratios], 15);
    }
  }
  const cg = servers.find(([name]) => name.startsWith('Callgrid'))?.[1];
  const peer = servers.find(([name]) => name.includes('rtpengine'))?.[1];
  if (cg && peer) {
    const against = shown
      .filter((kind) => cg[kind].kind !== 'skipped' || peer[kind].kind !== 'skipped')
      .map((kind) => {
        const r = ratio(peer[kind], cg[kind], first);
        return `${kind} ${figure(cg[kind], first)} vs ${figure(peer[kind], first)}${r === 'n/a' ? '' : ` (${r.replace(/\*$/, 'x*').replace(/(\d)$/, '$1x')})`}`;
      });
    starred ||= against.some((text) => text.includes('*'));
    if (against.length > 0) console.log(`\nCallgrid against rtpengine (Callgrid/rtpengine): ${against.join('; ')}`);
  }
  if (starred) console.log('* both reached the highest level tried: raise BENCH_CONCURRENCY to tell them apart.');
  for (const [name, o] of servers) {
    for (const kind of CALL_KINDS) {
      const outcome = o[kind];
      if (outcome.kind === 'not-built' || outcome.kind === 'failed') console.log(`${name} ${kind}: ${outcome.kind === 'not-built' ? 'not built yet: ' : ''}${outcome.reason}`);
      if (outcome.kind === 'measured' && outcome.caveat) console.log(`${name} ${kind}: ${outcome.caveat}`);
    }
  }
  const goalsApply = shown.includes('playing') || shown.includes('recorded');
  const callgrid = servers.find(([name]) => name.startsWith('Callgrid'))?.[1];
  if (callgrid && goalsApply) {
    console.log(
      `\ngoals (Callgrid): playing endpoints >= ${goals.playing.toFixed(1)}x its relayed calls: ${goal(callgrid.relayed, callgrid.playing, goals.playing)}; ` +
        `recorded calls >= ${goals.recorded.toFixed(1)}x: ${goal(callgrid.relayed, callgrid.recorded, goals.recorded)}`,
    );
  }
  const rtpengine = servers.find(([name]) => name.includes('rtpengine'))?.[1];
  if (rtpengine && goalsApply) {
    console.log(
      `the same goals for rtpengine, for reference: playing ${goal(rtpengine.relayed, rtpengine.playing, goals.playing)}; recorded ${goal(rtpengine.relayed, rtpengine.recorded, goals.recorded)}`,
    );
  }
  console.log(`\nCPU while all calls of the highest level passed were up (100 % = one core of ${availableParallelism()}):`);
  for (const [name, o] of servers) {
    for (const kind of CALL_KINDS) {
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
