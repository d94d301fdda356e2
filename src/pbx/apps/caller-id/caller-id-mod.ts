// CALLERIDMOD-<rule id> (spec §3.3): rewrites the caller's number and name by a caller-id modification rule
// (caller-id-rule.ts) for the rest of the call. The rules are the tenant's calleridmodification objects
// (cm_calleridmods, Callgrid's table: MiRTA's is unpublished), read through StoreCallerIdRuleDirectory. A number
// the rule does not match goes on unchanged; nothing is answered, so the list goes on at once.
import type { Logger } from '../../../shared/index.ts';
import type { Application, CallHandle, StepOutcome, Target } from '../../calls/index.ts';
import { applyCallerIdRule, type CallerIdRule } from './caller-id-rule.ts';

export interface CallerIdRuleDirectory {
  /** The tenant's rule with this id; undefined when the tenant has none (another tenant's id included). */
  rule(tenantId: number, ruleId: number): Promise<CallerIdRule | undefined>;
}

export class CallerIdMod implements Application {
  constructor(private readonly deps: { readonly rules: CallerIdRuleDirectory; readonly logger: Logger }) {}

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const rule = await this.deps.rules.rule(call.tenantId, target.id);
    if (rule === undefined) return { kind: 'next', reason: 'unavailable', status: 404, text: `caller id rule ${target.id} not found` };
    const fields = { tenantId: call.tenantId, linkedId: call.linkedId, rule: rule.id };
    const result = applyCallerIdRule(rule, call.callerParty);
    if (result.kind === 'bad') this.deps.logger.warn({ ...fields, why: result.why }, 'call: caller id rule cannot be applied; caller id unchanged');
    if (result.kind !== 'changed') return { kind: 'continue' };
    if (call.setCaller === undefined) {
      this.deps.logger.warn(fields, 'call: this call cannot change its caller id; CALLERIDMOD skipped');
      return { kind: 'continue' };
    }
    call.setCaller({ number: result.number, name: result.name });
    this.deps.logger.info({ ...fields, number: result.number }, 'call: caller id rewritten');
    return { kind: 'continue' };
  }
}
