// The steps that dial out: OUT (the number a phone dialled, DIAL's or a transfer's destination outside the tenant)
// and CUSTOM-<id> (spec §3.3 custom destinations; type EXTERNALNUMBER: cu_param1 the number, cu_param2 whose
// number the callee sees (INCOMINGDID, CALLERID or a number), cu_param3 the ring time). Other custom types are not
// built yet and say so.
import { describeTarget, type CustomDestination } from '../../dialplan/index.ts';
import type { Application, CallHandle, StepOutcome, Target } from '../../calls/index.ts';
import type { DialOut } from './dial-out.ts';

export class DialNumber implements Application {
  constructor(private readonly dialOut: DialOut) {}

  run(call: CallHandle, target: Target): Promise<StepOutcome> {
    if (target.number === undefined || target.number === '') return Promise.resolve({ kind: 'next', reason: 'unavailable', status: 404, text: 'Not Found' });
    return this.dialOut.dial(call, { number: target.number });
  }
}

export interface CustomDeps {
  customs(tenantId: number, ids: readonly number[]): Promise<CustomDestination[]>;
}

export class CustomDestinationStep implements Application {
  constructor(private readonly deps: CustomDeps, private readonly dialOut: DialOut) {}

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const customs = new Map((await this.deps.customs(call.tenantId, [target.id])).map((c) => [c.customId, c] as const));
    const routed = describeTarget({ tag: 'CUSTOM', id: target.id }, customs);
    if (routed.kind !== 'external') return { kind: 'next', reason: 'not-built', status: 501, text: routed.kind === 'unsupported' ? routed.why : 'not implemented' };
    const presented = routed.presentedCallerId === 'caller' ? undefined : routed.presentedCallerId === 'incoming-did' ? { number: call.dialled, name: call.callerParty.name } : { number: routed.presentedCallerId.number, name: '' };
    return this.dialOut.dial(call, { number: routed.number, ...(presented ? { presented } : {}), ...(routed.ringSeconds === undefined ? {} : { ringSeconds: routed.ringSeconds }) });
  }
}
