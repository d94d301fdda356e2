// Inbound SMS on a tenant's DIDs (spec §3.4.3, §3.3 DID-SMS): a provider hands over (from, to, text) by an HTTP
// webhook, SMPP deliver_sm or a SIP MESSAGE from its trunk; the DID is found by `to` as calls find theirs (pickDid),
// the SMS is logged in the DID's tenant's sm_sms ('in', status received) and its id answered, then in the background the
// DID's DID-SMS targets get it (inbound-sms-targets.ts), di_sms_store keeps it, di_smsemail mails it (inbound-sms-email.ts),
// and di_smsanswer is sent back to the sender through the provider it came from. The row ends delivered, received
// (kept or stored, not yet read) or failed, with what went wrong in sm_error.
import type { ObjectRow } from '../../domain/index.ts';
import { measureSms, numberVariants, pickDid, smsDriverFor, StoreRoutingDirectory, type DidEntry, type ExtensionMessenger, type HttpSmsOptions, type SmppSessions, type SmsDriverOptions } from '../../pbx/index.ts';
import { digestsEqual, formatDateTime, PbxError, sha256Hex, type Clock, type Logger } from '../../shared/index.ts';
import type { SmsRow, Store } from '../../store/index.ts';
import { unconfiguredMailSender, type MailSender } from '../../mail/index.ts';
import { BadKeyThrottle, type ThrottleSettings } from '../bad-key-throttle.ts';
import { didCandidates, fieldNamesOf, fieldValue, sameFieldName, type SmsFields } from './inbound-sms-fields.ts';
import { driverOptions } from './sms-driver-options.ts';
import { runSmsTargets, type TargetOutcome } from './inbound-sms-targets.ts';
import { mailInboundSms, SMS_MAIL_TARGET } from './inbound-sms-email.ts';
import type { SmsUrlOptions } from './inbound-sms-url.ts';

/** An SMS as a provider delivers it: the sender, the DID number it was sent to, the text. */
export interface InboundSms {
  readonly from: string;
  readonly to: string;
  readonly text: string;
}

export interface InboundSmsReceipt {
  /** The sm_sms row (INFO sms ID). */
  readonly id: number;
  readonly tenantId: number;
  /** The DID's number as stored. */
  readonly did: string;
}

export interface InboundSmsSettings {
  readonly logger?: Logger;
  /** How URL targets are posted to (timeout). */
  readonly url?: SmsUrlOptions;
  /** How auto-answers go out through an HTTP provider. */
  readonly http?: HttpSmsOptions;
  /** The node's SMPP sessions: auto-answers through an SMPP provider go out on its bound session. */
  readonly smpp?: SmppSessions;
  /** How SIP MESSAGE providers' host names are resolved (default: the system resolver). */
  readonly resolveHost?: SmsDriverOptions['resolveHost'];
  /** Longest text taken, in characters (default 8000: ten concatenated UCS-2 parts are 670). */
  readonly maxTextChars?: number;
  /** An auto-answer goes to one number at most once in this many minutes (default 10): two robots never loop. */
  readonly answerQuietMinutes?: number;
  /** Wrong webhook secrets from one address before it is refused for a while (as bad API keys are); none = no limit. */
  readonly throttle?: ThrottleSettings;
  /** The node's mail sender for di_smsemail; none = e-mail answers not implemented in the row's error. */
  readonly mail?: MailSender;
}

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value).trim());
const isOn = (value: unknown): boolean => ['on', 'yes', '1', 'true'].includes(text(value).toLowerCase());
/** sm_from and sm_to hold 64 characters; no control characters (they go into SIP headers and logs). */
const PARTY = /^[^\u0000-\u001f\u007f]{1,64}$/;
const ANSWERABLE = /^\+?[0-9]{3,20}$/;

