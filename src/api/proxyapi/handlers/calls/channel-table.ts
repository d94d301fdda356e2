// What the live-call reqtypes share: channels read like Asterisk's `core show channels concise`, with the node first,
// the tenant scope of the request and the `nodename` filter.
import type { ChannelView } from '../../../../services/index.ts';
import type { RequestContext } from '../../handler.ts';
import type { Format } from '../../reply.ts';

/** The tenant the request is limited to; null for the admin key without a tenant (every tenant). */
export const scope = (ctx: RequestContext): number | null => ctx.caller.tenant?.te_id ?? null;

export const TABLE_FORMATS: readonly Format[] = ['plain', 'json', 'csv'];

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

export function channelRow(v: ChannelView): Record<(typeof CHANNEL_COLUMNS)[number], string> {
  const c = v.channel;
  const [app = '', data = ''] = channelApplication(v);
  return {
    node: c.node, Channel: c.name, Context: c.context, Extension: c.exten, Priority: '1', State: c.state, Application: app, Data: data,
    CallerID: c.callerIdNum, CallerIDName: c.callerIdName, ConnectedLineID: c.connectedNum, ConnectedLineName: c.connectedName,
    AccountCode: v.tenantCode, Account: c.account, Direction: c.direction, Duration: String(v.seconds), BridgedChannel: c.bridgedTo ?? '',
    UniqueID: c.uniqueId, LinkedID: c.linkedId,
  };
}

export const channelTable = (views: ChannelView[]) => ({ kind: 'table' as const, columns: CHANNEL_COLUMNS, rows: views.map(channelRow), header: true, formats: TABLE_FORMATS });

/** `nodename`: only the channels of that node. */
export const nodeOf = (ctx: RequestContext): string | undefined => ctx.params.get('nodename')?.trim() || undefined;
