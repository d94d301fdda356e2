// CHANNEL (spec §2.9): the details of one channel, field by field as AMI's Status answers them.
import type { ChannelView } from '../../../../services/index.ts';
import { plainTable } from '../../format.ts';
import type { ReqtypeHandler } from '../../handler.ts';
import { channelApplication, scope } from './channel-table.ts';

/** AMI Status field names; ChannelState is Asterisk's numeric state. */
const STATE_CODES = { Down: 0, Ring: 4, Ringing: 5, Up: 6 } as const;

function channelFields(v: ChannelView): Array<[string, string]> {
  const c = v.channel;
  const [app = '', data = ''] = channelApplication(v);
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
