// An extension's forwarding slots (spec §3.3: unconditional, busy, no answer, offline) as call destinations: the
// slot's first target, another extension of the tenant (with its live contacts) or an external number routed by
// the forwarding extension's routing profile. One hop only: a forward never follows the next extension's slots,
// so two extensions forwarding to each other cannot loop.
import { forwardingDecision, routeOutboundCall, type ExtensionSituation, type ForwardingDirectory, type OutboundDirectory } from '../dialplan/index.ts';
import type { CallDirectory, ExtensionTarget } from './call-ports.ts';
import type { CallDestination } from './call-setup-types.ts';

export interface ForwardingDeps {
  readonly directory: CallDirectory;
  readonly routing: OutboundDirectory & ForwardingDirectory;
}

/** Where `extension`'s slot for `situation` sends the call, or undefined when it has none that can be rung now. */
export async function forwardedDestination(deps: ForwardingDeps, extension: ExtensionTarget, situation: ExtensionSituation): Promise<CallDestination | undefined> {
  const decision = await forwardingDecision(deps.routing, extension.tenantId, extension.extensionId, situation);
  const first = decision?.destinations[0];
  if (first === undefined) return undefined;
  if (first.kind === 'extension') {
    if (first.extensionId === extension.extensionId) return undefined;
    const target = await deps.directory.extensionById(extension.tenantId, first.extensionId);
    if (target === undefined || target.dnd) return undefined;
    const contacts = await deps.directory.contacts(target.tenantId, target.extensionId);
    return contacts.length === 0 ? undefined : { kind: 'extension', extension: target, contacts, forwarded: true };
  }
  if (first.kind === 'external') {
    // An external forward goes out by the forwarding extension's own routes and permissions.
    const routed = await routeOutboundCall(deps.routing, extension.tenantId, extension.extensionId, first.number);
    return routed.ok ? { kind: 'carriers', number: first.number, attempts: routed.attempts } : undefined;
  }
  return undefined;
}
