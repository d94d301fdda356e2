// CONDITION-<id> (spec §3.3, §3.4.11, §4.3): a branching test. A condition that holds sends the call to its CONDITION
// slot, one that does not to NOTCONDITION, a multi-valued one to CONDITION1..20 by the matching value's position; a
// chosen slot without targets lets the list go on. Nothing is answered or rung: the step only chooses the way.
import type { Clock, Logger } from '../../../shared/index.ts';
import type { Application, CallHandle, SlotDirectory, StepOutcome, Target } from '../../calls/index.ts';
import type { ConditionDirectory } from './condition-directory.ts';
import { evaluateCondition } from './condition-eval.ts';
import type { ConditionVerdict, EvalContext } from './condition-verdict.ts';
import { OnceLog } from './once-log.ts';
import type { StoredCondition } from './stored-condition.ts';

/** Live extension states (the presence tracker's device states), for EXTENSIONSTATUS; a port the node fills. */
export interface ExtensionStateSource {
  /** The device state of the tenant's extension with this number (NOT_INUSE, INUSE, UNAVAILABLE...); undefined when none. */
  extensionState(tenantId: number, number: string): Promise<string | undefined>;
}

/** PHONEBOOK conditions' lookup: phonebook-route's exact one (the caller's number in its usual spellings), which the node passes in. */
export interface CallerPhonebookLookup {
  /** Whether an entry of the tenant's phonebook has the number among its phone items. */
  callerListed(tenantId: number, phonebookId: number, number: string): Promise<boolean>;
}

/** Global conditions (no tenant's, every tenant's to use) for GLOBAL; Callgrid does not store them yet, so no node fills it. */
export interface GlobalConditionSource {
  globalCondition(conditionId: number): Promise<StoredCondition | undefined>;
}

export interface ConditionStepDeps {
  readonly conditions: ConditionDirectory;
  readonly slots: SlotDirectory;
  /** The time the time conditions read (a FakeClock in tests). */
  readonly clock: Clock;
  readonly logger: Logger;
  /** Without it EXTENSIONSTATUS and MULTIEXTENSIONSTATUS answer not built. */
  readonly extensionStates?: ExtensionStateSource;
  /** Without it PHONEBOOK answers not built. */
  readonly phonebooks?: CallerPhonebookLookup;
  /** Without it GLOBAL answers not built. */
  readonly globalConditions?: GlobalConditionSource;
}

/** The slot a verdict leads to; a condition that cannot be evaluated does not hold. */
export function slotOf(answer: ConditionVerdict): string {
  if (answer.kind !== 'holds') return 'NOTCONDITION';
  return answer.branch === undefined ? 'CONDITION' : `CONDITION${answer.branch}`;
}

export class ConditionStep implements Application {
  /** A condition stored wrong is logged once, not on every call it routes. */
  private readonly reported = new OnceLog();

  constructor(private readonly deps: ConditionStepDeps) {}

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const condition = await this.deps.conditions.condition(call.tenantId, target.id);
    if (condition === undefined) return { kind: 'next', reason: 'unavailable', status: 404, text: 'Not Found' };
    const answer = await evaluateCondition(condition, this.context(call));
    const fields = { tenantId: call.tenantId, linkedId: call.linkedId, condition: condition.id, type: condition.type };
    if (answer.kind === 'not-built') {
      if (this.reported.first(`${call.tenantId}:${condition.id}:not-built:${answer.type}`)) this.deps.logger.warn({ ...fields, notBuilt: answer.type }, 'call: condition type not built yet');
      return { kind: 'next', reason: 'not-built', status: 501, text: `condition type ${answer.type} is not implemented yet` };
    }
    if (answer.kind === 'bad' && this.reported.first(`${call.tenantId}:${condition.id}:${answer.problem}`)) {
      this.deps.logger.warn({ ...fields, problem: answer.problem }, 'call: condition cannot be evaluated, taken as not holding');
    }
    const slot = slotOf(answer);
    if ((await this.deps.slots.slotTargets(call.tenantId, slot, condition.id)).length === 0) return { kind: 'continue' };
    return { kind: 'goto', slot: { slot, ownerId: condition.id } };
  }

  /** The call's facts and the tenant's ports, bound to the call's tenant (another tenant's objects read as missing). */
  private context(call: CallHandle): EvalContext {
    const { tenantId } = call;
    const { conditions, extensionStates, phonebooks, globalConditions } = this.deps;
    return {
      caller: { number: call.callerParty.number, name: call.callerParty.name },
      now: this.deps.clock.now(),
      tenantTimeZone: () => conditions.timeZone(tenantId),
      condition: (id) => conditions.condition(tenantId, id),
      flow: (number) => conditions.flow(tenantId, number),
      // The call's own variables first (DIAL var=callid=1 is kept as ACME-callid, MiRTA's name: both spellings read
      // it), then the tenant's variables and flows.
      variable: async (name) => call.variable?.(name) ?? call.variable?.(`${call.tenantCode}-${name}`) ?? conditions.variable(tenantId, name),
      ...(extensionStates === undefined ? {} : { extensionState: (number: string) => extensionStates.extensionState(tenantId, number) }),
      ...(phonebooks === undefined
        ? {}
        : { phonebooks: { ids: () => conditions.phonebookIds(tenantId), listed: (phonebookId: number, number: string) => phonebooks.callerListed(tenantId, phonebookId, number) } }),
      // Global rows belong to no tenant, so reading one by id leaks nothing of another tenant's.
      ...(globalConditions === undefined ? {} : { globalCondition: (id: number) => globalConditions.globalCondition(id) }),
      ...(call.sipHeader === undefined ? {} : { sipHeader: (name: string) => call.sipHeader?.(name) }),
    };
  }
}
