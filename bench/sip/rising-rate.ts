// The rising-rate search: one registration as a smoke check, then load steps of increasing rate against one
// server until a step is not sustained; the answer is the highest step that was.
import { setTimeout as sleep } from 'node:timers/promises';
import type { StepResult } from './sipp-register.ts';

export interface RampOptions {
  readonly server: string;
  /** Rates in registrations per second, ascending. */
  readonly rates: readonly number[];
  /** A step is sustained when it has no failure and at least this share of its rate was achieved. */
  readonly minAchievedRatio: number;
  /** Runs of a step before it counts as not sustained: one retry keeps a noisy neighbour from ending the ramp. */
  readonly tries: number;
  /** Runs one step; rate 0 means the single-registration smoke check. */
  readonly run: (rate: number, label: string) => Promise<StepResult>;
}

export interface RampResult {
  readonly server: string;
  /** The highest sustained rate; 0 when not even the first step was. */
  readonly sustained: number;
  /** Every step was sustained: the server's limit lies above the highest rate tried. */
  readonly toppedOut: boolean;
  /** The highest rate any clean step achieved: what the load generator proved it can drive. */
  readonly bestAchieved: number;
  /** Set when the single registration failed: why, in SIPp's words. */
  readonly smokeFailure?: string;
}

export function isSustained(step: StepResult, minAchievedRatio: number): boolean {
  return step.failed === 0 && step.problems.length === 0 && step.achieved >= step.rate * minAchievedRatio;
}

function describe(step: StepResult, sustained: boolean, retry: boolean): string {
  const processes = step.processes > 1 ? ` (${step.processes} SIPp)` : '';
  return (
    `${String(step.rate).padStart(6)}/s${processes}${retry ? ' again' : ''}: ${step.successful}/${step.attempted} registered, ${step.failed} failed, ` +
    `${step.retransmissions} retransmissions, ${step.elapsedSeconds.toFixed(2)} s, achieved ${step.achieved.toFixed(0)}/s` +
    ` -> ${sustained ? 'sustained' : 'NOT sustained'}`
  );
}

export async function rampUp(options: RampOptions): Promise<RampResult> {
  const tag = options.server.toLowerCase();
  const smoke = await options.run(0, `${tag}-smoke`);
  if (smoke.failed > 0 || smoke.successful === 0 || smoke.problems.length > 0) {
    return { server: options.server, sustained: 0, toppedOut: false, bestAchieved: 0, smokeFailure: smoke.problems.join('\n') || 'no registration completed' };
  }
  let sustained = 0;
  let bestAchieved = 0;
  for (const rate of options.rates) {
    let passed = false;
    for (let attempt = 1; attempt <= options.tries && !passed; attempt++) {
      const step = await options.run(rate, `${tag}-${rate}-${attempt}`);
      passed = isSustained(step, options.minAchievedRatio);
      console.log(`  ${options.server.padEnd(8)} ${describe(step, passed, attempt > 1)}`);
      if (!passed) for (const problem of step.problems.slice(0, 2)) console.log(`    ${problem.split('\n').join('\n    ')}`);
      if (step.failed === 0 && step.problems.length === 0) bestAchieved = Math.max(bestAchieved, step.achieved);
      // Let the server drain its queues and the last retransmissions die out before the next run.
      await sleep(700);
    }
    if (!passed) return { server: options.server, sustained, toppedOut: false, bestAchieved };
    sustained = rate;
  }
  return { server: options.server, sustained, toppedOut: true, bestAchieved };
}
