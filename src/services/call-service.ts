// Live calls of this node and the call control the API offers: channels (list, one, counts), an extension's
// current calls and live state, one call by originate id or uniqueid (live, else its CDRs), hangup, blind
// transfer and click-to-call (originate). The B2BUA fills the channel registry and places the calls.
import { randomBytes } from 'node:crypto';
import type { CdrRecord, ObjectRow } from '../domain/index.ts';
import type { CallOriginator, ChannelRegistry, LiveChannel } from '../pbx/index.ts';
import { PbxError, formatDateTime, type Clock } from '../shared/index.ts';
import type { Store } from '../store/index.ts';
import { parseDialCallerId } from './dial-caller-id.ts';
import type { PeerService } from './peer-service.ts';

/** A live channel with what the reports add: its tenant's code and its age. */
export interface ChannelView {
  readonly channel: LiveChannel;
  readonly tenantCode: string;
  /** Whole seconds since the channel was created (Asterisk's Duration). */
  readonly seconds: number;
  /** Whole seconds since it was answered; 0 while not answered. */
  readonly billSeconds: number;
}

/** Which channels HANGUP ends: one by name, those of a SIP account (`103-ACME`), or of an extension number. */
export type ChannelSelector = { readonly channel: string } | { readonly account: string } | { readonly number: string };

/** INFO extstate: the extension's first channel, or why there is none. */
export type ExtensionState =
  | { readonly kind: 'unregistered' }
  | { readonly kind: 'idle' }
  | { readonly kind: 'busy'; readonly channel: LiveChannel };

/** One call as INFO call reports it: its live channels, or once ended its CDRs. */
export type CallRecord = { readonly kind: 'live'; readonly channels: ChannelView[] } | { readonly kind: 'ended'; readonly cdrs: CdrRecord[] };

/** A click-to-call order, as DIAL gives it (parameter aliases already resolved). */
export interface DialOrder {
  /** An extension number, or `ACCOUNT`: the number of `account`. */
  readonly source: string;
  readonly destination: string;
  /** A SIP account (`402-ACME`) the call is placed as, or `SOURCE`: the source's own account. Default: SOURCE. */
  readonly account: string | undefined;
  readonly variables: ReadonlyArray<readonly [string, string]>;
  readonly dialTimeoutSeconds: number;
  readonly maxDurationSeconds: number | undefined;
  readonly sourceCallerId: string | undefined;
  readonly destinationCallerId: string | undefined;
  readonly recording: 'yes' | 'no' | 'yeschange' | 'nochange' | undefined;
  readonly server: string | undefined;
  readonly autoAnswer: boolean;
  readonly noFollow: boolean;
  readonly logQueueOutbound: boolean;
}

export interface DialResult {
  readonly id: string;
  readonly source: string;
  readonly destination: string;
  /** The node that places the call. */
  readonly node: string;
}

