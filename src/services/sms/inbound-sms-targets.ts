// The targets of a DID's DID-SMS slot (spec §3.3), read from the same destination rows the call engine reads, as a
// text takes them: EXT-<id> and SMS-<id> give it to the extension's phones (SIP MESSAGE, kept while they are offline),
// CUSTOM-<id> of type URL posts it to cu_param1, CUSTOM-<id> of type HANGUP ends the list. Every target gets its copy,
// in de_ord order: a text, unlike a call, can go to several places. A tag that means nothing for a text (PLAYBACK, IVR,
// QUEUE...) is a failed target naming why, never a call step run by other means.
import type { DestinationTarget } from '../../domain/index.ts';
import type { CustomDestination, ExtensionMessenger } from '../../pbx/index.ts';
import { checkSmsUrl, postSms, type SmsPost, type SmsUrlOptions } from './inbound-sms-url.ts';

export type TargetOutcome =
  | { readonly kind: 'delivered'; readonly target: string }
  /** Waiting for an offline phone (kept by messaging, delivered when it registers). */
  | { readonly kind: 'kept'; readonly target: string }
  | { readonly kind: 'failed'; readonly target: string; readonly error: string }
  /** HANGUP: the targets after it are not run. */
  | { readonly kind: 'stop'; readonly target: string };

export interface SmsTargetPorts {
  /** The node's SIP messaging; undefined while SIP does not run here. */
  readonly messenger: ExtensionMessenger | undefined;
  /** An extension's number in `tenantId` (undefined: no such extension of that tenant). */
  extensionNumber(tenantId: number, extensionId: number): Promise<string | undefined>;
  readonly url?: SmsUrlOptions;
}

/** Custom types a text can take, by ct_code. */
const URL_TYPE = 'URL';
const HANGUP_TYPE = 'HANGUP';

/** Runs the slot's targets in order; never throws for a target that fails (its outcome says why). */
export async function runSmsTargets(
  ports: SmsTargetPorts,
  tenantId: number,
  targets: readonly DestinationTarget[],
  customs: ReadonlyMap<number, CustomDestination>,
  sms: SmsPost,
): Promise<TargetOutcome[]> {
  const outcomes: TargetOutcome[] = [];
  for (const target of targets) {
    const outcome = await runOne(ports, tenantId, target, customs, sms);
    outcomes.push(outcome);
    if (outcome.kind === 'stop') break;
  }
  return outcomes;
}

async function runOne(ports: SmsTargetPorts, tenantId: number, target: DestinationTarget, customs: ReadonlyMap<number, CustomDestination>, sms: SmsPost): Promise<TargetOutcome> {
  const name = `${target.tag}-${target.id}`;
  const failed = (error: string): TargetOutcome => ({ kind: 'failed', target: name, error });
  if (target.tag === 'EXT' || target.tag === 'SMS') {
    // The id is the extension's, looked up in the DID's tenant only: another tenant's extension reads as not found.
    const number = await ports.extensionNumber(tenantId, target.id);
    if (number === undefined) return failed(`extension ${target.id} not found`);
    if (ports.messenger === undefined) return failed('not implemented while SIP is not running on this node');
    const outcome = await ports.messenger.sendFromPbx({ tenantId, toExtension: number, fromNumber: sms.from, fromName: '', text: sms.text });
    if (outcome.kind === 'refused') return failed(`extension ${number}: ${outcome.reason}`);
    return { kind: outcome.kind, target: name };
  }
  if (target.tag !== 'CUSTOM') return failed(`${target.tag} destinations do not take an SMS (EXT, SMS, CUSTOM of type URL or HANGUP do)`);
  const custom = customs.get(target.id);
  if (custom === undefined) return failed(`custom destination ${target.id} not found`);
  if (custom.typeCode === HANGUP_TYPE) return { kind: 'stop', target: name };
  // Sending the text on to an outside number needs the outbound SMS routing (SmsService), not built for inbound yet.
  if (custom.typeCode === 'EXTERNALNUMBER') return failed('not implemented: forwarding an SMS to an external number');
  if (custom.typeCode !== URL_TYPE) return failed(`${custom.typeCode || 'untyped'} custom destinations do not take an SMS (URL and HANGUP do)`);
  const checked = checkSmsUrl(custom.params[0] ?? '');
  if (!checked.ok) return failed(`the URL of custom destination ${target.id} ${checked.error}`);
  const posted = await postSms(checked.url, sms, ports.url);
  // The URL's host only: its path or query may carry a token.
  return posted.ok ? { kind: 'delivered', target: name } : failed(`${checked.url.host} ${posted.error}`);
}
