// The apps bench's knobs (environment variables, listed in apps.bench.ts's header) and the time limits derived from
// them: read once, checked with an error naming the variable.
import { callgridSettings, namesOf, positiveNumber, positiveNumbers, words } from '../shared/env-knobs.ts';
import { CALL_KINDS } from './drivers.ts';
import type { StepSettings } from './hold-step.ts';

export const QUICK = process.env.BENCH_QUICK === '1';

export { CALL_KINDS };

export const settings = {
  servers: namesOf('BENCH_SERVERS', 'rtpengine,callgrid', ['rtpengine', 'callgrid'] as const),
  parts: namesOf('BENCH_PARTS', CALL_KINDS.join(','), CALL_KINDS),
  levels: positiveNumbers('BENCH_CONCURRENCY', QUICK ? '20,40' : '100,250,500').map(Math.round),
  holdSeconds: positiveNumber('BENCH_HOLD_SECONDS', QUICK ? 1 : 15),
  setupRate: positiveNumber('BENCH_SETUP_RATE', 50),
  promptSeconds: positiveNumber('BENCH_PROMPT_SECONDS', 4),
  maxLossPercent: positiveNumber('BENCH_MAX_LOSS_PERCENT', 0.1),
  maxLatePercent: positiveNumber('BENCH_MAX_LATE_PERCENT', 0.5),
  goals: { playing: positiveNumber('BENCH_GOAL_PLAYING', 1.0), recorded: positiveNumber('BENCH_GOAL_RECORDED', 0.7) },
  kamailioChildren: Math.round(positiveNumber('BENCH_KAMAILIO_CHILDREN', 4)),
  rtpengineThreads: Math.round(positiveNumber('BENCH_RTPENGINE_THREADS', 2)),
  sinkProcesses: Math.round(positiveNumber('BENCH_SINK_PROCESSES', 2)),
  nodeArgs: words('BENCH_CALLGRID_NODE_ARGS'),
  callgridEnv: callgridSettings('BENCH_CALLGRID_ENV'),
};
export const stepSettings: StepSettings = settings;

// Longest a level may take: placing + hold + placing (the last call's length) + SIPp's own margins.
const stepMax = (level: number) => (2 * level) / settings.setupRate + settings.holdSeconds + 45;
/** Longest one part's ramp may take, s (also SIPp callees' own -timeout, with a margin). */
export const partMax = settings.levels.reduce((sum, level) => sum + stepMax(level), 0) + 30;
/** The longest call of any step (hold + placing at the top level, as holdStep makes them). */
export const longestCallSeconds = () => settings.holdSeconds + Math.max(...settings.levels) / settings.setupRate;
export const budgetMs = (settings.servers.size * settings.parts.size * partMax + 120) * 1000;
