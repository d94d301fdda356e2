// The destination runner (ARCHITECTURE "Calls as destination lists"): runs a call's ordered targets one step at a
// time, each by the application of its tag, and follows the outcomes: the next target, another slot's list, or the
// end. Every entry point (a phone's INVITE, a DID, DIAL, TRANSFER, forwarding) hands its list here; nothing else
// resolves destinations. Loops (A forwards to B, B to A) end the call cleanly. A step the caller left may name a
// hang-up slot (IVR_HANGUP): its list runs after, with the call over.
import type { Logger } from '../../../shared/index.ts';
import type { Applications, CallHandle, NextReason, SlotRef, StepOutcome, Target } from './step.ts';

/** Where a slot's targets come from (the store's de_destinations rows, in de_ord order). */
export interface SlotDirectory {
  slotTargets(tenantId: number, slot: string, ownerId: number): Promise<Target[]>;
}

/** How a call's run ended: what the caller got, for logs and tests. */
export type RunEnd =
  | { readonly kind: 'connected' | 'done' | 'caller-gone' }
  | { readonly kind: 'failed'; readonly status: number; readonly text: string; readonly why: string };

/** Counters the node reports: steps of tags that are not built, loops cut, steps that threw. */
export interface RunnerCounters {
  notBuilt: number;
  loops: number;
  stepErrors: number;
}

export interface RunnerDeps {
  readonly applications: Applications;
  readonly slots: SlotDirectory;
  readonly logger: Logger;
  readonly counters: RunnerCounters;
}

/** A call may take this many steps in all (an IVR menu looping back to itself counts each round). */
export const MAX_STEPS = 100;

const STATUS_OF: Readonly<Record<NextReason, { status: number; text: string }>> = {
  busy: { status: 486, text: 'Busy Here' },
  noanswer: { status: 480, text: 'Temporarily Unavailable' },
  unavailable: { status: 480, text: 'Temporarily Unavailable' },
  failed: { status: 480, text: 'Temporarily Unavailable' },
  'not-built': { status: 501, text: 'Not Implemented' },
};

export class DestinationRunner {
  constructor(private readonly deps: RunnerDeps) {}

  /** Runs `targets` for `call` until a party talks, a step ends the call, the caller leaves or nothing is left. */
  async run(call: CallHandle, targets: readonly Target[], origin = 'dialled'): Promise<RunEnd> {
    const visited = new Set<string>();
    let list = targets;
    let index = 0;
    let last: { status: number; text: string; why: string } = { status: 404, text: 'Not Found', why: `${origin}: no destination` };
    for (let steps = 0; ; steps++) {
      if (call.over) return { kind: 'caller-gone' };
      const target = list[index];
      if (target === undefined) return this.end(call, last);
      if (steps >= MAX_STEPS) return this.loop(call, `more than ${MAX_STEPS} steps`);
      const outcome = await this.step(call, target);
      switch (outcome.kind) {
        case 'connected':
        case 'done':
          return { kind: outcome.kind };
        case 'caller-gone':
          if (outcome.then !== undefined) await this.afterCaller(call, outcome.then, MAX_STEPS - steps - 1);
          return { kind: 'caller-gone' };
        case 'failed':
          return this.end(call, { status: outcome.status, text: outcome.text, why: `${target.tag}-${target.id} failed` });
        case 'continue':
          last = { status: 0, text: 'the list ended', why: `${target.tag}-${target.id} done` };
          index++;
          break;
        case 'next': {
          // The step's attempt ends as its reason says (a DND extension is BUSY) when the next one starts.
          call.stepPassed?.(outcome.reason);
          const fallback = STATUS_OF[outcome.reason];
          last = { status: outcome.status ?? fallback.status, text: outcome.text ?? fallback.text, why: `${target.tag}-${target.id}: ${outcome.reason}` };
          index++;
          break;
        }
        case 'jump':
          // Bounded by MAX_STEPS like everything else: a number dialled from a menu that leads back to the menu.
          list = outcome.targets;
          index = 0;
          last = { status: 404, text: 'Not Found', why: `${target.tag}-${target.id}: dialled nothing` };
          break;
        case 'goto': {
          const key = slotKey(outcome.slot);
          // A slot entered twice in one call is a loop (EXT-1 forwards to 2, 2 forwards back to 1): its list would run
          // again with nothing changed. Menus that legitimately repeat count their rounds themselves.
          if (visited.has(key)) return this.loop(call, `${key} reached twice`);
          visited.add(key);
          list = await this.deps.slots.slotTargets(call.tenantId, outcome.slot.slot, outcome.slot.ownerId);
          index = 0;
          if (list.length === 0) last = { status: 480, text: 'Temporarily Unavailable', why: `${key} has no targets` };
          break;
        }
      }
    }
  }

