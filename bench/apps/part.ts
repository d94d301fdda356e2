// One part of the apps bench against one server: start what the part needs (a driver, and whatever it must stop),
// check that one call works, ramp the levels, stop. A part the engine cannot run yet (NotBuiltYet) is reported as
// such, one that cannot start as failed with its reason; neither stops the bench.
import type { CallKind, Driver } from './drivers.ts';
import { NotBuiltYet } from './drivers.ts';
import { holdStep, rampLevels, warmUp } from './hold-step.ts';
import type { Outcome } from './report.ts';
import { QUICK, settings, stepSettings } from './settings.ts';
import type { TimingSink } from './timing-sink.ts';

/** What every part shares: the sinks, and the stoppers the bench runs when it is interrupted. */
export interface BenchRun {
  readonly sink: TimingSink;
  readonly workDir: string;
  readonly stoppers: Set<() => Promise<unknown>>;
}

export interface Started {
  readonly driver: Driver;
  readonly stop?: () => Promise<unknown>;
  /** The server's log, shown when calls themselves fail. */
  readonly log?: () => string;
  /** Reads the warm-up call's failure: a reason when it shows the engine lacks the feature (the row: not built yet). */
  readonly notBuilt?: (broken: string) => string | undefined;
}

/** The part `kind`, or 'skipped' when BENCH_PARTS leaves it out. */
export function part(run: BenchRun, title: string, kind: CallKind, start: () => Promise<Started>): Promise<Outcome> {
  if (!settings.parts.has(kind)) return Promise.resolve({ kind: 'skipped' });
  return measure(run, title, kind, start);
}

/** Runs `start` (which may throw NotBuiltYet), ramps the driver it returns, then stops what it started. */
export async function measure(run: BenchRun, title: string, label: string, start: () => Promise<Started>): Promise<Outcome> {
  let started: Started;
  try {
    started = await start();
  } catch (error) {
    if (error instanceof NotBuiltYet) {
      console.log(`  ${title}: not built yet: ${error.message}`);
      return { kind: 'not-built', reason: error.message };
    }
    console.log(`  ${title}: could not start: ${(error as Error).message}`);
    return { kind: 'failed', reason: `could not start: ${(error as Error).message.split('\n')[0] ?? ''}` };
  }
  const stop = async () => {
    await started.driver.stop();
    await started.stop?.();
  };
  run.stoppers.add(stop);
  const name = `${label}-${title.replace(/\W+/g, '-')}`;
  try {
    const broken = await warmUp(started.driver, run.sink, `${name}-warm-up`);
    const lacking = broken === undefined ? undefined : started.notBuilt?.(broken);
    if (lacking !== undefined) {
      console.log(`  ${title}: not built yet: ${lacking} (${broken})`);
      return { kind: 'not-built', reason: lacking };
    }
    if (broken !== undefined) {
      console.log(`  ${title}: one call does not work: ${broken}`);
      if (started.log) console.log(started.log().trim().split('\n').slice(-15).join('\n'));
      return { kind: 'failed', reason: `calls not working: ${broken}` };
    }
    console.log(`  ${title}: one call ok; held ${settings.holdSeconds} s, set up at ${settings.setupRate} calls/s`);
    const ramp = await rampLevels(settings.levels, QUICK ? 300 : 1000, async (level) => {
      const step = await holdStep(started.driver, run.sink, level, stepSettings, `${name}-${level}`);
      console.log(`    ${String(level).padStart(5)} calls: ${step.line} -> ${step.passed ? 'held' : 'FAILED'}`);
      for (const problem of step.problems.slice(0, 4)) console.log(`      ${problem}`);
      return step;
    });
    // The server's log helps when calls themselves failed, not when the media was merely late.
    if ((ramp.steps[ramp.steps.length - 1]?.sipFailed ?? 0) > 0 && started.log) console.log(started.log().trim().split('\n').slice(-15).join('\n'));
    return { kind: 'measured', ramp, ...(started.driver.caveat ? { caveat: started.driver.caveat } : {}) };
  } finally {
    run.stoppers.delete(stop);
    await stop();
  }
}
