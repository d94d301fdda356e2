// REBOOT: an unsolicited NOTIFY with `Event: check-sync` (the de-facto reboot/re-provision request of
// Polycom, Yealink, Snom, Grandstream and Cisco phones) sent to a registered contact, over its flow.
import { randomBytes } from 'node:crypto';
import { Headers, newTag, type SipRequest, type SipStack } from '../../sip/index.ts';
import type { Binding } from './ports.ts';

export type CheckSyncOutcome = { readonly sent: true } | { readonly sent: false; readonly error: string };

/** Sends the NOTIFY and reports whether it left; the phone's answer (200, 489) is not waited for. */
export function sendCheckSync(stack: Pick<SipStack, 'sendRequest' | 'sentBy'>, binding: Binding): CheckSyncOutcome {
  const sentBy = stack.sentBy(binding.source.protocol);
  const host = sentBy === undefined ? 'invalid' : sentBy.host.includes(':') ? `[${sentBy.host}]` : sentBy.host;
  const headers = new Headers([
    ['From', `<sip:callgrid@${host}>;tag=${newTag()}`],
    ['To', `<${binding.aor}>`],
    ['Call-ID', `${randomBytes(10).toString('hex')}@${host}`],
    ['CSeq', '1 NOTIFY'],
    ['Event', 'check-sync;reboot=true'],
    // RFC 6665 §4.1.3: a NOTIFY outside a subscription still names its state; nothing follows this one.
    ['Subscription-State', 'terminated;reason=noresource'],
  ]);
  const request: SipRequest = { type: 'request', method: 'NOTIFY', uri: binding.contactUri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
  const result = stack.sendRequest(request, binding.source, binding.flowId ?? undefined);
  return result.ok ? { sent: true } : { sent: false, error: result.error };
}
