// Forking one MESSAGE to every contact of an extension (RFC 3428 §7: the PBX relays it as a proxy would, each
// contact in its own client transaction), and the aggregate answer: the first 2xx wins, as a forking proxy
// forwards the first 2xx (RFC 3261 §16.7); contacts that never answered count as offline.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/index.ts';
import { Headers, newTag, parseUri, type ClientOutcome, type SipRequest, type SipStack } from '../../sip/index.ts';
import type { Binding } from '../registrar/index.ts';

export interface OutgoingMessage {
  readonly fromNumber: string;
  readonly fromName: string;
  readonly toNumber: string;
  readonly contentType: string;
  readonly body: Buffer;
  /** A kept message says when it was written (RFC 3428 §9 suggests Date for delayed delivery). */
  readonly date?: Date;
}

export type FirstOutcome =
  /** A contact took it (2xx). */
  | { readonly kind: 'delivered' }
  /** Every contact answered, none with 2xx, at least one refusing it for good: the lowest such status. */
  | { readonly kind: 'refused'; readonly status: number; readonly reason: string }
  /** No contact took it in time, or those that answered said they were unavailable. */
  | { readonly kind: 'unreachable' };

export interface Delivery {
  /** What to tell the sender: as soon as one contact took it, or all answered, or the wait is over. */
  readonly first: Promise<FirstOutcome>;
  /** Once every transaction has ended: whether any contact took it (a late 2xx after `first` said unreachable). */
  readonly eventually: Promise<boolean>;
}

// Answers that mean "not now" rather than "not this message": the message is worth keeping for later.
const UNAVAILABLE = new Set([408, 480, 503, 504]);

export function deliver(stack: Pick<SipStack, 'sendRequest' | 'sentBy'>, clock: Clock, contacts: readonly Binding[], message: OutgoingMessage, timeoutMs: number): Delivery {
  const outcomes = contacts.map((binding) => {
    const sent = stack.sendRequest(messageRequest(stack, binding, message), binding.source, binding.flowId ?? undefined);
    return sent.ok ? sent.value.final : Promise.resolve<ClientOutcome>({ kind: 'transport-error' });
  });
  const eventually = Promise.all(outcomes).then((all) => all.some(isTaken));
  const first = new Promise<FirstOutcome>((resolve) => {
    // The transactions live on until Timer F; only the wait for them ends here.
    const cancel = clock.setTimer(timeoutMs, () => resolve({ kind: 'unreachable' }));
    for (const outcome of outcomes) {
      void outcome.then((o) => {
        if (!isTaken(o)) return;
        cancel();
        resolve({ kind: 'delivered' });
      });
    }
    void Promise.all(outcomes).then((all) => {
      cancel();
      resolve(aggregate(all));
    });
  });
  return { first, eventually };
}

const isTaken = (outcome: ClientOutcome): boolean => outcome.kind === 'response' && outcome.response.status >= 200 && outcome.response.status < 300;

function aggregate(all: readonly ClientOutcome[]): FirstOutcome {
  if (all.some(isTaken)) return { kind: 'delivered' };
  let refused: { status: number; reason: string } | undefined;
  for (const outcome of all) {
    if (outcome.kind !== 'response') return { kind: 'unreachable' };
    const { status, reason } = outcome.response;
    if (UNAVAILABLE.has(status)) return { kind: 'unreachable' };
    if (refused === undefined || status < refused.status) refused = { status, reason };
  }
  return refused === undefined ? { kind: 'unreachable' } : { kind: 'refused', ...refused };
}

function messageRequest(stack: Pick<SipStack, 'sentBy'>, binding: Binding, message: OutgoingMessage): SipRequest {
  // From and To are written in the domain the phone registered in, so its reply (sip:100@that-domain) comes back
  // to us and resolves in the same tenant.
  const aor = parseUri(binding.aor);
  const sentBy = stack.sentBy(binding.source.protocol);
  const ours = sentBy === undefined ? 'invalid' : sentBy.host.includes(':') ? `[${sentBy.host}]` : sentBy.host;
  const domain = aor.ok ? (aor.value.host.includes(':') ? `[${aor.value.host}]` : aor.value.host) : ours;
  const name = message.fromName.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ');
  const headers = new Headers([
    ['From', `${name === '' ? '' : `"${name}" `}<sip:${message.fromNumber}@${domain}>;tag=${newTag()}`],
    ['To', `<sip:${message.toNumber}@${domain}>`],
    ['Call-ID', `${randomBytes(10).toString('hex')}@${ours}`],
    ['CSeq', '1 MESSAGE'],
    ['Content-Type', message.contentType],
    ...(message.date === undefined ? [] : ([['Date', message.date.toUTCString()]] as Array<[string, string]>)),
  ]);
  return { type: 'request', method: 'MESSAGE', uri: binding.contactUri, version: 'SIP/2.0', headers, body: message.body };
}
