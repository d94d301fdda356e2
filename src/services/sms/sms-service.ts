// The SMS reqtype's use case (spec §2.25): checks the order (sender, text, destination) before anything is sent,
// picks the providers the sender's SMS routing profile routes the number to, logs the SMS as queued and answers its
// id, then sends it in the background, trying the routes in failover order, and records the outcome (sent/failed).
// An SMS to one of the tenant's own extensions goes to its phones as SIP MESSAGE instead (the node's messaging).
// Delivery receipts (SMPP) mark the SMS delivered / undelivered once every part has its final receipt.
import type { ObjectRow } from '../../domain/index.ts';
import { isSmppRow, measureSms, normalizeMessageId, routeOutbound, smsDriverFor, StoreRoutingDirectory, type CallerRouting, type ExtensionMessenger, type HttpSmsOptions, type SmppReceipt, type SmppSessions, type SmsDriver, type SmsDriverOptions } from '../../pbx/index.ts';
import { formatDateTime, PbxError, type Clock, type Logger } from '../../shared/index.ts';
import type { SmsRow, Store } from '../../store/index.ts';
import { parseDateWindow } from '../date-window.ts';
import { driverOptions } from './sms-driver-options.ts';
import { SmsReceipts } from './sms-receipts.ts';

export interface SmsOrder {
  /** An extension number or SIP account, or `ACCOUNT`: the number of `account`. */
  readonly source: string;
  /** A SIP account (`402-ACME`), or `SOURCE` (the default): the source's own account. */
  readonly account: string | undefined;
  readonly dest: string;
  /** The sender number shown to the destination; default the extension's ex_smscidnum, else its caller id. */
  readonly destclid: string | undefined;
  readonly server: string | undefined;
  readonly message: string;
}

export interface QueuedSms {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly parts: number;
  /** Null when no provider carries it: an SMS to the tenant's own extension, sent as SIP MESSAGE. */
  readonly providerId: number | null;
}

export interface SmsSettings {
  readonly nodeName: string;
  /** The most parts one SMS may take (concatenated); a longer text is refused. */
  readonly maxParts?: number;
  readonly http?: HttpSmsOptions;
  /** The node's SMPP sessions: without them SMPP providers answer not implemented. Their receipts come back here. */
  readonly smpp?: SmppSessions;
  /** How SIP MESSAGE providers' host names are resolved (default: the system resolver). */
  readonly resolveHost?: SmsDriverOptions['resolveHost'];
  readonly logger?: Logger;
}

const DEST = /^\+?[0-9]{1,20}$/;
const SENDER = /^(?:\+?[0-9]{1,20}|[A-Za-z0-9 ]{1,11})$/;
const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));
const idOrNull = (value: unknown): number | null => (value === null || value === undefined || value === '' ? null : Number(value));

interface Attempt {
  readonly providerId: number;
  readonly number: string;
  readonly driver: SmsDriver;
}