const NUMBER = /^\+?[0-9*#]{1,32}$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_VARIABLES = 50;
/** Originate ids remembered to find a finished call's CDRs by linkedid instead of scanning. */
const MAX_REMEMBERED = 10_000;
/** Without a remembered originate, INFO call scans the CDRs of this many days for the originate id. */
const SCAN_DAYS = 2;

interface Originated {
  readonly tenantId: number;
  readonly at: Date;
  readonly linkedIds: Set<string>;
}

export class CallService {
  private readonly originated = new Map<string, Originated>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly registry: ChannelRegistry,
    private readonly peers: PeerService,
    readonly nodeName: string,
    private originator: CallOriginator | undefined = undefined,
  ) {
    // Legs carry the originate id while they live; remembering their linkedid finds the CDRs after the call.
    registry.subscribe((channel, change) => {
      if (change !== 'removed' && channel.originateId !== '') this.remember(channel.originateId, channel.tenantId).linkedIds.add(channel.linkedId);
    });
  }

  /** The B2BUA of this node once SIP runs; undefined when it stops (API-only runtimes have none). */
  attach(originator: CallOriginator | undefined): void {
    this.originator = originator;
  }

  /** Channels of one tenant or (null) of all, optionally of one node, in creation order. */
  async channels(tenantId: number | null, node?: string): Promise<ChannelView[]> {
    const channels = this.registry.list(tenantId ?? undefined).filter((c) => node === undefined || c.node === node);
    return this.views(channels);
  }

  /** One channel by name; another tenant's reads as not found. */
  async channel(tenantId: number | null, name: string): Promise<ChannelView> {
    const [view] = await this.views([this.find(tenantId, name)]);
    if (!view) throw new PbxError('not_found', `Channel ${name} not found`);
    return view;
  }

  /** Channels per node; this node is always present (when no node filter excludes it). */
  countByNode(tenantId: number | null, node?: string): Record<string, number> {
    const counts: Record<string, number> = node === undefined || node === this.nodeName ? { [this.nodeName]: 0 } : {};
    for (const c of this.registry.list(tenantId ?? undefined)) if (node === undefined || c.node === node) counts[c.node] = (counts[c.node] ?? 0) + 1;
    return counts;
  }

  /** The channels of one extension of the tenant (by number or SIP account), oldest first. */
  async currentCalls(tenantId: number, phone: string): Promise<ChannelView[]> {
    const extension = await this.extension(tenantId, phone);
    const account = String(extension.ex_username ?? '');
    const number = String(extension.ex_number);
    return this.views(this.registry.list(tenantId).filter((c) => c.extension === number || (account !== '' && c.account === account)));
  }

  /** INFO extstate: unregistered, idle, or the extension's oldest channel (answered ones first). */
  async extensionState(tenantId: number, number: string): Promise<ExtensionState> {
    const { extension, bindings } = await this.peers.registrationOf(tenantId, number);
    const channels = this.registry.list(tenantId).filter((c) => c.extension === String(extension.ex_number));
    const channel = channels.find((c) => c.state === 'Up') ?? channels[0];
    if (channel) return { kind: 'busy', channel };
    return bindings.length === 0 ? { kind: 'unregistered' } : { kind: 'idle' };
  }

  /** INFO call: by originate id, uniqueid or linkedid; the live channels, else the CDRs, else not found. */
  async call(tenantId: number | null, id: string): Promise<CallRecord> {
    const live = this.registry.list(tenantId ?? undefined).filter((c) => c.originateId === id || c.uniqueId === id || c.linkedId === id);
    const linked = new Set(live.map((c) => c.linkedId));
    if (live.length > 0) return { kind: 'live', channels: await this.views(this.registry.list(tenantId ?? undefined).filter((c) => linked.has(c.linkedId))) };
    const cdrs = await this.cdrsOf(tenantId, id);
    if (cdrs.length > 0) return { kind: 'ended', cdrs };
    throw new PbxError('not_found', `Call ${id} not found`);
  }

  /** Ends the calls of the selected channels; returns how many channels were selected. */
  hangup(tenantId: number | null, selector: ChannelSelector): number {
    const chosen = this.select(tenantId, selector);
    const ended = new Set<string>();
    for (const channel of chosen) {
      // hangup() ends the whole call: once per call is enough.
      if (ended.has(channel.linkedId)) continue;
      ended.add(channel.linkedId);
      this.registry.control(channel.name)?.hangup('Hangup requested through the API');
    }
    return chosen.length;
  }

  /** Blind transfer of a channel (and of an extra channel) to a number of the tenant's dialplan. */
  async blindTransfer(tenantId: number | null, name: string, destination: string, extraName?: string): Promise<number> {
    const dest = number('dest', destination);
    const channel = this.find(tenantId, name);
    if (!channel) throw new PbxError('not_found', `Channel ${name} not found`);
    const extra = extraName === undefined ? undefined : this.find(tenantId, extraName);
    if (extraName !== undefined && (!extra || extra.tenantId !== channel.tenantId)) throw new PbxError('not_found', `Channel ${extraName} not found`);
    let transferred = 0;
    for (const leg of extra ? [channel, extra] : [channel]) {
      const control = this.registry.control(leg.name);
      // The first transfer may release the extra channel (when it was the bridged peer): nothing left to move.
      if (!control || (transferred > 0 && !this.registry.get(leg.name))) continue;
      const error = await control.blindTransfer(dest);
      if (error !== undefined) throw new PbxError('conflict', `Transfer of ${leg.name} to ${dest} failed: ${error}`);
      transferred++;
    }
    return transferred;
  }

  /** Attended transfer: the party on `name` consults `destination`, then hands its peer over by hanging up. */
  async attendedTransfer(tenantId: number | null, name: string, destination: string): Promise<void> {
    const dest = number('dest', destination);
    const channel = this.find(tenantId, name);
    if (!channel) throw new PbxError('not_found', `Channel ${name} not found`);
    const control = this.registry.control(channel.name);
    const error = control?.attendedTransfer === undefined ? 'the party on this channel cannot make an attended transfer: give the called party\'s channel' : await control.attendedTransfer(dest);
    if (error !== undefined) throw new PbxError('conflict', `Attended transfer of ${channel.name} to ${dest} failed: ${error}`);
  }

  /** DIAL: rings the source, then connects it to the destination. Answers the originate id once queued. */
  async originate(tenantId: number, tenantCode: string, order: DialOrder): Promise<DialResult> {
    const { source, account } = await this.dialParties(tenantId, order);
    const destination = number('dest', order.destination);
    const variables: Record<string, string> = {};
    const names: string[] = [];
    if (order.variables.length > MAX_VARIABLES) throw new PbxError('invalid_parameter', `Invalid var: at most ${MAX_VARIABLES} variables`);
    for (const [name, value] of order.variables) {
      if (!VARIABLE_NAME.test(name)) throw new PbxError('invalid_parameter', `Invalid var '${name.slice(0, 40)}': a name is a letter or _ then letters, digits or _ (at most 64)`);
      if (value.length > 255 || /[\u0000-\u001f]/.test(value)) throw new PbxError('invalid_parameter', `Invalid var ${name}: at most 255 characters, no control characters`);
      // MiRTA exposes each variable prefixed with the tenant code, so one tenant cannot set another's (§2.16).
      variables[`${tenantCode}-${name}`] = value;
      names.push(`${tenantCode}-${name}`);
    }
    if (names.length > 0) variables.VARLIST = names.join(',');
    // The options MiRTA's dialplan reads, under its variable names, for the B2BUA and the CDR.
    variables.SETPEERNAME = account;
    if (order.maxDurationSeconds !== undefined) variables.SETTIMEOUT = String(order.maxDurationSeconds);
    // As MiRTA's dialplan sees them (the text as sent); the call gets the name and number Asterisk would read in it.
    const sourceClid = order.sourceCallerId === undefined ? undefined : parseDialCallerId('sourceclid', order.sourceCallerId);
    const destClid = order.destinationCallerId === undefined ? undefined : parseDialCallerId('destclid', order.destinationCallerId);
    if (order.sourceCallerId !== undefined) variables.SETSOURCECLID = order.sourceCallerId;
    if (order.destinationCallerId !== undefined) variables.SETDESTCLID = order.destinationCallerId;
    if (order.recording !== undefined) variables.SETRECORDING = order.recording;
    if (order.autoAnswer) variables.AUTOANSWER = 'yes';
    if (order.noFollow) variables.SETNOFOLLOWEXTENSION = 'yes';
    // Queues are not built, so there is no queue log to write the outbound call in: refused rather than dropped.
    if (order.logQueueOutbound) throw new PbxError('not_implemented', 'Not implemented: logqueueoutbound=yes (queue logs: queues are not built yet); send no or leave it out');
    this.checkServer(order.server);
    const originator = this.originator;
    if (!originator) throw new PbxError('not_implemented', 'Calls are not available: the SIP side is not running on this node');
    const id = this.newOriginateId();
    const outcome = await originator.originate({
      tenantId,
      source,
      destination,
      ...(sourceClid === undefined ? {} : { sourceCallerId: sourceClid.name || sourceClid.number, ...(sourceClid.number === '' ? {} : { sourceCallerNumber: sourceClid.number }) }),
      ...(destClid === undefined ? {} : { destinationCallerName: destClid.name || destClid.number, ...(destClid.number === '' ? {} : { destinationCallerId: destClid.number }) }),
      dialTimeoutMs: order.dialTimeoutSeconds * 1000,
      ...(order.maxDurationSeconds === undefined ? {} : { maxDurationMs: order.maxDurationSeconds * 1000 }),
      autoAnswer: order.autoAnswer,
      variables,
      originateId: id,
    });
    if (!outcome.ok) throw new PbxError('conflict', `Error|${outcome.error.replace(/[|\r\n]+/g, ' ')}|`);
    this.remember(id, tenantId);
    return { id, source, destination, node: this.nodeName };
  }

  /**
   * DIAL server=: the node to place the call from. Callgrid runs one node (no cluster yet), so this node's own name is
   * accepted and any other is refused: a call silently placed elsewhere than asked would be worse.
   */
  private checkServer(server: string | undefined): void {
    if (server === undefined || server.toLowerCase() === this.nodeName.toLowerCase()) return;
    throw new PbxError('invalid_parameter', `Invalid server '${server}': this PBX runs one node, ${this.nodeName} (clusters are not built yet); give server=${this.nodeName} or leave it out`);
  }

  /** source=ACCOUNT takes the number of `account`; account=SOURCE (the default) the account of `source`. */
  private async dialParties(tenantId: number, order: DialOrder): Promise<{ source: string; account: string }> {
    const fromAccount = order.source.toUpperCase() === 'ACCOUNT';
    const accountOfSource = order.account === undefined || order.account.toUpperCase() === 'SOURCE';
    if (fromAccount && accountOfSource) throw new PbxError('invalid_parameter', 'Invalid source ACCOUNT: give account as a peer name such as 402-TENANT (account=SOURCE needs a source number)');
    if (fromAccount || !accountOfSource) {
      const name = order.account ?? '';
      const [row] = (await this.store.objects('extension').list(tenantId, { ex_username: name })).filter((r) => String(r.ex_username) === name);
      if (!row) throw new PbxError('not_found', `Account ${name} not found`);
      if (fromAccount) return { source: String(row.ex_number), account: name };
      const source = String((await this.extension(tenantId, number('source', order.source))).ex_number);
      // The call is placed from the source's own phones: another extension's account would be accepted and ignored.
      if (String(row.ex_number) !== source) throw new PbxError('invalid_parameter', `Invalid account ${name}: it is not extension ${source}'s (give account=SOURCE, or source=ACCOUNT to call from ${name})`);
      return { source, account: name };
    }
    const row = await this.extension(tenantId, number('source', order.source));
    return { source: String(row.ex_number), account: String(row.ex_username ?? '') };
  }

  /** An extension of the tenant by number or by SIP account name. */
  private async extension(tenantId: number, phone: string): Promise<ObjectRow> {
    const byAccount = phone.includes('-');
    const [row] = await this.store.objects('extension').list(tenantId, byAccount ? { ex_username: phone } : { ex_number: phone });
    if (!row) throw new PbxError('not_found', `Extension ${phone} not found`);
    return row;
  }

  private find(tenantId: number | null, name: string): LiveChannel | undefined {
    const channel = this.registry.get(name);
    return channel && (tenantId === null || channel.tenantId === tenantId) ? channel : undefined;
  }

  private select(tenantId: number | null, selector: ChannelSelector): LiveChannel[] {
    if ('channel' in selector) {
      const channel = this.find(tenantId, selector.channel);
      if (!channel) throw new PbxError('not_found', `Channel ${selector.channel} not found`);
      return [channel];
    }
    const all = this.registry.list(tenantId ?? undefined);
    if ('account' in selector) {
      const account = selector.account.toUpperCase();
      const chosen = all.filter((c) => c.account !== '' && c.account.toUpperCase() === account);
      if (chosen.length === 0) throw new PbxError('not_found', `No channel of ${selector.account}`);
      return chosen;
    }
    // Extension numbers repeat across tenants: a number means something only within one tenant.
    if (tenantId === null) throw new PbxError('missing_parameter', `No tenant specified: extension number ${selector.number} needs the tenant (or give the peer name, such as ${selector.number}-TENANT)`);
    const chosen = all.filter((c) => c.extension === selector.number);
    if (chosen.length === 0) throw new PbxError('not_found', `No channel of extension ${selector.number}`);
    return chosen;
  }

  private async views(channels: ReadonlyArray<LiveChannel | undefined>): Promise<ChannelView[]> {
    const codes = new Map<number, string>();
    const now = this.clock.now().getTime();
    const views: ChannelView[] = [];
    for (const channel of channels) {
      if (!channel) continue;
      if (!codes.has(channel.tenantId)) codes.set(channel.tenantId, (await this.store.tenants.get(channel.tenantId))?.te_code ?? '');
      const seconds = Math.max(0, Math.floor((now - channel.createdAt.getTime()) / 1000));
      const billSeconds = channel.answeredAt ? Math.max(0, Math.floor((now - channel.answeredAt.getTime()) / 1000)) : 0;
      views.push({ channel, tenantCode: codes.get(channel.tenantId) ?? '', seconds, billSeconds });
    }
    return views;
  }

  /** A finished call's CDRs: by uniqueid or linkedid, or by originate id (remembered linkedids, else a recent scan). */
  private async cdrsOf(tenantId: number | null, id: string): Promise<CdrRecord[]> {
    const scope = tenantId === null ? {} : { tenantIds: [tenantId] };
    const cdrs = this.store.cdrs;
    const byUnique = [...(await cdrs.list({ ...scope, uniqueids: [id] })), ...(await cdrs.list({ ...scope, linkedids: [id] }))];
    if (byUnique.length > 0) return [...new Map(byUnique.map((c) => [c.ID, c])).values()];
    const known = this.originated.get(id);
    if (known && (tenantId === null || known.tenantId === tenantId)) {
      if (known.linkedIds.size > 0) return (await cdrs.list({ tenantIds: [known.tenantId], linkedids: [...known.linkedIds] })).filter((c) => c.originateid === id);
      return (await cdrs.list({ tenantIds: [known.tenantId], from: formatDateTime(new Date(known.at.getTime() - 60_000)) })).filter((c) => c.originateid === id);
    }
    // The store has no originateid filter: scan a bounded recent window (a restart forgot the linkedids).
    const from = formatDateTime(new Date(this.clock.now().getTime() - SCAN_DAYS * 86_400_000));
    return (await cdrs.list({ ...scope, from })).filter((c) => c.originateid === id);
  }

  private remember(id: string, tenantId: number): Originated {
    let entry = this.originated.get(id);
    if (!entry) {
      entry = { tenantId, at: this.clock.now(), linkedIds: new Set() };
      this.originated.set(id, entry);
      // Oldest first out: a Map iterates in insertion order.
      for (const old of this.originated.keys()) {
        if (this.originated.size <= MAX_REMEMBERED) break;
        this.originated.delete(old);
      }
    }
    return entry;
  }

  /** MiRTA-like originate id: 8 hex digits of epoch seconds then 6 random ones (`15a4cfe6429054`). */
  private newOriginateId(): string {
    for (;;) {
      const seconds = Math.floor(this.clock.now().getTime() / 1000).toString(16).padStart(8, '0').slice(-8);
      const id = seconds + randomBytes(3).toString('hex');
      if (!this.originated.has(id)) return id;
    }
  }
}

/** A dialable number: digits, `*` and `#`, an optional leading `+`. */
function number(parameter: string, value: string): string {
  const text = value.trim();
  if (!NUMBER.test(text)) throw new PbxError('invalid_parameter', `Invalid ${parameter} '${text.slice(0, 40)}': expected a phone number (digits, * or #, optional leading +, at most 32)`);
  return text;
}

