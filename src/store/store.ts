// The Store: the repositories every upper layer uses, independent of the engine.
import type { ApiKeyRecord, AuthTokenRecord, KeyScope, Tenant, TenantFields, WebUser, WebUserFields } from '../domain/index.ts';
import type { CdrQuery, CdrRecord, NewCdr, NewSimpleCdr, Phonebook, PhonebookEntry, SimpleCdrQuery, SimpleCdrRecord, UserGroup, UserGroupMember, VirtualMember } from '../domain/index.ts';
import type { Dialect } from './dialect.ts';
import type { ObjectTable } from './object-table.ts';

export type { ObjectTable, ObjectPage, TenantScope } from './object-table.ts';

export interface TenantRepository {
  list(filter?: Partial<Record<keyof Tenant, string>>): Promise<Tenant[]>;
  get(id: number): Promise<Tenant | undefined>;
  getByCode(code: string): Promise<Tenant | undefined>;
  create(fields: Partial<TenantFields> & Pick<TenantFields, 'te_code' | 'te_name'>, createdAt: string): Promise<Tenant>;
  update(id: number, fields: Partial<TenantFields>): Promise<Tenant | undefined>;
  delete(id: number): Promise<boolean>;
}

export interface ApiKeyRepository {
  findByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  list(tenantId?: number | null): Promise<ApiKeyRecord[]>;
  add(key: { tenantId: number | null; scope: KeyScope; hash: string; hint: string; createdAt: string }): Promise<ApiKeyRecord>;
  /** Revokes every key of a scope (of one tenant, or the admin keys) but `keepId`; returns how many. */
  revokeScope(tenantId: number | null, scope: KeyScope, keepId?: number): Promise<number>;
  revoke(id: number): Promise<boolean>;
}

export interface WebUserRepository {
  list(): Promise<WebUser[]>;
  get(id: number): Promise<WebUser | undefined>;
  getByUsername(username: string): Promise<WebUser | undefined>;
  create(fields: Partial<WebUserFields> & Pick<WebUserFields, 'us_username'>, createdAt: string): Promise<WebUser>;
  update(id: number, fields: Partial<WebUserFields>): Promise<WebUser | undefined>;
  delete(id: number): Promise<boolean>;
  tenantIds(userId: number): Promise<number[]>;
  addTenant(userId: number, tenantId: number): Promise<boolean>;
  removeTenant(userId: number, tenantId: number): Promise<boolean>;
}

/** One se_settings row (openapi.php shows them whole, spec §3.4.24). */
export interface SettingRow {
  se_id: number;
  se_te_id: number;
  se_code: string;
  se_value: string;
}

export interface SettingRepository {
  get(tenantId: number, code: string): Promise<string | undefined>;
  set(tenantId: number, code: string, value: string): Promise<void>;
  /** Rows of one tenant, or of every tenant (null), by tenant then code. */
  list(tenantId: number | null): Promise<SettingRow[]>;
  /** Inserts a new code; a code the tenant has already is a conflict. */
  insert(tenantId: number, code: string, value: string): Promise<SettingRow>;
  remove(tenantId: number, code: string): Promise<boolean>;
}

export interface BalanceRepository {
  add(tenantId: number, entry: { amount: number; description: string; date: string }): Promise<void>;
  /** Sum in ten-thousandths over entries dated within [from, to] (inclusive, either open). */
  sum(tenantId: number, from?: string, to?: string): Promise<number>;
}

export interface AuthTokenRepository {
  get(userId: number): Promise<AuthTokenRecord | undefined>;
  put(token: AuthTokenRecord): Promise<void>;
  delete(userId: number): Promise<boolean>;
}

/** One SIP binding as stored (the registrar maps it to its Binding). Times are ISO-8601 UTC text. */
export interface RegistrationRow {
  rg_te_id: number;
  rg_ex_id: number;
  rg_aor: string;
  rg_username: string;
  rg_contact_uri: string;
  rg_contact: string;
  rg_expires: string;
  rg_call_id: string;
  rg_cseq: number;
  rg_q: string | null;
  rg_protocol: string;
  rg_address: string;
  rg_port: number;
  rg_flow_id: string | null;
  rg_user_agent: string | null;
  rg_node: string;
  rg_registered: string;
  rg_last_rtt: number | null;
  rg_reachable: number;
}

