// One measured step of the apps bench and the ramp over steps. A step sets up N calls at the setup rate and holds
// all N at once for the hold time (each call lasts hold + N / rate, as bench/calls' held levels), then judges SIP,
// what the sink received (loss, lateness, one stream per call, all N up together), the server's own check
// (recordings, keys heard), and samples every process's CPU while all N calls are up.
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallStepResult } from '../calls/sipp-calls.ts';
import { cpuSnapshot, cpuUse, formatCpu, type CpuSnapshot } from './cpu-sampler.ts';
import type { Driver } from './drivers.ts';
import { LATE_MS, type TimingReport, type TimingSink } from './timing-sink.ts';

export interface StepSettings {
  readonly setupRate: number;
  readonly holdSeconds: number;
  readonly maxLossPercent: number;
  readonly maxLatePercent: number;
}

export interface StepRecord {
  readonly level: number;
  readonly passed: boolean;
  readonly line: string;
  readonly problems: string[];
  /** Percent of one core per process kind while all calls were up. */
  readonly cpu: ReadonlyMap<string, number>;
  readonly media: TimingReport;
  /** Calls SIPp counted as failed: SIP trouble, not media. */
  readonly sipFailed: number;
}

export interface Ramp {
  /** Highest passing level; 0 when none passed. */
  readonly best: number;
  readonly toppedOut: boolean;
  readonly steps: readonly StepRecord[];
}

/** 20 ms packets. */
const PACKETS_PER_SECOND = 50;

const percent = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : 0);

function judge(level: number, sip: CallStepResult, media: TimingReport, callSeconds: number, server: { problems: string[]; notes: string[] }, settings: StepSettings): { passed: boolean; line: string; problems: string[] } {
  const problems = [...sip.problems];
  const nominal = sip.successful * callSeconds * PACKETS_PER_SECOND;
  const coverage = nominal > 0 ? percent(media.received, nominal) : 100;
  if (coverage < 90) problems.push(`the sink got ${coverage.toFixed(1)} % of the packets the calls should have carried: streams cut short or missing?`);
  if (media.streams < sip.successful) problems.push(`${sip.successful - media.streams} answered calls brought no RTP to the sink`);
  if (media.peakActive < level) problems.push(`only ${media.peakActive} streams were up at the same time, not ${level}`);
  const loss = percent(media.lost, media.expected);
  if (loss >= settings.maxLossPercent) problems.push(`RTP loss ${loss.toFixed(3)} % >= ${settings.maxLossPercent} %`);
  const late = percent(media.late, media.received);
  if (late >= settings.maxLatePercent) problems.push(`late RTP (> ${LATE_MS} ms behind schedule) ${late.toFixed(3)} % >= ${settings.maxLatePercent} %`);
  if (media.streams > 1 && media.sources === 1) problems.push('all streams came from one port: is the media anchored per call at all?');
  problems.push(...server.problems);
  const passed = sip.failed === 0 && sip.successful === sip.calls && problems.length === 0;
  const line =
    `${sip.successful}/${sip.calls} ok, ${sip.failed} failed, ${sip.retransmissions} retrans; ` +
    `RTP ${media.received} pkts in ${media.streams} streams (min ${media.minPerStream}/stream), lost ${loss.toFixed(3)} %` +
    `${media.sinkDrops > 0 ? ` (${media.sinkDrops} dropped at the sink's socket)` : ''}, late ${late.toFixed(3)} % (worst ${media.maxLateMs.toFixed(0)} ms, ` +
    `most ahead ${media.maxEarlyMs.toFixed(0)} ms), ${coverage.toFixed(1)} % of nominal, peak ${media.peakActive}` +
    `${media.talkspurts > 0 ? `, ${media.talkspurts} new talkspurts (longest pause ${media.maxPauseMs.toFixed(0)} ms)` : ''}` +
    `${server.notes.length > 0 ? `; ${server.notes.join(', ')}` : ''}; ${sip.elapsedSeconds.toFixed(1)} s`;
  return { passed, line, problems };
}

export async function holdStep(driver: Driver, sink: TimingSink, level: number, settings: StepSettings, label: string): Promise<StepRecord> {
  await sink.reset(driver.sinkMode);
  const placing = level / settings.setupRate;
  const callSeconds = settings.holdSeconds + placing;
  // CPU from just after the last call is up to just before the first BYE.
  const margin = Math.min(0.5, settings.holdSeconds / 4);
  let first: CpuSnapshot | undefined;
  let last: CpuSnapshot | undefined;
  const timers = [
    setTimeout(() => (first = cpuSnapshot()), (placing + margin) * 1000),
    setTimeout(() => (last = cpuSnapshot()), (placing + settings.holdSeconds - margin) * 1000),
  ];
  let sip: CallStepResult;
  try {
    sip = await driver.run(level, settings.setupRate, callSeconds, label);
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
  // The last packets are in flight for a few ms after the last BYE; the server closes its files on BYE.
  await sleep(300);
  const media = await sink.report();
  const server = await driver.check(sip.successful);
  const cpu = first && last ? cpuUse(first, last) : new Map<string, number>();
  const judged = judge(level, sip, media, callSeconds, server, settings);
  return { level, ...judged, line: `${judged.line}; CPU ${formatCpu(cpu) || 'not sampled'}`, cpu, media, sipFailed: sip.failed };
}

/**
 * One call held a moment, not judged for lateness: it shows whether calls work at all (a part that cannot place one
 * call fails with its reason instead of a ramp of failures), and warms the server up (a JIT, caches) before the ramp.
 */
export async function warmUp(driver: Driver, sink: TimingSink, label: string): Promise<string | undefined> {
  await sink.reset(driver.sinkMode);
  const seconds = 1;
  const sip = await driver.run(1, 1, seconds, label);
  await sleep(300);
  const media = await sink.report();
  if (sip.successful !== 1) return sip.problems.join('; ') || 'the call failed';
  if (media.streams === 0) return 'the call brought no RTP to the sink';
  return undefined;
}

/** Ascending levels until one fails; a pause between steps lets the server drain. */
export async function rampLevels(levels: readonly number[], pauseMs: number, run: (level: number) => Promise<StepRecord>): Promise<Ramp> {
  const steps: StepRecord[] = [];
  let best = 0;
  for (const [index, level] of levels.entries()) {
    if (index > 0) await sleep(pauseMs);
    const step = await run(level);
    steps.push(step);
    if (!step.passed) return { best, toppedOut: false, steps };
    best = level;
  }
  return { best, toppedOut: true, steps };
}
