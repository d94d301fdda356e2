// Draining a node before it stops: new calls are refused (calls/admission-drain.ts), the calls in progress go on
// until they end or the drain's time limit passes, and those still up then are hung up from the PBX side (BYE to both
// legs, their CDRs written). What stops the process afterwards is main.ts's; this file only decides when the calls
// are done.
import type { Logger } from '../shared/index.ts';
import type { CallDrain } from './calls/admission-drain.ts';

/** The part of the B2BUA a drain needs. */
export interface DrainableCalls {
  readonly drain: CallDrain;
  readonly activeCalls: number;
  hangupAll(cause: string): void;
}

/** How a drain ended: every call finished by itself, the limit cut the rest, or an operator asked to stop at once. */
export type DrainEnd = 'idle' | 'limit' | 'interrupted';

/** The Q.850-style cause the calls cut at the limit end with (in their BYE's Reason and their CDR). */
export const DRAIN_LIMIT_CAUSE = 'node-drain-limit';

// The B2BUA tells no event when its last call ends; a quarter second of lag on an exit that waits minutes is nothing.
const POLL_MS = 250;

export class NodeDrainer {
  private interrupted: (() => void) | undefined;
  private running: Promise<DrainEnd> | undefined;

  constructor(
    private readonly calls: DrainableCalls,
    private readonly logger: Logger,
  ) {}

  get draining(): boolean {
    return this.running !== undefined;
  }

  /** Begins the drain (a second call returns the same one) and resolves once no call is left. */
  run(limitMs: number): Promise<DrainEnd> {
    return (this.running ??= this.wait(limitMs));
  }

  /** Ends the drain now (a second SIGTERM, SIGINT): the calls still up are hung up by whoever stops the node. */
  interrupt(): void {
    this.interrupted?.();
  }

  private async wait(limitMs: number): Promise<DrainEnd> {
    this.calls.drain.begin(limitMs);
    this.logger.info({ calls: this.calls.activeCalls, limitSeconds: Math.round(limitMs / 1000) }, 'draining: new calls are refused (503); calls in progress go on');
    const end = await new Promise<DrainEnd>((resolve) => {
      const finish = (how: DrainEnd) => {
        clearInterval(poll);
        clearTimeout(limit);
        this.interrupted = undefined;
        resolve(how);
      };
      const poll = setInterval(() => {
        if (this.calls.activeCalls === 0) finish('idle');
      }, POLL_MS);
      const limit = setTimeout(() => finish('limit'), limitMs);
      this.interrupted = () => finish('interrupted');
      if (this.calls.activeCalls === 0) finish('idle');
    });
    const left = this.calls.activeCalls;
    if (end === 'limit' && left > 0) {
      this.logger.warn({ calls: left }, 'draining: time limit reached, hanging up the calls still up');
      this.calls.hangupAll(DRAIN_LIMIT_CAUSE);
    } else {
      this.logger.info({ end, calls: left }, 'draining: done');
    }
    return end;
  }
}
