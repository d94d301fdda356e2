// INFO: read-only information, dispatched on `info=` through a typed table.
import { PbxError } from '../../../../shared/index.ts';
import { PLAIN_AND_JSON, type ReqtypeHandler } from '../../handler.ts';
import type { Params } from '../../params.ts';
import { infoCdrs, infoSimpleCdrs } from './info-cdrs.ts';
import { infoBalance, infoConfig } from './info-tenant.ts';
import { laterInfo, type InfoType } from './info-type.ts';
import { infoExtensions, infoRegstate } from './info-extensions.ts';
import { infoDids } from './info-dids.ts';
import { infoCall, infoExtstate } from './info-calls.ts';
import { infoFlow, infoPincodes, infoQueues, infoVariable } from './info-lists.ts';
import { infoPlayRecording, infoRecording, infoRecordingAudio, infoRecordings } from './info-recordings.ts';
import { infoIvrLogs } from './info-ivrlogs.ts';
import { infoSms } from './info-sms.ts';

export const INFO_TYPES = {
  queues: infoQueues,
  queue: laterInfo('queue', 'statistics of one queue: id'),
  queuecallers: laterInfo('queuecallers', 'callers waiting in a queue: id'),
  agents: laterInfo('agents', 'agents of all or one queue: queue'),
  agentsconnected: laterInfo('agentsconnected', 'connected agents: queue'),
  agentsdelay: laterInfo('agentsdelay', "agents' answer delay: queue"),
  outdialed: laterInfo('outdialed', 'calls dialled out by extensions'),
  simpledialed: laterInfo('simpledialed', 'calls in and out by extension from the simple call history'),
  call: infoCall,
  fax: laterInfo('fax', 'a fax sent through the API: id'),
  inforecording: infoRecording,
  recording: infoRecordingAudio,
  recordings: infoRecordings,
  transcript: laterInfo('transcript', 'transcript of a recording: id'),
  playrecording: infoPlayRecording,
  voicemail: laterInfo('voicemail', 'voicemail message audio: id'),
  voicemailtranscript: laterInfo('voicemailtranscript', 'transcript of a voicemail message: id'),
  dids: infoDids,
  pincodes: infoPincodes,
  sms: infoSms,
  extensions: infoExtensions,
  extstate: infoExtstate,
  regstate: infoRegstate,
  config: infoConfig,
  cdrs: infoCdrs,
  simplecdrs: infoSimpleCdrs,
  queuelogs: laterInfo('queuelogs', 'calls processed by queues: queue, start, end, format=csv', 'required', ['plain', 'json', 'csv']),
  ivrlogs: infoIvrLogs,
  balance: infoBalance,
  flow: infoFlow,
  variable: infoVariable,
} satisfies Record<string, InfoType>;

type InfoName = keyof typeof INFO_TYPES;

function infoType(params: Params): InfoType {
  const name = params.requireWord('info');
  if (!Object.hasOwn(INFO_TYPES, name)) {
    throw new PbxError('unknown_info', `Unknown info type ${name}: expected one of ${Object.keys(INFO_TYPES).join(', ')}`);
  }
  return INFO_TYPES[name as InfoName];
}

export const info: ReqtypeHandler = {
  syntax:
    'Read-only information.\n  tenant, info=<type>, and per type:\n' +
    Object.entries(INFO_TYPES)
      .map(([name, type]) => `    ${name}: ${type.syntax}`)
      .join('\n'),
  tenant: (p) => infoType(p).tenant,
  adminOnly: false,
  formats: (p) => infoType(p).formats ?? PLAIN_AND_JSON,
  writes: false,
  handle: (ctx) => infoType(ctx.params).handle(ctx),
};