export interface RegistrationRepository {
  list(tenantId?: number): Promise<RegistrationRow[]>;
  listForAccount(tenantId: number, extensionId: number): Promise<RegistrationRow[]>;
  /** Inserts or replaces the row of (tenant, extension, contact URI), keeping its rg_registered. */
  put(row: RegistrationRow): Promise<void>;
  /** Several puts in one transaction (all or none). */
  putMany(rows: readonly RegistrationRow[]): Promise<void>;
  remove(tenantId: number, extensionId: number, contactUri: string): Promise<RegistrationRow | undefined>;
  removeAll(tenantId: number, extensionId: number): Promise<RegistrationRow[]>;
  removeExpired(nowIso: string): Promise<RegistrationRow[]>;
  setReachability(tenantId: number, extensionId: number, contactUri: string, lastRttMs: number | null, reachable: boolean): Promise<RegistrationRow | undefined>;
}

/** One row of a CDR batch: a CDR (cd_cdrs) or a simple CDR (sc_simplecdrs) of a tenant. */
export type CdrBatchRow =
  | { readonly kind: 'cdr'; readonly tenantId: number; readonly row: NewCdr & { accountcode: string } }
  | { readonly kind: 'simple'; readonly tenantId: number; readonly row: NewSimpleCdr };

export interface CdrRepository {
  insert(tenantId: number, cdr: NewCdr & { accountcode: string }): Promise<CdrRecord>;
  insertSimple(tenantId: number, row: NewSimpleCdr): Promise<SimpleCdrRecord>;
  /**
   * CDR and simple-CDR rows of several calls in one transaction (all or none), in order: the CDR writer's group
   * commit. A refused batch tells nothing of which row was wrong; the caller retries the rows one by one.
   */
  insertBatch(rows: readonly CdrBatchRow[]): Promise<void>;
  /** Rows by start time, then id. */
  list(query: CdrQuery): Promise<CdrRecord[]>;
  listSimple(query: SimpleCdrQuery): Promise<SimpleCdrRecord[]>;
  /** One column of the tenant's first CDR with this uniqueid; undefined when there is none. */
  getField(tenantId: number, uniqueid: string, field: string): Promise<string | number | null | undefined>;
  /** Appends to the userfield of the tenant's CDRs with this uniqueid; returns how many changed. */
  appendUserfield(tenantId: number, uniqueid: string, text: string): Promise<number>;
}

export interface XmlTemplateRepository {
  get(tenantId: number, name: string): Promise<string | undefined>;
  list(tenantId: number): Promise<string[]>;
  /** Creates or replaces the named template. */
  put(tenantId: number, name: string, template: string): Promise<void>;
  delete(tenantId: number, name: string): Promise<boolean>;
}

export interface PhonebookItem {
  pi_id: number;
  pi_code: string;
  pi_name: string;
}

/** The fields of a phonebook besides its tenant (openapi.php writes them, spec §3.4.24). */
export type PhonebookFields = Pick<Phonebook, 'pb_name' | 'pb_includeext' | 'pb_includeshortnum'>;

/** An entry with its tenant, for the all-tenant views of the admin key. */
export type StoredPhonebookEntry = PhonebookEntry & { pe_te_id: number };

export interface PhonebookRepository {
  items(): Promise<PhonebookItem[]>;
  /** The phonebooks of one tenant, or of every tenant (null). */
  list(tenantId: number | null): Promise<Array<Phonebook & { entries: number }>>;
  updateBook(tenantId: number, phonebookId: number, fields: Partial<PhonebookFields>): Promise<Phonebook | undefined>;
  /** Deletes the phonebook with its entries. */
  deleteBook(tenantId: number, phonebookId: number): Promise<boolean>;
  /** Entries of one tenant (or every tenant: null), optionally of one phonebook or one entry id. */
  listEntries(where: { tenantId: number | null; phonebookId?: number; entryId?: number }): Promise<StoredPhonebookEntry[]>;
  /** Sets (value) or removes (null) values of an entry in one transaction. */
  setEntryValues(tenantId: number, entryId: number, values: ReadonlyArray<readonly [number, string | null]>): Promise<void>;
  /** By name, case-insensitively. */
  find(tenantId: number, name: string): Promise<Phonebook | undefined>;
  create(tenantId: number, name: string, fields?: Partial<Omit<PhonebookFields, 'pb_name'>>): Promise<Phonebook>;
  /** Adds entries (each a list of [pi_id, value]) in one transaction; returns their ids in order. */
  addEntries(tenantId: number, phonebookId: number, entries: ReadonlyArray<ReadonlyArray<readonly [number, string]>>): Promise<number[]>;
  entries(tenantId: number, phonebookId: number): Promise<PhonebookEntry[]>;
  /** Entries with a value (of one item, or any when undefined) LIKE `pattern` (case-insensitive, `\` escapes). */
  query(tenantId: number, phonebookId: number, itemId: number | undefined, pattern: string): Promise<PhonebookEntry[]>;
  deleteEntry(tenantId: number, phonebookId: number, entryId: number): Promise<boolean>;
  clear(tenantId: number, phonebookId: number): Promise<number>;
}