  /**
   * A hang-up slot's list (IVR_HANGUP), run once the caller has left: each target in turn, gotos and jumps followed,
   * every other outcome ignored (nobody is left to hear a refusal). The steps see the call as over and cannot ring,
   * answer or relabel its CDR, so only steps that need no caller do anything. Bounded by what is left of MAX_STEPS.
   */
  private async afterCaller(call: CallHandle, slot: SlotRef, budget: number): Promise<void> {
    const gone = callerLeft(call);
    const visited = new Set([slotKey(slot)]);
    try {
      let list: readonly Target[] = await this.deps.slots.slotTargets(call.tenantId, slot.slot, slot.ownerId);
      let index = 0;
      for (let steps = 0; ; steps++) {
        const target = list[index];
        if (target === undefined) return;
        if (steps >= budget) return void this.deps.logger.warn({ tenantId: call.tenantId, linkedId: call.linkedId, slot: slotKey(slot) }, 'call: hang-up list cut after too many steps');
        const outcome = await this.step(gone, target);
        if (outcome.kind === 'jump') {
          list = outcome.targets;
          index = 0;
        } else if (outcome.kind === 'goto') {
          const key = slotKey(outcome.slot);
          if (visited.has(key)) return void this.deps.logger.warn({ tenantId: call.tenantId, linkedId: call.linkedId, why: `${key} reached twice` }, 'call: hang-up list loops');
          visited.add(key);
          list = await this.deps.slots.slotTargets(call.tenantId, outcome.slot.slot, outcome.slot.ownerId);
          index = 0;
        } else index++;
      }
    } catch (error) {
      // The call is over and its run promise is not awaited by anyone: nothing may escape from here.
      this.deps.logger.error({ err: error, tenantId: call.tenantId, linkedId: call.linkedId, slot: slotKey(slot) }, 'call: hang-up list failed');
    }
  }

  private async step(call: CallHandle, target: Target): Promise<StepOutcome> {
    const application = this.deps.applications[target.tag];
    if (application === undefined) {
      // A tag with no application yet: said in the log, counted, and the next target gets its chance. If none is
      // left the caller hears 501 with a Warning naming the tag, never a silent 480.
      this.deps.counters.notBuilt++;
      this.deps.logger.warn({ tenantId: call.tenantId, linkedId: call.linkedId, target: `${target.tag}-${target.id}` }, 'call: destination not built yet');
      return { kind: 'next', reason: 'not-built', status: 501, text: `${target.tag} destinations are not implemented yet` };
    }
    try {
      return await application.run(call, target);
    } catch (error) {
      this.deps.counters.stepErrors++;
      this.deps.logger.error({ err: error, target: `${target.tag}-${target.id}`, linkedId: call.linkedId }, 'call: destination step threw');
      return { kind: 'next', reason: 'failed' };
    }
  }

  private async loop(call: CallHandle, why: string): Promise<RunEnd> {
    this.deps.counters.loops++;
    this.deps.logger.warn({ tenantId: call.tenantId, linkedId: call.linkedId, why }, 'call: destination loop, ending the call');
    return this.end(call, { status: 482, text: 'Loop Detected', why });
  }

  private async end(call: CallHandle, last: { status: number; text: string; why: string }): Promise<RunEnd> {
    if (call.over) return { kind: 'caller-gone' };
    // After a step that did its part (a message played) the list simply ends: the PBX hangs up, as Asterisk does at
    // the end of a dialplan, with no error answer or tone.
    if (last.status === 0) {
      call.hangup('destination-list-ended');
      return { kind: 'done' };
    }
    await call.refuse(last.status, last.text);
    return { kind: 'failed', ...last };
  }
}

/** What the steps of a hang-up list may do to a call whose caller has left: nothing that needs the caller. */
const LEFT: Pick<CallHandle, 'attempt' | 'ring' | 'answer' | 'recordCall' | 'hangup' | 'refuse'> = {
  attempt: () => undefined,
  ring: async () => ({ kind: 'caller-gone' }),
  answer: async () => undefined,
  recordCall: () => undefined,
  hangup: () => undefined,
  refuse: async () => undefined,
};

/** The call as the hang-up list's steps see it: over, its CDR closed as it ended; everything else read through. */
function callerLeft(call: CallHandle): CallHandle {
  return new Proxy(call, {
    get(target, property) {
      if (property === 'over') return true;
      if (typeof property === 'string' && Object.hasOwn(LEFT, property)) return LEFT[property as keyof typeof LEFT];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function slotKey(slot: SlotRef): string {
  return `${slot.slot}:${slot.ownerId}`;
}
