// Live calls: COUNTCHANNELS, CHANNELS, CHANNEL, GETCURRENTCALLS, HANGUP, TRANSFER and DIAL (spec §2.2, 2.7-2.9,
// 2.16, 2.18, 2.26). Channels read like Asterisk's `core show channels concise`, with the node first.
import type { ChannelSelector, ChannelView, DialOrder } from '../../../services/index.ts';
import { PbxError } from '../../../shared/index.ts';
import { plainTable } from '../format.ts';
import type { RequestContext, ReqtypeHandler } from '../handler.ts';
import { tenantOf } from '../handler.ts';
import type { Params } from '../params.ts';
import type { Format } from '../reply.ts';

const scope = (ctx: RequestContext) => ctx.caller.tenant?.te_id ?? null;
const TABLE_FORMATS: readonly Format[] = ['plain', 'json', 'csv'];

export const CHANNEL_COLUMNS = [
  'node', 'Channel', 'Context', 'Extension', 'Priority', 'State', 'Application', 'Data', 'CallerID', 'CallerIDName',
  'ConnectedLineID', 'ConnectedLineName', 'AccountCode', 'Account', 'Direction', 'Duration', 'BridgedChannel', 'UniqueID', 'LinkedID',
] as const;

/**
 * What the channel runs now (Asterisk's Application and Data): the step in progress says (Dial with the parties it
 * rings, Playback with the file, IVR...); before any step, Asterisk's own view: the calling leg runs Dial and each leg
 * it placed AppDial.
 */
export function channelApplication(v: ChannelView): [string, string] {
  const c = v.channel;
  if (c.application !== undefined) return [c.application, c.appData ?? ''];
  return c.direction === 'IN' ? ['Dial', c.exten] : ['AppDial', '(Outgoing Line)'];
}
const application = channelApplication;

export function channelRow(v: ChannelView): Record<(typeof CHANNEL_COLUMNS)[number], string> {
  const c = v.channel;
  const [app = '', data = ''] = application(v);
  return {
    node: c.node, Channel: c.name, Context: c.context, Extension: c.exten, Priority: '1', State: c.state, Application: app, Data: data,
    CallerID: c.callerIdNum, CallerIDName: c.callerIdName, ConnectedLineID: c.connectedNum, ConnectedLineName: c.connectedName,
    AccountCode: v.tenantCode, Account: c.account, Direction: c.direction, Duration: String(v.seconds), BridgedChannel: c.bridgedTo ?? '',
    UniqueID: c.uniqueId, LinkedID: c.linkedId,
  };
}

const channelTable = (views: ChannelView[]) => ({ kind: 'table' as const, columns: CHANNEL_COLUMNS, rows: views.map(channelRow), header: true, formats: TABLE_FORMATS });

/** `nodename`: only the channels of that node. */
const nodeOf = (ctx: RequestContext) => ctx.params.get('nodename')?.trim() || undefined;

export const countChannels: ReqtypeHandler = {
  syntax: 'Active channels per node.\n  nodename (optional: that node only), tenant (optional with the admin key: all tenants)\n  plain: node:count|node:count|  json: {"node":count}',
  tenant: 'optional',
  adminOnly: false,
  writes: false,
  async handle(ctx) {
    const counts = ctx.services.calls.countByNode(scope(ctx), nodeOf(ctx));
    return { kind: 'value', plain: Object.entries(counts).map(([node, n]) => `${node}:${n}|`).join(''), json: counts };
  },
};

export const channels: ReqtypeHandler = {
  syntax: 'Active channels.\n  nodename (optional), tenant (optional with the admin key: all tenants)\n  columns: ' + CHANNEL_COLUMNS.join('|'),
  tenant: 'optional',
  adminOnly: false,
  writes: false,
  formats: TABLE_FORMATS,
  async handle(ctx) {
    return channelTable(await ctx.services.calls.channels(scope(ctx), nodeOf(ctx)));
  },
};

/** AMI Status field names; ChannelState is Asterisk's numeric state. */
const STATE_CODES = { Down: 0, Ring: 4, Ringing: 5, Up: 6 } as const;