export interface UserGroupRepository {
  list(): Promise<UserGroup[]>;
  get(id: number): Promise<UserGroup | undefined>;
  create(fields: Pick<UserGroup, 'ug_name' | 'ug_description'>): Promise<UserGroup>;
  delete(id: number): Promise<boolean>;
  tenants(groupId: number): Promise<Tenant[]>;
  users(groupId: number): Promise<UserGroupMember[]>;
  addTenant(groupId: number, tenantId: number): Promise<boolean>;
  removeTenant(groupId: number, tenantId: number): Promise<boolean>;
  /** Adds the user, or updates its inherit flag when it is a member already. */
  putUser(groupId: number, userId: number, inherit: boolean): Promise<void>;
  removeUser(groupId: number, userId: number): Promise<boolean>;
  /** Tenants the user gets from the groups it inherits from. */
  inheritedTenantIds(userId: number): Promise<number[]>;
}

export interface VirtualExtensionRepository {
  members(tenantId: number, virtualId: number): Promise<VirtualMember[]>;
  /** False when it was a member already. */
  add(tenantId: number, virtualId: number, memberId: number): Promise<boolean>;
  remove(tenantId: number, virtualId: number, memberId: number): Promise<boolean>;
  clear(tenantId: number, virtualId: number): Promise<number>;
}

/** What the registrar reads of an extension. */
export interface SipAccountRow {
  ex_id: number;
  ex_te_id: number;
  ex_number: string;
  ex_tech: string;
  ex_secret: string;
}

export interface SipAccountRepository {
  findByUsername(username: string): Promise<SipAccountRow | undefined>;
  /** By number, or by full username, inside one tenant (a tenant's own SIP domain). */
  findInTenant(tenantId: number, user: string): Promise<SipAccountRow | undefined>;
}

/** One hint's state as MiRTA's state table holds it (spec §2.4, §4.4). */
export interface HintState {
  st_id: number;
  st_te_id: number;
  /** The hint name (`100-ACME`). */
  st_extension: string;
  /** An Asterisk device state (UNAVAILABLE, NOT_INUSE, INUSE, RINGING, ...). */
  st_state: string;
  /** When it was set, 'YYYY-MM-DD HH:MM:SS' UTC. */
  st_timestamp: string;
  st_peername: string;
}

export interface StateRepository {
  get(tenantId: number, extension: string): Promise<HintState | undefined>;
  /** Creates or replaces the state of the tenant's hint. */
  set(tenantId: number, state: Pick<HintState, 'st_extension' | 'st_state' | 'st_timestamp' | 'st_peername'>): Promise<HintState>;
  /** The tenant's hint states, oldest first (by st_id: text order differs between engines' collations). */
  list(tenantId: number): Promise<HintState[]>;
}

/** One re_recordings row: a finished call recording; its audio lies under the tenant's folder. */
export interface RecordingRow {
  re_id: number;
  re_te_id: number;
  /** The call's first channel's uniqueid (dotted MiRTA form), as in its CDR. */
  re_uniqueid: string;
  re_linkedid: string;
  /** DIAL's originate id, or empty. */
  re_originateid: string;
  /** 'YYYY-MM-DD HH:MM:SS' UTC. */
  re_start: string;
  re_end: string;
  re_durationms: number;
  /** Relative to the tenant's folder (`recordings/<YYYY-MM-DD>/<uniqueid>.wav`), never absolute. */
  re_filename: string;
  re_format: string;
  re_size: number;
  re_node: string;
}

export type NewRecording = Omit<RecordingRow, 're_id' | 're_te_id'>;