export class SmsService {
  private readonly routing: StoreRoutingDirectory;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly receipts: SmsReceipts;
  /** The node's SIP messaging, once SIP runs (main.ts attaches it): how an SMS reaches the tenant's own phones. */
  private messenger: ExtensionMessenger | undefined;
  /** The node's SIP stack, once SIP runs (attachSip): how SIP MESSAGE providers (pr_smsprotocol SIP) send. */
  private sip: SmsDriverOptions['sip'];

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly settings: SmsSettings) {
    this.routing = new StoreRoutingDirectory(store);
    this.receipts = new SmsReceipts(store, clock, settings.logger);
    if (settings.smpp !== undefined) settings.smpp.onReceipt = (providerId, receipt) => this.receipt(providerId, receipt);
  }

  /** Binds the SMPP sessions of every enabled SMPP provider row, closes the others' (at start and after provider changes); answers why rows cannot bind. */
  async syncSmpp(): Promise<string[]> {
    if (this.settings.smpp === undefined) return [];
    // A disabled provider keeps no session: it neither sends nor receives.
    const rows = (await this.store.objects('provider').list(null)).filter((r) => isSmppRow(r) && text(r.pr_disabled).toLowerCase() !== 'on');
    return this.settings.smpp.sync(rows);
  }

  /** A provider's delivery receipt (sms-receipts.ts): the SMS it names is marked delivered / undelivered once all parts are in. */
  receipt(providerId: number, receipt: SmppReceipt): Promise<void> {
    return this.receipts.handle(providerId, receipt, () => this.inFlight.size > 0);
  }

  /** SIP messaging, once SIP runs. attach(undefined) (SIP stopping) also drops the stack attachSip gave. */
  attach(messenger: ExtensionMessenger | undefined): void {
    this.messenger = messenger;
    if (messenger === undefined) this.sip = undefined;
  }

  /** The node's SIP stack, for SIP MESSAGE providers; without it they answer not implemented. */
  attachSip(sip: SmsDriverOptions['sip']): void {
    this.sip = sip;
  }

  /** Checks, logs as queued and starts sending; throws a PbxError naming the parameter when the order is bad. */
  async send(tenantId: number, order: SmsOrder): Promise<QueuedSms> {
    if (order.server !== undefined && order.server !== '' && order.server.toLowerCase() !== this.settings.nodeName.toLowerCase())
      throw new PbxError('invalid_parameter', `Invalid server '${order.server}': this PBX runs one node, ${this.settings.nodeName}`);
    const sender = await this.sender(tenantId, order);
    if (order.message.trim() === '') throw new PbxError('missing_parameter', 'Missing message: the SMS text is empty');
    const maxParts = this.settings.maxParts ?? 10;
    const length = measureSms(order.message);
    if (length.parts > maxParts) throw new PbxError('invalid_parameter', `Invalid message: ${length.units} ${length.encoding === 'gsm7' ? 'GSM characters' : 'UCS-2 characters'} take ${length.parts} SMS, over the limit of ${maxParts}`);
    if (order.dest.trim() === '') throw new PbxError('missing_parameter', 'Missing dest: the phone number to send the SMS to');
    const dest = order.dest.replace(/[\s\-().]/g, '');
    if (!DEST.test(dest)) throw new PbxError('invalid_parameter', `Invalid dest '${order.dest}': give a phone number (digits, optionally with a leading +)`);
    const from = order.destclid === undefined || order.destclid === '' ? text(sender.ex_smscidnum) || text(sender.ex_cidnum) || text(sender.ex_number) : order.destclid;
    if (!SENDER.test(from)) throw new PbxError('invalid_parameter', `Invalid destclid '${from}': a number, or at most 11 letters and digits`);
    const [own] = await this.store.objects('extension').list(tenantId, { ex_number: dest }, { limit: 1, columns: ['ex_id'] });
    // A tenant's own phone is reached by SIP MESSAGE, not through a carrier. An explicit destclid is shown bare; the
    // extension's own number comes with its name, as its MESSAGEs do.
    if (own !== undefined) return this.toExtension(tenantId, { from, name: order.destclid === undefined || order.destclid === '' ? text(sender.ex_name) : '', dest, text: order.message, parts: length.parts });
    const attempts = await this.attempts(tenantId, sender, dest);
    const first = attempts[0];
    if (first === undefined) throw new PbxError('not_implemented', 'No SMS provider can send this SMS');
    const now = formatDateTime(this.clock.now());
    const row = await this.store.sms.add(tenantId, { sm_direction: 'out', sm_from: from, sm_to: dest, sm_text: order.message, sm_status: 'queued', sm_pr_id: first.providerId, sm_provider_ids: '', sm_parts: length.parts, sm_error: '', sm_created: now, sm_updated: now });
    const sending = this.deliver(tenantId, row, attempts).finally(() => this.settled(sending));
    this.inFlight.add(sending);
    return { id: row.sm_id, from, to: dest, parts: length.parts, providerId: first.providerId };
  }

  /** Logs the SMS as queued and hands it to messaging: sent once a phone took it; kept for an offline one, it stays queued. */
  private async toExtension(tenantId: number, sms: { from: string; name: string; dest: string; text: string; parts: number }): Promise<QueuedSms> {
    const messenger = this.messenger;
    if (messenger === undefined) throw new PbxError('not_implemented', `Not implemented: SMS to extension ${sms.dest} of this tenant while SIP is not running on this node`);
    const now = formatDateTime(this.clock.now());
    const row = await this.store.sms.add(tenantId, { sm_direction: 'out', sm_from: sms.from, sm_to: sms.dest, sm_text: sms.text, sm_status: 'queued', sm_pr_id: null, sm_provider_ids: '', sm_parts: sms.parts, sm_error: '', sm_created: now, sm_updated: now });
    const record = async (): Promise<void> => {
      try {
        const outcome = await messenger.sendFromPbx({ tenantId, toExtension: sms.dest, fromNumber: sms.from, fromName: sms.name, text: sms.text });
        if (outcome.kind === 'kept') return;
        const change = outcome.kind === 'delivered' ? { sm_status: 'sent' } : { sm_status: 'failed', sm_error: `extension ${sms.dest}: ${outcome.reason}`.slice(0, 1024) };
        await this.store.sms.update(tenantId, row.sm_id, { ...change, sm_updated: formatDateTime(this.clock.now()) });
      } catch (error) {
        this.settings.logger?.error({ err: error, smsId: row.sm_id }, 'sms: sending to an extension failed');
      }
    };
    const sending = record().finally(() => this.settled(sending));
    this.inFlight.add(sending);
    return { id: row.sm_id, from: sms.from, to: sms.dest, parts: sms.parts, providerId: null };
  }

  /** INFO sms: the tenant's SMS log between start and end (as INFO ivrlogs: dates or date-times, default today). */
  async list(tenantId: number, window: { readonly start?: string | undefined; readonly end?: string | undefined }): Promise<SmsRow[]> {
    return this.store.sms.list(tenantId, parseDateWindow(window, this.clock));
  }

  private settled(sending: Promise<void>): void {
    this.inFlight.delete(sending);
    if (this.inFlight.size === 0) this.receipts.idle();
  }

  /** Resolves once every SMS being sent has its outcome recorded (tests, a graceful stop). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** At shutdown: lets the sends in flight finish (within `ms`), then unbinds and closes the SMPP sessions. */
  async stop(ms = 5000): Promise<void> {
    await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, ms).unref())]);
    await this.settings.smpp?.close();
  }

  /** source=ACCOUNT takes the extension of `account`; otherwise `source` (a number or an account) names it. */
  private async sender(tenantId: number, order: SmsOrder): Promise<ObjectRow> {
    const table = this.store.objects('extension');
    const fromAccount = order.source.toUpperCase() === 'ACCOUNT';
    if (fromAccount) {
      const name = order.account ?? '';
      if (name === '' || name.toUpperCase() === 'SOURCE') throw new PbxError('invalid_parameter', 'Invalid source ACCOUNT: give account as a peer name such as 402-TENANT');
      const [row] = (await table.list(tenantId, { ex_username: name })).filter((r) => text(r.ex_username) === name);
      if (row === undefined) throw new PbxError('not_found', `Invalid account: ${name} not found`);
      return row;
    }
    if (order.source === '') throw new PbxError('missing_parameter', 'Missing source: the extension the SMS is sent from');
    const [row] = await table.list(tenantId, order.source.includes('-') ? { ex_username: order.source } : { ex_number: order.source });
    if (row === undefined) throw new PbxError('not_found', `Invalid source: extension ${order.source} not found`);
    // The SMS goes out as the source: an account naming another extension would be accepted and ignored.
    const account = order.account ?? '';
    if (account !== '' && account.toUpperCase() !== 'SOURCE' && account !== text(row.ex_username)) {
      throw new PbxError('invalid_parameter', `Invalid account ${account}: it is not extension ${text(row.ex_number)}'s (give account=SOURCE, or source=ACCOUNT to send from ${account})`);
    }
    return row;
  }

  /**
   * The providers to try, in failover order: the routes of the extension's SMS routing profile (ex_sms_rp_id, else
   * the tenant's te_rp_id) that match the number, as voice routing orders them (outbound-routes.ts), keeping only
   * SMS providers (pr_tech SMS) whose protocol is built.
   */
  private async attempts(tenantId: number, sender: ObjectRow, dest: string): Promise<Attempt[]> {
    const profile = idOrNull(sender.ex_sms_rp_id) ?? (await this.store.tenants.get(tenantId))?.te_rp_id ?? null;
    if (profile === null) throw new PbxError('not_found', 'No SMS routing profile: set the extension\'s ex_sms_rp_id or the tenant\'s routing profile');
    const rules = await this.routing.routes(profile);
    const ids = [...new Set(rules.flatMap((r) => (r.providerId === null ? [] : [r.providerId])))];
    const rows = (await Promise.all(ids.map((id) => this.store.objects('provider').get(null, id)))).filter((r): r is ObjectRow => r !== undefined && text(r.pr_tech).toUpperCase() === 'SMS');
    const providers = new Map(rows.map((r) => [Number(r.pr_id), { providerId: Number(r.pr_id), disabled: text(r.pr_disabled).toLowerCase() === 'on', callerId: '', callerIdName: '' }] as const));
    // Every number an SMS may reach: ex_callallowed governs calls, not texts.
    const caller: CallerRouting = { extensionId: Number(sender.ex_id), routingProfileId: profile, callAllowed: '', destAllowRegex: '', callAllowedReason: '', callerIdNumber: '', callerIdName: '', emergencyCallerId: '' };
    const decision = routeOutbound(caller, dest, rules.filter((r) => r.providerId === null || providers.has(r.providerId)), providers);
    if (!decision.ok) throw new PbxError(decision.reason === 'not-dialable' ? 'invalid_parameter' : 'not_found', `No SMS route to ${dest}: ${decision.message}`);
    const attempts: Attempt[] = [];
    const refusals: string[] = [];
    for (const attempt of decision.attempts) {
      const row = rows.find((r) => Number(r.pr_id) === attempt.providerId);
      const driver = row === undefined ? undefined : smsDriverFor(row, this.driverOptions());
      if (driver?.ok) attempts.push({ providerId: attempt.providerId, number: attempt.number, driver: driver.value });
      else if (driver !== undefined) refusals.push(driver.error.message);
    }
    if (attempts.length === 0) throw new PbxError(refusals.length > 0 ? 'not_implemented' : 'not_found', refusals[0] ?? `No SMS provider routes ${dest}`);
    return attempts;
  }

  private driverOptions(): SmsDriverOptions {
    return driverOptions(this.settings, this.sip);
  }

  /** Tries the providers in order; the first that takes it wins. Never throws: the outcome goes to the log. */
  private async deliver(tenantId: number, row: SmsRow, attempts: readonly Attempt[]): Promise<void> {
    const errors: string[] = [];
    try {
      for (const attempt of attempts) {
        const result = await attempt.driver.send({ from: row.sm_from, to: attempt.number, text: row.sm_text });
        if (result.ok) {
          const now = formatDateTime(this.clock.now());
          await this.store.sms.update(tenantId, row.sm_id, { sm_status: 'sent', sm_pr_id: attempt.providerId, sm_provider_ids: result.providerIds.join(',').slice(0, 1024), sm_error: errors.join('; ').slice(0, 1024), sm_updated: now });
          // After 'sent' is written, so a receipt that finds a part never has its status overwritten by 'sent'.
          const ids = result.providerIds.map(normalizeMessageId);
          await this.store.sms.addParts(tenantId, row.sm_id, attempt.providerId, ids, now);
          this.receipts.recorded(tenantId, row.sm_id, attempt.providerId, ids);
          return;
        }
        errors.push(`provider ${attempt.providerId}: ${result.error}`);
      }
      await this.store.sms.update(tenantId, row.sm_id, { sm_status: 'failed', sm_error: errors.join('; ').slice(0, 1024), sm_updated: formatDateTime(this.clock.now()) });
    } catch (error) {
      this.settings.logger?.error({ err: error, smsId: row.sm_id }, 'sms: recording the outcome failed');
    }
  }
}
