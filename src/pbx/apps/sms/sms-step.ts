// SMS-<extension id> (spec §3.3 "send an SMS to an extension"): a step of a call's list that texts an extension of
// the call's tenant about the call ("Call from <caller> to <number>") through the node's SIP messaging (delivered to
// its phones, kept while they are offline), then lets the list go on. The call is neither answered nor held up by it:
// the text is handed over and the next target runs at once; a text that cannot go is logged, never the call's end.
import type { Logger } from '../../../shared/index.ts';
import type { Application, CallHandle, StepOutcome, Target } from '../../calls/index.ts';
import type { ExtensionMessenger } from '../../messaging/index.ts';

export interface SmsStepDeps {
  /** The tenant's extensions by id (the step's id is an extension's, spec §3.3). */
  readonly extensions: { extensionById(tenantId: number, extensionId: number): Promise<{ readonly number: string } | undefined> };
  readonly messenger: ExtensionMessenger;
  readonly logger: Logger;
}

/** The text an extension gets about a call. */
export function callNotice(caller: { readonly number: string; readonly name: string }, dialled: string): string {
  const who = caller.number === '' ? 'an anonymous caller' : caller.name !== '' && caller.name !== caller.number ? `${caller.name} (${caller.number})` : caller.number;
  return `Call from ${who} to ${dialled}`;
}

export class SmsStep implements Application {
  constructor(private readonly deps: SmsStepDeps) {}

  async run(call: CallHandle, target: Target): Promise<StepOutcome> {
    const { deps } = this;
    // Looked up in the call's tenant only: another tenant's extension id reads as not found.
    const extension = await deps.extensions.extensionById(call.tenantId, target.id);
    if (extension === undefined) {
      deps.logger.warn({ tenantId: call.tenantId, extensionId: target.id, linkedId: call.linkedId }, 'call: SMS names no extension of the tenant; nothing sent');
      return { kind: 'continue' };
    }
    const caller = call.callerParty;
    const sending = deps.messenger.sendFromPbx({ tenantId: call.tenantId, toExtension: extension.number, fromNumber: caller.number || 'anonymous', fromName: caller.name, text: callNotice(caller, call.dialled) });
    // Not awaited: a phone takes up to the messaging answer time, which the caller must not wait through.
    sending
      .then((outcome) => {
        if (outcome.kind === 'refused') deps.logger.warn({ tenantId: call.tenantId, extension: extension.number, reason: outcome.reason, linkedId: call.linkedId }, 'call: SMS step refused');
      })
      .catch((error: unknown) => deps.logger.error({ err: error, linkedId: call.linkedId }, 'call: SMS step failed'));
    return { kind: 'continue' };
  }
}