export interface RecordingRepository {
  /** Creates the row of (tenant, uniqueid), or replaces it when the same call is reported again. */
  put(tenantId: number, row: NewRecording): Promise<RecordingRow>;
  /** By uniqueid, else by originate id (the latest), in one tenant or, for the admin key, in any (null). */
  find(tenantId: number | null, id: string): Promise<RecordingRow | undefined>;
  /** A tenant's recordings started within [from, to] (inclusive, either open), by start then id. */
  list(tenantId: number, range: { readonly from?: string; readonly to?: string }): Promise<RecordingRow[]>;
}

/** One il_ivrlogs row: a choice a caller made in a voice menu (INFO ivrlogs). */
export interface IvrLogRow {
  il_id: number;
  il_te_id: number;
  /** 'YYYY-MM-DD HH:MM:SS' UTC. */
  il_date: string;
  il_linkedid: string;
  il_iv_id: number;
  il_ivrname: string;
  il_callerid: string;
  il_calleridname: string;
  il_round: number;
  /** The keys pressed, '' when none. */
  il_keys: string;
  /** KEY, EXTENSION, FEATURE, DISA, WRONG, TIMEOUT or HANGUP. */
  il_choice: string;
  /** The slot or target the call went to; '' when the menu played again or ended. */
  il_destination: string;
}

export type NewIvrLog = Omit<IvrLogRow, 'il_id' | 'il_te_id'>;

export interface IvrLogRepository {
  add(tenantId: number, row: NewIvrLog): Promise<IvrLogRow>;
  /** A tenant's rows dated within [from, to] (inclusive, either open), by date then id. */
  list(tenantId: number, range: { readonly from?: string; readonly to?: string }): Promise<IvrLogRow[]>;
}

/** One ms_messages row: a SIP MESSAGE kept for an extension that was offline. Times 'YYYY-MM-DD HH:MM:SS' UTC. */
export interface StoredMessageRow {
  ms_id: number;
  ms_te_id: number;
  ms_from_ext: string;
  ms_from_name: string;
  ms_to_ext: string;
  ms_to_ex_id: number;
  ms_content_type: string;
  /** The body's bytes, base64. */
  ms_body: string;
  ms_created: string;
  ms_expires: string;
  /** When a phone took it; null while it waits. */
  ms_delivered: string | null;
}

export type NewStoredMessage = Omit<StoredMessageRow, 'ms_id' | 'ms_te_id' | 'ms_delivered'>;

export interface MessageRepository {
  /**
   * Stores the message unless the tenant already holds `cap` waiting (undelivered, unexpired at `now`) ones:
   * then undefined. Count and insert are two statements, so concurrent adds may pass the cap by their number.
   */
  add(tenantId: number, row: NewStoredMessage, limits: { readonly cap: number; readonly now: string }): Promise<StoredMessageRow | undefined>;
  /** The extension's waiting messages (undelivered, expiring after `now`), oldest first, at most `limit`. */
  pending(tenantId: number, extensionId: number, now: string, limit: number): Promise<StoredMessageRow[]>;
  /** Marks a waiting message delivered; false when it was not waiting (delivered already, or another tenant's). */
  markDelivered(tenantId: number, id: number, at: string): Promise<boolean>;
  /** How many of the tenant's messages wait at `now`. */
  countPending(tenantId: number, now: string): Promise<number>;
  /** Deletes every delivered message and every one expired at `now`; how many went. */
  purge(now: string): Promise<number>;
}

/** One sm_sms row: an SMS sent or received (INFO sms). Times 'YYYY-MM-DD HH:MM:SS' UTC. */
export interface SmsRow {
  sm_id: number;
  sm_te_id: number;
  sm_direction: 'in' | 'out';
  sm_from: string;
  sm_to: string;
  sm_text: string;
  /** queued, sent, delivered, failed or received. */
  sm_status: string;
  /** The provider it went (or came) through; null = a tenant's own phone by SIP MESSAGE. */
  sm_pr_id: number | null;
  /** The provider's message ids, comma separated ('' until it answered). */
  sm_provider_ids: string;
  sm_parts: number;
  sm_error: string;
  sm_created: string;
  sm_updated: string;
}

export type NewSms = Omit<SmsRow, 'sm_id' | 'sm_te_id'>;
export type SmsChange = Partial<Pick<SmsRow, 'sm_status' | 'sm_pr_id' | 'sm_provider_ids' | 'sm_parts' | 'sm_error'>> & { readonly sm_updated: string };

