// INFO extstate (an extension's live call, spec §2.12 and the OpenAPI /extensions/state) and INFO call
// (a call by DIAL's originate id or a uniqueid: live channels, else its CDRs).
import type { CdrRecord } from '../../../../domain/index.ts';
import type { ChannelView } from '../../../../services/index.ts';
import { PbxError, formatDateTime } from '../../../../shared/index.ts';
import { plainTable } from '../../format.ts';
import { tenantOf } from '../../handler.ts';
import { channelApplication } from '../calls/index.ts';
import type { InfoType } from './info-type.ts';

const EXTSTATE_KEYS = ['UniqueID', 'LinkedID', 'Connected Line ID', 'Connected Line ID Name', 'Context', 'Extension', 'Direction', 'OtherParty'] as const;
type ExtState = Record<(typeof EXTSTATE_KEYS)[number], string>;

const EMPTY: ExtState = { UniqueID: '', LinkedID: '', 'Connected Line ID': '', 'Connected Line ID Name': '', Context: '', Extension: '', Direction: '', OtherParty: '' };

export const infoExtstate: InfoType = {
  syntax:
    'live state of one extension: ext (or number)\n  json: {"UniqueID","LinkedID","Connected Line ID","Connected Line ID Name","Context","Extension","Direction","OtherParty"};' +
    ' not registered: UniqueID KO, LinkedID "Extension not registered"; registered and idle: every value empty\n  plain: the 8 names as a header line, then the values',
  tenant: 'required',
  async handle(ctx) {
    const ext = ctx.params.get('ext')?.trim() || ctx.params.get('number')?.trim();
    if (!ext) throw new PbxError('missing_parameter', 'No ext specified');
    const state = await ctx.services.calls.extensionState(tenantOf(ctx).te_id, ext);
    let row: ExtState = EMPTY;
    if (state.kind === 'unregistered') row = { ...EMPTY, UniqueID: 'KO', LinkedID: 'Extension not registered' };
    if (state.kind === 'busy') {
      const c = state.channel;
      row = {
        UniqueID: c.uniqueId, LinkedID: c.linkedId, 'Connected Line ID': c.connectedNum, 'Connected Line ID Name': c.connectedName,
        Context: c.context, Extension: c.exten, Direction: c.direction, OtherParty: c.connectedNum || c.exten,
      };
    }
    return { kind: 'value', plain: plainTable(EXTSTATE_KEYS, [row], true), json: row };
  },
};

export const CALL_COLUMNS = ['Status', 'OriginateID', 'UniqueID', 'LinkedID', 'Channel', 'Source', 'Destination', 'State', 'Start', 'Answer', 'End', 'Duration', 'Billsec', 'Disposition', 'Application', 'Data'] as const;
type CallRow = Record<(typeof CALL_COLUMNS)[number], string>;

function liveRow(v: ChannelView): CallRow {
  const c = v.channel;
  const [app, data] = channelApplication(v);
  return {
    Status: 'ACTIVE', OriginateID: c.originateId, UniqueID: c.uniqueId, LinkedID: c.linkedId, Channel: c.name, Source: c.callerIdNum, Destination: c.exten,
    State: c.state, Start: formatDateTime(c.createdAt), Answer: c.answeredAt ? formatDateTime(c.answeredAt) : '', End: '',
    Duration: String(v.seconds), Billsec: String(v.billSeconds), Disposition: '', Application: app, Data: data,
  };
}

function cdrRow(c: CdrRecord): CallRow {
  return {
    Status: 'ENDED', OriginateID: c.originateid, UniqueID: c.uniqueid, LinkedID: c.linkedid, Channel: c.dstchannel, Source: c.src, Destination: c.dst,
    State: 'Down', Start: c.start, Answer: c.answer ?? '', End: c.end ?? '', Duration: String(c.duration), Billsec: String(c.billsec), Disposition: c.disposition,
    // An ended call shows the application its leg ended in (CDR lastapp); Asterisk's CDR keeps no Data we could show.
    Application: c.lastapp, Data: '',
  };
}

export const infoCall: InfoType = {
  syntax:
    'a call: id (DIAL originate id, uniqueid or linkedid); its live channels (Status ACTIVE), else its CDRs (Status ENDED)\n  columns: ' +
    CALL_COLUMNS.join('|') +
    '; tenant optional with the admin key',
  tenant: 'optional',
  formats: ['plain', 'json', 'csv'],
  async handle(ctx) {
    const id = ctx.params.get('id')?.trim();
    if (!id) throw new PbxError('missing_parameter', 'No id specified');
    const call = await ctx.services.calls.call(ctx.caller.tenant?.te_id ?? null, id);
    const rows = call.kind === 'live' ? call.channels.map(liveRow) : call.cdrs.map(cdrRow);
    return { kind: 'table', columns: CALL_COLUMNS, rows, header: true, formats: ['plain', 'json', 'csv'] };
  },
};
