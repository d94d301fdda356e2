// The apps bench's knobs (environment variables, listed in apps.bench.ts's header) and the time limits derived from
// them: read once, checked with an error naming the variable.
import { CALL_KINDS } from './drivers.ts';
import type { StepSettings } from './hold-step.ts';

export const QUICK = process.env.BENCH_QUICK === '1';

export { CALL_KINDS };

const num = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const list = (name: string, fallback: string): number[] => {
  const values = (process.env[name] ?? fallback).split(',').map(Number);
  if (values.some((value) => !Number.isFinite(value) || value <= 0)) throw new Error(`${name} must be a comma-separated list of positive numbers`);
  return values.map(Math.round).sort((a, b) => a - b);
};
const names = <T extends string>(name: string, fallback: string, allowed: readonly T[]): Set<T> => {
  const set = new Set((process.env[name] ?? fallback).split(',').map((item) => item.trim().toLowerCase()).filter(Boolean));
  for (const item of set) if (!(allowed as readonly string[]).includes(item)) throw new Error(`${name}: unknown ${item}; expected ${allowed.join(', ')}`);
  return set as Set<T>;
};

export const settings = {
  servers: names('BENCH_SERVERS', 'rtpengine,callgrid', ['rtpengine', 'callgrid'] as const),
  parts: names('BENCH_PARTS', CALL_KINDS.join(','), CALL_KINDS),
  levels: list('BENCH_CONCURRENCY', QUICK ? '20,40' : '100,250,500'),
  holdSeconds: num('BENCH_HOLD_SECONDS', QUICK ? 1 : 15),
  setupRate: num('BENCH_SETUP_RATE', 50),
  promptSeconds: num('BENCH_PROMPT_SECONDS', 4),
  maxLossPercent: num('BENCH_MAX_LOSS_PERCENT', 0.1),
  maxLatePercent: num('BENCH_MAX_LATE_PERCENT', 0.5),
  goals: { playing: num('BENCH_GOAL_PLAYING', 1.0), recorded: num('BENCH_GOAL_RECORDED', 0.7) },
  kamailioChildren: Math.round(num('BENCH_KAMAILIO_CHILDREN', 4)),
  rtpengineThreads: Math.round(num('BENCH_RTPENGINE_THREADS', 2)),
  sinkProcesses: Math.round(num('BENCH_SINK_PROCESSES', 2)),
  nodeArgs: (process.env.BENCH_CALLGRID_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
  callgridEnv: Object.fromEntries(
    (process.env.BENCH_CALLGRID_ENV ?? '')
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        if (at <= 0 || !pair.startsWith('CALLGRID_')) throw new Error(`BENCH_CALLGRID_ENV: expected CALLGRID_NAME=value, got ${pair}`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
  ) as Record<string, string>,
};
export const stepSettings: StepSettings = settings;

// Longest a level may take: placing + hold + placing (the last call's length) + SIPp's own margins.
const stepMax = (level: number) => (2 * level) / settings.setupRate + settings.holdSeconds + 45;
/** Longest one part's ramp may take, s (also SIPp callees' own -timeout, with a margin). */
export const partMax = settings.levels.reduce((sum, level) => sum + stepMax(level), 0) + 30;
/** The longest call of any step (hold + placing at the top level, as holdStep makes them). */
export const longestCallSeconds = () => settings.holdSeconds + Math.max(...settings.levels) / settings.setupRate;
export const budgetMs = (settings.servers.size * settings.parts.size * partMax + 120) * 1000;
