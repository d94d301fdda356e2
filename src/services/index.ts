// Use cases, one class per resource. No HTTP types here: the API adapts them.
import { SmppSessions, type CallOriginator, type ChannelRegistry } from '../pbx/index.ts';
import type { Clock, Logger } from '../shared/index.ts';
import type { Store } from '../store/index.ts';
import { unconfiguredMailSender, type MailSender } from '../mail/index.ts';
import { AccessService } from './access-service.ts';
import { AuthTokenService } from './auth-token-service.ts';
import { BadKeyThrottle, type ThrottleSettings } from './bad-key-throttle.ts';
import { BootstrapService } from './bootstrap-service.ts';
import { KeyService } from './key-service.ts';
import { SystemService } from './system-service.ts';
import { BalanceService } from './balance-service.ts';
import { SettingService } from './setting-service.ts';
import { TenantService } from './tenant-service.ts';
import { UserService } from './user-service.ts';
import { OBJECT_RULES, ObjectService, createRoutingServices } from './objects/index.ts';
import { PeerService } from './peer-service.ts';
import { StoreBindingStore } from '../pbx/index.ts';
import { MediaFileService, type MediaSettings } from './objects/index.ts';
import { CdrService } from './cdr-service.ts';
import { PhonebookService } from './phonebook-service.ts';
import { UserGroupService } from './user-group-service.ts';
import { VirtualExtensionService } from './virtual-extension-service.ts';
import { FlowService } from './flow-service.ts';
import { CallService } from './call-service.ts';
import { BlfService } from './blf-service.ts';
import { RecordingService, type Mp3Encoder } from './recordings/index.ts';
import { IvrLogService } from './ivr-logs/index.ts';
import { DatabaseBackupService } from './backup/index.ts';
import { SmsService } from './sms/index.ts';
import { InboundSmsService } from './sms/inbound-sms-service.ts';

export type { Caller, CallerRequest } from './access-service.ts';
export type { IssuedKey, KeyListing } from './key-service.ts';
export type { CreatedTenant } from './tenant-service.ts';
export type { PublicWebUser, AuthenticatedUser } from './user-service.ts';
export type { FirstStartCredentials } from './bootstrap-service.ts';
export { TENANT_WRITE_ONLY, TENANT_COLUMNS, TENANT_FIELDS } from './tenant-service.ts';
export { USER_FIELDS } from './user-service.ts';
export { PHONEBOOK_FIELDS } from './phonebook-service.ts';
export { SETTING_FIELDS } from './setting-service.ts';
export { parseFields } from './field-rules.ts';
export type { ThrottleSettings } from './bad-key-throttle.ts';
export type { Peer, PeerSelector } from './peer-service.ts';
export type { CdrFilterText, CdrScope, SimpleCdrFilterText } from './cdr-service.ts';
export type { FlowChange, FlowWithState } from './flow-service.ts';
export type { BlfState, DeviceStates } from './blf-service.ts';
export type { CallRecord, ChannelSelector, ChannelView, DialOrder, DialResult, ExtensionState } from './call-service.ts';
export { ObjectService, generateSipSecret, type ObjectScope } from './objects/index.ts';
export { LameMp3Encoder, type AudioFormat, type Mp3Encoder, type RecordedCall, type RecordingAudio, type RecordingLog } from './recordings/index.ts';
export type { RecordingRow } from '../store/index.ts';
export type { IvrLogEntry } from './ivr-logs/index.ts';
export type { IvrLogRow } from '../store/index.ts';
export type { QueuedSms, SmsOrder } from './sms/index.ts';
export type { InboundSms, InboundSmsReceipt } from './sms/inbound-sms-service.ts';
export { flattenJson } from './sms/inbound-sms-fields.ts';
export type { SmsRow } from '../store/index.ts';

export interface ServiceSettings {
  readonly nodeName: string;
  readonly serviceEndDate: string | undefined;
  /** How long a resolved key or tenant code may be reused without a query. */
  readonly lookupCacheMs: number;
  readonly throttle: ThrottleSettings;
  /** Where media audio is stored, and the largest upload. */
  readonly media: MediaSettings;
  /** Whether a tenant's SMS URL targets may name internal addresses (CALLGRID_SMS_URL_INTERNAL_HOSTS; default no). */
  readonly smsUrlInternalHosts?: boolean;
  /** How recordings become MP3 (default: Debian's lame from PATH); recordings lie under media.dataDir. */
  readonly recordings?: { readonly encoder?: Mp3Encoder };
}