export class InboundSmsService {
  private readonly routing: StoreRoutingDirectory;
  private readonly inFlight = new Set<Promise<void>>();
  private messenger: ExtensionMessenger | undefined;
  private sip: SmsDriverOptions['sip'];
  private readonly throttle: BadKeyThrottle | undefined;

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly settings: InboundSmsSettings = {}) {
    this.routing = new StoreRoutingDirectory(store);
    this.throttle = settings.throttle === undefined ? undefined : new BadKeyThrottle(clock, settings.throttle);
  }

  /** The node's SIP messaging, once SIP runs (main.ts): how an SMS reaches a tenant's phones. attach(undefined) also drops the stack. */
  attach(messenger: ExtensionMessenger | undefined): void {
    this.messenger = messenger;
    if (messenger === undefined) this.sip = undefined;
  }

  /** The node's SIP stack: auto-answers through a SIP MESSAGE provider go out on it. */
  attachSip(sip: SmsDriverOptions['sip']): void {
    this.sip = sip;
  }

  /**
   * Whether `secret` is the webhook secret of an enabled provider (pr_smspassword). An unknown or disabled provider,
   * or one without a password, is refused like a wrong secret; the comparison takes the same time whatever differs.
   * An address with too many wrong secrets is refused (`too_many_auth_failures`) before any lookup.
   */
  async authenticate(providerId: number, secret: string, address: string): Promise<boolean> {
    this.throttle?.check(address);
    const row = Number.isSafeInteger(providerId) && providerId > 0 ? await this.store.objects('provider').get(null, providerId) : undefined;
    const expected = row === undefined || isOn(row.pr_disabled) ? '' : String(row.pr_smspassword ?? '');
    const same = digestsEqual(sha256Hex(secret), sha256Hex(expected)) && expected !== '';
    if (!same) this.throttle?.recordFailure(address);
    return same;
  }

  /** An SMS already split into its parts (SMPP deliver_sm, a trunk's MESSAGE). Throws a PbxError saying why it is not taken. */
  async receive(providerId: number, sms: InboundSms): Promise<InboundSmsReceipt> {
    const provider = await this.provider(providerId);
    const did = await this.findDid(sms.to);
    return this.accept(provider, did, await this.didRow(did), sms);
  }

  /**
   * A webhook's fields: the DID is the number-like field that its DID's di_smstofield names (default `to`); the sender
   * and the text are then read from the fields that DID names (di_smsfromfield, di_smsbodyfield; default from, text).
   */
  async receiveFields(providerId: number, fields: SmsFields): Promise<InboundSmsReceipt> {
    const provider = await this.provider(providerId);
    for (const candidate of didCandidates(fields)) {
      const picked = pickDid(candidate.value, await this.routing.findDids(numberVariants(candidate.value)));
      if (!picked.ok) continue;
      const row = await this.didRow(picked.did);
      const names = fieldNamesOf(row);
      if (!sameFieldName(names.to, candidate.name)) continue;
      const from = fieldValue(fields, names.from);
      const body = fieldValue(fields, names.text);
      if (from === undefined) throw new PbxError('missing_parameter', `Missing ${names.from}: DID ${picked.did.number} reads the sender from field '${names.from}'`);
      if (body === undefined) throw new PbxError('missing_parameter', `Missing ${names.text}: DID ${picked.did.number} reads the text from field '${names.text}'`);
      return this.accept(provider, picked.did, row, { from, to: candidate.value, text: body });
    }
    const to = fieldValue(fields, 'to');
    if (to === undefined || to.trim() === '') throw new PbxError('missing_parameter', "Missing to: no field names one of the DIDs (the default field is 'to'; a DID's di_smstofield names another)");
    // The precise refusal (no DID, a disabled tenant's) for the default field, else the DID names another field.
    const did = await this.findDid(to);
    throw new PbxError('invalid_parameter', `DID ${did.number} reads its number from field '${fieldNamesOf(await this.didRow(did)).to}', not 'to'`);
  }

  /** Resolves once every SMS taken has run its targets (tests, a graceful stop). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async provider(providerId: number): Promise<ObjectRow> {
    const row = Number.isSafeInteger(providerId) && providerId > 0 ? await this.store.objects('provider').get(null, providerId) : undefined;
    if (row === undefined || isOn(row.pr_disabled)) throw new PbxError('not_found', `Unknown provider ${providerId}: no enabled provider has this id`);
    return row;
  }

  private async findDid(to: string): Promise<DidEntry> {
    const number = to.trim();
    if (number === '') throw new PbxError('missing_parameter', 'Missing to: the DID number the SMS was sent to');
    const picked = pickDid(number, await this.routing.findDids(numberVariants(number)));
    if (!picked.ok) throw new PbxError('not_found', `${picked.message}: the SMS was not taken`);
    return picked.did;
  }

  private async didRow(did: DidEntry): Promise<ObjectRow> {
    const row = await this.store.objects('did').get(did.tenantId, did.didId);
    if (row === undefined) throw new PbxError('not_found', `No DID ${did.number}: the SMS was not taken`);
    return row;
  }

  private async accept(provider: ObjectRow, did: DidEntry, didRow: ObjectRow, sms: InboundSms): Promise<InboundSmsReceipt> {
    const from = sms.from.trim();
    if (!PARTY.test(from)) throw new PbxError(from === '' ? 'missing_parameter' : 'invalid_parameter', from === '' ? 'Missing from: the sender of the SMS' : 'Invalid from: at most 64 characters, no control characters');
    if (sms.text === '') throw new PbxError('missing_parameter', 'Missing text: the SMS is empty');
    const max = this.settings.maxTextChars ?? 8000;
    if (sms.text.length > max) throw new PbxError('invalid_parameter', `Invalid text: ${sms.text.length} characters, over the limit of ${max}`);
    const now = formatDateTime(this.clock.now());
    const providerId = Number(provider.pr_id);
    const row = await this.store.sms.add(did.tenantId, { sm_direction: 'in', sm_from: from, sm_to: did.number, sm_text: sms.text, sm_status: 'received', sm_pr_id: providerId, sm_provider_ids: '', sm_parts: measureSms(sms.text).parts, sm_error: '', sm_created: now, sm_updated: now });
    const running = this.route(provider, did, didRow, row).finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
    return { id: row.sm_id, tenantId: did.tenantId, did: did.number };
  }

  /** The DID's handling of one SMS; never throws: the outcome goes to the row, a failure to the log. */
  private async route(provider: ObjectRow, did: DidEntry, didRow: ObjectRow, row: SmsRow): Promise<void> {
    const tenantId = did.tenantId;
    try {
      const targets = await this.routing.slotTargets(tenantId, 'DID-SMS', did.didId);
      const customIds = [...new Set(targets.filter((t) => t.tag === 'CUSTOM').map((t) => t.id))];
      const customs = new Map((customIds.length > 0 ? await this.routing.customs(tenantId, customIds) : []).map((c) => [c.customId, c] as const));
      const ports = {
        messenger: this.messenger,
        extensionNumber: async (tenant: number, id: number) => text((await this.store.objects('extension').get(tenant, id))?.ex_number) || undefined,
        ...(this.settings.url === undefined ? {} : { url: this.settings.url }),
      };
      const post = { id: row.sm_id, from: row.sm_from, to: row.sm_to, text: row.sm_text, received: row.sm_created };
      const outcomes: TargetOutcome[] = await runSmsTargets(ports, tenantId, targets, customs, post);
      const errors = outcomes.flatMap((o) => (o.kind === 'failed' ? [`${o.target}: ${o.error}`] : []));
      const stored = isOn(didRow.di_sms_store);
      const email = text(didRow.di_smsemail);
      const mailed = email === '' ? undefined : await mailInboundSms(this.settings.mail ?? unconfiguredMailSender, tenantId, email, post);
      if (mailed?.error !== undefined) errors.push(`${SMS_MAIL_TARGET}: ${mailed.error}`);
      if (targets.length === 0 && !stored && email === '') errors.push(`DID ${did.number} has no DID-SMS destination and does not store SMS (di_sms_store)`);
      const answer = text(didRow.di_smsanswer);
      if (answer !== '') {
        const note = await this.autoAnswer(provider, did, row, answer);
        if (note !== undefined) errors.push(note);
      }
      const delivered = outcomes.some((o) => o.kind === 'delivered') || mailed?.delivered === true;
      // Kept for an offline phone, stored, or dropped by a HANGUP on purpose: taken, not (yet) delivered anywhere.
      const waiting = stored || outcomes.some((o) => o.kind === 'kept' || o.kind === 'stop');
      const status = delivered ? 'delivered' : waiting ? 'received' : 'failed';
      await this.store.sms.update(tenantId, row.sm_id, { sm_status: status, sm_error: errors.join('; ').slice(0, 1024), sm_updated: formatDateTime(this.clock.now()) });
      if (errors.length > 0) this.settings.logger?.warn({ tenantId, smsId: row.sm_id, did: did.number, errors }, 'sms: inbound SMS not taken everywhere');
    } catch (error) {
      this.settings.logger?.error({ err: error, tenantId, smsId: row.sm_id }, 'sms: routing an inbound SMS failed');
    }
  }

  /**
   * di_smsanswer: the text goes back to the sender, from the DID, through the provider the SMS came from (the one that
   * reaches that sender), logged as an 'out' row. Not sent to an alphanumeric sender, nor twice to one number within
   * the quiet time. Answers a note for the inbound row when it was not sent.
   */
  private async autoAnswer(provider: ObjectRow, did: DidEntry, inbound: SmsRow, answer: string): Promise<string | undefined> {
    const tenantId = did.tenantId;
    const to = inbound.sm_from;
    if (!ANSWERABLE.test(to)) return `auto-answer not sent: the sender ${to} is not a number`;
    const quietMs = (this.settings.answerQuietMinutes ?? 10) * 60_000;
    const since = formatDateTime(new Date(this.clock.now().getTime() - quietMs));
    const recent = await this.store.sms.list(tenantId, { from: since });
    if (recent.some((r) => r.sm_direction === 'out' && r.sm_from === did.number && r.sm_to === to && r.sm_id !== inbound.sm_id)) {
      return `auto-answer not sent: ${to} got one less than ${quietMs / 60_000} minutes ago`;
    }
    const providerId = Number(provider.pr_id);
    const driver = smsDriverFor(provider, driverOptions(this.settings, this.sip));
    const now = formatDateTime(this.clock.now());
    const reply = await this.store.sms.add(tenantId, { sm_direction: 'out', sm_from: did.number, sm_to: to, sm_text: answer, sm_status: 'queued', sm_pr_id: providerId, sm_provider_ids: '', sm_parts: measureSms(answer).parts, sm_error: '', sm_created: now, sm_updated: now });
    const updated = () => formatDateTime(this.clock.now());
    if (!driver.ok) {
      await this.store.sms.update(tenantId, reply.sm_id, { sm_status: 'failed', sm_error: driver.error.message.slice(0, 1024), sm_updated: updated() });
      return `auto-answer ${reply.sm_id} failed: ${driver.error.message}`;
    }
    const result = await driver.value.send({ from: did.number, to, text: answer });
    if (result.ok) {
      await this.store.sms.update(tenantId, reply.sm_id, { sm_status: 'sent', sm_provider_ids: result.providerIds.join(','), sm_updated: updated() });
      return undefined;
    }
    await this.store.sms.update(tenantId, reply.sm_id, { sm_status: 'failed', sm_error: `provider ${providerId}: ${result.error}`.slice(0, 1024), sm_updated: updated() });
    return `auto-answer ${reply.sm_id} failed: ${result.error}`;
  }
}