function channelFields(v: ChannelView): Array<[string, string]> {
  const c = v.channel;
  const [app = '', data = ''] = application(v);
  return [
    ['Channel', c.name], ['ChannelState', String(STATE_CODES[c.state])], ['ChannelStateDesc', c.state],
    ['CallerIDNum', c.callerIdNum], ['CallerIDName', c.callerIdName], ['ConnectedLineNum', c.connectedNum], ['ConnectedLineName', c.connectedName],
    ['AccountCode', v.tenantCode], ['Context', c.context], ['Exten', c.exten], ['Priority', '1'], ['Uniqueid', c.uniqueId], ['Linkedid', c.linkedId],
    ['Application', app], ['Data', data], ['BridgedChannel', c.bridgedTo ?? ''], ['Seconds', String(v.seconds)], ['BillableSeconds', String(v.billSeconds)],
    ['Direction', c.direction], ['Account', c.account], ['Extension', c.extension], ['Node', c.node], ['SIPCallID', c.sipCallId], ['OriginateID', c.originateId],
  ];
}

export const channel: ReqtypeHandler = {
  syntax: 'Details of one channel.\n  channel (name, such as PJSIP/100-ACME-00000001), tenant (optional with the admin key)\n  plain: one Field|value| line per field; json: [[field,value],...]',
  tenant: 'optional',
  adminOnly: false,
  writes: false,
  async handle(ctx) {
    const fields = channelFields(await ctx.services.calls.channel(scope(ctx), ctx.params.require('channel').trim()));
    return { kind: 'value', plain: plainTable(['field', 'value'], fields.map(([field, value]) => ({ field, value })), false), json: fields };
  },
};

export const getCurrentCalls: ReqtypeHandler = {
  syntax: 'Calls running now for an extension.\n  phone (number, or peer name 103-TENANT), tenant, multiple=yes (every channel, not only the oldest)\n  columns: as CHANNELS',
  tenant: 'required',
  adminOnly: false,
  writes: false,
  formats: TABLE_FORMATS,
  async handle(ctx) {
    const views = await ctx.services.calls.currentCalls(tenantOf(ctx).te_id, ctx.params.require('phone').trim());
    return channelTable(yes(ctx.params, 'multiple') ? views : views.slice(0, 1));
  },
};

function selector(params: Params): ChannelSelector {
  const value = (name: string) => params.get(name)?.trim() || undefined;
  const channelName = value('channel');
  if (channelName) return { channel: channelName };
  const extension = value('extension');
  // The peer name (103-ACME); a bare number in `extension` (as some clients send) is the extension number.
  if (extension) return extension.includes('-') ? { account: extension } : { number: extension };
  const number = value('number') ?? value('source');
  if (number) return { number };
  throw new PbxError('missing_parameter', 'No channel specified: give channel, extension (103-TENANT), number (103) or source');
}

export const hangup: ReqtypeHandler = {
  syntax: 'Hang up calls.\n  tenant (optional with the admin key), channel | extension (103-TENANT) | number (103) | source (103), fast=yes (accepted, no effect)\n  answers OK|<n> channels hung up',
  tenant: 'optional',
  adminOnly: false,
  writes: true,
  async handle(ctx) {
    const count = ctx.services.calls.hangup(scope(ctx), selector(ctx.params));
    return { kind: 'value', plain: `OK|${count} channels hung up`, json: { result: 'OK', hungup: count } };
  },
};

export const transfer: ReqtypeHandler = {
  syntax: 'Blind transfer.\n  tenant (optional with the admin key), channel, dest (number), extrachannel (optional: moved to dest too)\n  answers OK|<n> channels transferred',
  tenant: 'optional',
  adminOnly: false,
  writes: true,
  async handle(ctx) {
    const name = ctx.params.require('channel').trim();
    const dest = ctx.params.require('dest');
    const extra = ctx.params.get('extrachannel')?.trim() || undefined;
    const count = await ctx.services.calls.blindTransfer(scope(ctx), name, dest, extra);
    return { kind: 'value', plain: `OK|${count} channels transferred`, json: { result: 'OK', transferred: count } };
  },
};

export const attendedTransfer: ReqtypeHandler = {
  syntax:
    'Attended transfer by the party on a channel: it talks to dest first while its peer waits; when it hangs up,\n  its peer is connected to dest.\n  tenant (optional with the admin key), channel (the called party, e.g. the agent), dest (number)\n  answers OK|Transfer started',
  tenant: 'optional',
  adminOnly: false,
  writes: true,
  async handle(ctx) {
    const name = ctx.params.require('channel').trim();
    const dest = ctx.params.require('dest');
    await ctx.services.calls.attendedTransfer(scope(ctx), name, dest);
    return { kind: 'value', plain: 'OK|Transfer started', json: { result: 'OK', message: 'Transfer started' } };
  },
};

