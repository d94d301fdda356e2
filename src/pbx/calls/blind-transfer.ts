// Blind transfer (MiRTA TRANSFER, a phone's REFER, RFC 3515): the party on the transferred channel stays and is
// connected to a new destination of its tenant's dialplan; the party it talked to is released.
import type { Logger } from '../../shared/index.ts';
import type { SipStack } from '../../sip/index.ts';
import { resolveDialled } from '../dialplan/index.ts';
import type { Call, CallContext } from './call.ts';
import type { CallIds } from './call-ids.ts';
import type { CallDirectory, ExtensionTarget } from './call-ports.ts';
import type { Binding } from '../registrar/index.ts';
import type { ChannelRegistry } from './channel-registry.ts';
import { ringExtension } from './fork.ts';
import type { OutboundLeg } from './outbound-leg.ts';

export interface TransferDeps {
  readonly stack: SipStack;
  readonly directory: CallDirectory;
  readonly channels: ChannelRegistry;
  readonly logger: Logger;
}

export interface TransferOptions {
  readonly nodeName: string;
  readonly ids: CallIds;
  readonly context: CallContext;
}

export interface TransferHooks {
  trackLeg(leg: OutboundLeg): void;
  established(call: Call): void;
}

/** A transfer's destination in the call's tenant, with its live contacts, or why it cannot be rung. */
export async function transferTarget(deps: Pick<TransferDeps, 'directory'>, tenantId: number, destination: string): Promise<{ extension: ExtensionTarget; contacts: Binding[] } | string> {
  const target = await resolveDialled(deps.directory, tenantId, destination);
  if (target.kind === 'unknown') return `${destination} is not a number of this tenant`;
  if (target.kind === 'busy') return `${destination} is busy (do not disturb)`;
  const contacts = await deps.directory.contacts(tenantId, target.extension.extensionId);
  return contacts.length === 0 ? `${destination} is not registered` : { extension: target.extension, contacts };
}

/** Resolves with why the transfer cannot be done, or undefined once the destination is ringing. */
export async function transferCaller(deps: TransferDeps, options: TransferOptions, hooks: TransferHooks, call: Call, destination: string, beforeRelease?: () => void): Promise<string | undefined> {
  if (call.state !== 'answered') return 'only an answered call can be transferred';
  const target = await transferTarget(deps, call.record.tenantId, destination);
  if (typeof target === 'string') return target;
  const { contacts } = target;
  if (!call.detachCallee(target.extension.number, target.extension.account, { kind: 'EXT', label: target.extension.number }, beforeRelease)) return 'the call changed meanwhile';
  const caller = call.callerChannel;
  const forks = ringExtension(deps, options, call, {
    tenantCode: call.record.tenantCode,
    target: target.extension,
    contacts,
    callerId: { number: caller.callerIdNum, name: caller.callerIdName },
    domain: contacts[0]?.source.address ?? '127.0.0.1',
    linkedId: caller.linkedId,
    listener: {
      provisional: (l, r) => call.provisional(l, r),
      answered: (l, r) => {
        call.answered(l, r);
        hooks.established(call);
      },
      failed: (l, s, reason) => call.failed(l, s, reason),
    },
  });
  for (const fork of forks) hooks.trackLeg(fork.leg);
  call.ring(forks, target.extension.ringSeconds);
  if (forks.length === 0) call.hangup('transfer-target-unreachable');
  deps.logger.info({ linkedId: caller.linkedId, destination }, 'call: blind transfer');
  return undefined;
}