export interface ServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly channels: ChannelRegistry;
  /** Places API calls (DIAL): the B2BUA, when SIP runs. Also settable later with `services.calls.attach()`. */
  readonly originator?: CallOriginator;
  /** Where work done after an answer (an SMS sent in the background) reports failures; none = not reported. */
  readonly logger?: Logger;
  /** The node's outbound e-mail (CALLGRID_SMTP_URL); none = features that mail answer not implemented. */
  readonly mail?: MailSender;
}

export function createServices(deps: ServiceDeps, settings: ServiceSettings) {
  const keys = new KeyService(deps.store, deps.clock, settings.lookupCacheMs);
  const tenants = new TenantService(deps.store, keys, deps.clock, settings.lookupCacheMs);
  const tokens = new AuthTokenService(deps.store, deps.clock);
  const objects = new ObjectService(deps.store, deps.clock, OBJECT_RULES);
  const peers = new PeerService(deps.store, new StoreBindingStore(deps.store.registrations), deps.clock, settings.nodeName);
  const logged = deps.logger === undefined ? {} : { logger: deps.logger };
  // One bound session per SMPP provider, opened on first use or by sms.syncSmpp(): receipts and inbound SMS arrive on it.
  const smpp = new SmppSessions(logged);
  const mail = deps.mail ?? unconfiguredMailSender;
  const inboundSms = new InboundSmsService(deps.store, deps.clock, { throttle: settings.throttle, url: { allowInternalHosts: settings.smsUrlInternalHosts === true }, smpp, mail, ...logged });
  smpp.onInbound = async (providerId, sms) => {
    await inboundSms.receive(providerId, sms);
  };
  return {
    keys,
    tenants,
    tokens,
    access: new AccessService(keys, tenants, new BadKeyThrottle(deps.clock, settings.throttle)),
    users: new UserService(deps.store, tokens, deps.clock),
    settings: new SettingService(deps.store),
    balance: new BalanceService(deps.store, deps.clock),
    system: new SystemService(deps.clock, deps.channels, settings.serviceEndDate, settings.nodeName),
    bootstrap: new BootstrapService(keys, tenants),
    objects,
    flows: new FlowService(deps.store, deps.clock, objects),
    routing: createRoutingServices(deps.store),
    peers,
    calls: new CallService(deps.store, deps.clock, deps.channels, peers, settings.nodeName, deps.originator),
    media: new MediaFileService(deps.store, deps.clock, settings.media),
    cdrs: new CdrService(deps.store, deps.clock),
    /** Call recordings; also the PBX's RecordingLog port (main.ts hands it to the B2BUA). */
    recordings: new RecordingService(deps.store, deps.clock, { dataDir: settings.media.dataDir, nodeName: settings.nodeName, ...settings.recordings }),
    phonebooks: new PhonebookService(deps.store),
    /** IVR choices; also the PBX's IvrLog port (main.ts hands it to the IVR step). */
    ivrLogs: new IvrLogService(deps.store, deps.clock),
    userGroups: new UserGroupService(deps.store),
    virtualExtensions: new VirtualExtensionService(deps.store),
    /** The database copy of `callgrid backup` (SQLite online copy; PostgreSQL: pg_dump). */
    backup: new DatabaseBackupService(deps.store),
    /** The SMS reqtype and INFO sms: sending through the SMS providers (SMPP on `smpp`), receipts, the tenant's SMS log. */
    sms: new SmsService(deps.store, deps.clock, { nodeName: settings.nodeName, smpp, ...logged }),
    /** Inbound SMS on DIDs (webhook, SMPP, SIP MESSAGE trunks): DID-SMS targets; `attach(messaging)` once SIP runs. */
    inboundSms,
    /** The node's outbound e-mail (di_smsemail today; voicemail and fax to e-mail to come). */
    mail,
    /** BLFS; `services.blf.attach(presence.tracker)` once SIP runs. Also the presence FlowStateSource. */
    blf: new BlfService(deps.store, deps.clock, deps.channels, new StoreBindingStore(deps.store.registrations), new FlowService(deps.store, deps.clock, objects)),
  };
}

export type Services = ReturnType<typeof createServices>;