/** yes/on/1 or no/off/0/empty; anything else is refused rather than guessed. */
function yes(params: Params, name: string): boolean {
  const value = params.word(name);
  if (value === undefined || ['no', 'off', '0', 'false'].includes(value)) return false;
  if (['yes', 'on', '1', 'true'].includes(value)) return true;
  throw new PbxError('invalid_parameter', `Invalid ${name} '${params.get(name)}': expected yes or no`);
}

function seconds(params: Params, name: string, max: number): number | undefined {
  const text = params.get(name)?.trim();
  if (!text) return undefined;
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1 || Number(text) > max) throw new PbxError('invalid_parameter', `Invalid ${name} '${text.slice(0, 40)}': expected whole seconds from 1 to ${max}`);
  return Number(text);
}

const RECORDING = ['yes', 'no', 'yeschange', 'nochange'] as const;

/** `var=a=1,b=2` (the first `=` splits) and OpenAPI's `vars={"a":"1"}`. */
function variables(params: Params): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const item of (params.get('var') ?? '').split(',')) {
    if (item.trim() === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw new PbxError('invalid_parameter', `Invalid var '${item.slice(0, 40)}': expected name=value (several: a=1,b=2)`);
    out.push([item.slice(0, eq).trim(), item.slice(eq + 1)]);
  }
  if (params.get('vars')?.trim()) {
    const vars = params.requireJson('vars');
    if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) throw new PbxError('invalid_parameter', 'Invalid vars: expected a JSON object of name: value');
    for (const [name, value] of Object.entries(vars)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new PbxError('invalid_parameter', `Invalid vars ${name.slice(0, 40)}: expected a string or number`);
      out.push([name, String(value)]);
    }
  }
  return out;
}

export function dialOrder(params: Params): DialOrder {
  const text = (name: string) => params.get(name)?.trim() || undefined;
  const recording = params.word('recording');
  if (recording !== undefined && !(RECORDING as readonly string[]).includes(recording)) throw new PbxError('invalid_parameter', `Invalid recording '${params.get('recording')}': expected ${RECORDING.join(', ')}`);
  const server = text('server');
  if (server !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(server)) throw new PbxError('invalid_parameter', `Invalid server '${server.slice(0, 40)}': expected a node name`);
  const source = text('source') ?? text('exten') ?? text('?exten');
  if (!source) throw new PbxError('missing_parameter', 'No source specified');
  const destination = text('dest') ?? text('phone');
  if (!destination) throw new PbxError('missing_parameter', 'No dest specified');
  return {
    source,
    destination,
    account: text('account'),
    variables: variables(params),
    dialTimeoutSeconds: seconds(params, 'dialtimeout', 600) ?? 30,
    maxDurationSeconds: seconds(params, 'timeout', 86_400),
    sourceCallerId: text('sourceclid'),
    destinationCallerId: text('destclid'),
    recording: recording as DialOrder['recording'],
    server,
    autoAnswer: yes(params, 'autoanswer'),
    noFollow: yes(params, 'nofollow'),
    logQueueOutbound: yes(params, 'logqueueoutbound'),
  };
}

export const dial: ReqtypeHandler = {
  syntax:
    'Click-to-call: ring source, then connect it to dest.\n  tenant, source (or exten; ACCOUNT = number of account), dest (or phone), account (peer name; SOURCE = account of source, the default),\n' +
    '  var (name=value, several a=1,b=2), vars (JSON object), dialtimeout (seconds, default 30), timeout (longest call, seconds), sourceclid, destclid,\n' +
    '  recording=yes|no|yeschange|nochange, server, autoanswer=yes, nofollow=yes, logqueueoutbound=yes\n' +
    '  answers Success|Originate successfully queued|<id>|  json: {"Response","Message","ID","source","dest","server","node"}',
  tenant: 'required',
  adminOnly: false,
  writes: true,
  async handle(ctx) {
    const tenant = tenantOf(ctx);
    const result = await ctx.services.calls.originate(tenant.te_id, tenant.te_code, dialOrder(ctx.params));
    return {
      kind: 'value',
      plain: `Success|Originate successfully queued|${result.id}|`,
      json: { Response: 'Success', Message: 'Originate successfully queued', ID: result.id, source: result.source, dest: result.destination, server: result.node, node: result.node },
    };
  },
};