export interface SmsRepository {
  add(tenantId: number, row: NewSms): Promise<SmsRow>;
  /** The changed row; undefined when the tenant has no such SMS. */
  update(tenantId: number, id: number, change: SmsChange): Promise<SmsRow | undefined>;
  get(tenantId: number, id: number): Promise<SmsRow | undefined>;
  /** A tenant's rows created within [from, to] (inclusive, either open), by creation then id. */
  list(tenantId: number, range: { readonly from?: string; readonly to?: string }): Promise<SmsRow[]>;
  /** Records the provider's message ids of an SMS's parts (normalized by the caller, part i+1 = ids[i]), for its receipts. */
  addParts(tenantId: number, smsId: number, providerId: number, messageIds: readonly string[], now: string): Promise<void>;
  /**
   * The part a provider's receipt names, of any tenant (a receipt names only the provider and its id): the part whose
   * id is the first of `messageIds` (best first) the provider gave, the most recent one if it gave an id twice.
   */
  findPart(providerId: number, messageIds: readonly string[]): Promise<SmsPartRow | undefined>;
  /** Records a part's receipt; answers every part of that SMS (empty when the tenant has no such SMS). */
  setPartStatus(tenantId: number, smsId: number, part: number, change: SmsPartChange): Promise<SmsPartRow[]>;
}

/** One sp_sms_parts row: a part of an SMS sent through a provider, with the provider's id for it and its receipt. */
export interface SmsPartRow {
  sp_sm_id: number;
  sp_te_id: number;
  sp_pr_id: number;
  sp_part: number;
  sp_message_id: string;
  /** '' until a receipt came; then delivered, undelivered or pending. */
  sp_status: string;
  sp_stat: string;
  sp_error: string;
  sp_updated: string;
}

export type SmsPartChange = Pick<SmsPartRow, 'sp_status' | 'sp_stat' | 'sp_error' | 'sp_updated'>;

/** One lc_livecalls row: a call in progress on a node (the live-call journal, migration 0015). */
export interface LiveCallRow {
  lc_linkedid: string;
  lc_node: string;
  lc_te_id: number;
  /** JSON: the call's CDR record as it stood at the last write. */
  lc_cdr: string;
  /** JSON: the call's confirmed dialogs, enough to send each an in-dialog BYE. */
  lc_legs: string;
  /** Epoch ms: the last time the node knew the call alive. */
  lc_heartbeat: number;
}

export interface LiveCallRepository {
  /** Creates the call's row or replaces it whole. */
  put(row: LiveCallRow): Promise<void>;
  /**
   * Several calls' changes in one transaction (all or none): `put` rows created or replaced whole, then the
   * `remove` linkedids deleted. The journal's group commit: one commit for every call that changed meanwhile.
   */
  apply(changes: { readonly put: readonly LiveCallRow[]; readonly remove: readonly string[] }): Promise<void>;
  /** Sets the heartbeat of every row of `node` to `at`, in one statement; how many rows. */
  beat(node: string, at: number): Promise<number>;
  /** Deletes the call's row; false when there was none. */
  remove(linkedId: string): Promise<boolean>;
  /** The rows of `node`, by linkedid. */
  ofNode(node: string): Promise<LiveCallRow[]>;
}

export interface Store {
  readonly dialect: Dialect;
  readonly tenants: TenantRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly users: WebUserRepository;
  readonly settings: SettingRepository;
  readonly balances: BalanceRepository;
  readonly authTokens: AuthTokenRepository;
  readonly registrations: RegistrationRepository;
  readonly sipAccounts: SipAccountRepository;
  readonly cdrs: CdrRepository;
  readonly xmlTemplates: XmlTemplateRepository;
  readonly phonebooks: PhonebookRepository;
  readonly userGroups: UserGroupRepository;
  readonly virtualExtensions: VirtualExtensionRepository;
  readonly states: StateRepository;
  readonly recordings: RecordingRepository;
  readonly ivrLogs: IvrLogRepository;
  /** SIP MESSAGEs kept for offline phones (pbx/messaging). */
  readonly messages: MessageRepository;
  /** Calls in progress per node, for recovery after a crash (pbx/calls/live-call-journal.ts). */
  readonly liveCalls: LiveCallRepository;
  /** The SMS log (services/sms). */
  readonly sms: SmsRepository;
  /** The table of a catalogue object (domain/objects) by its name. */
  objects(name: string): ObjectTable;
  /** Applies pending migrations; returns the names applied now. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}
