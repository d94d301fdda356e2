// Reqtypes whose capability lands in a later issue. They authenticate and check
// access like any other, then answer `Not implemented: <REQTYPE>`.
import type { Need, ReqtypeHandler } from '../handler.ts';
import { notImplemented } from '../handler.ts';
import type { Params } from '../params.ts';
import type { Reqtype } from '../reqtypes.ts';
import type { Format } from '../reply.ts';

/** Writes when `action` (or another discriminator) is not one of the read-only values. */
const writesUnless = (parameter: string, ...reads: string[]) => (p: Params) => !reads.includes(p.word(parameter) ?? '');

function later(name: string, syntax: string, tenant: Need<'required' | 'optional'>, writes: Need<boolean>, adminOnly: Need<boolean> = false, formats?: readonly Format[]): ReqtypeHandler {
  return { syntax, tenant, writes, adminOnly, ...(formats ? { formats } : {}), handle: async () => notImplemented(name) };
}

type LaterReqtype = Exclude<Reqtype, 'BLFS' | 'HELP' | 'INFO' | 'MANAGEDB' | 'SETTING' | 'BALANCE' | 'LICENSEDAYS' | 'COUNTCALLS' | 'CHECKAUTH' | 'AUTHTOKEN' | 'COUNTPEERS' | 'CHANSIPPEERS' | 'REBOOT' | 'UNREGISTER' | 'DND' | 'PHONEBOOKS' | 'PHONEBOOK' | 'USERGROUP' | 'VIRTUALEXT' | 'CDR' | 'MEDIAFILE' | 'FLOWS' | 'SETFLOW' | 'COUNTCHANNELS' | 'CHANNEL' | 'CHANNELS' | 'GETCURRENTCALLS' | 'DIAL' | 'HANGUP' | 'TRANSFER' | 'ATXTRANSFER' | 'SMS'>;

export const laterHandlers = {
  AGENT: later(
    'AGENT',
    'Queue agent status.\n  tenant, extension (104-TENANT or 104), queue (id, ALL) or queuenumber,\n  action=pause|unpause|listqueues|add|del, pausereason, refresh=no',
    'required',
    writesUnless('action', 'listqueues'),
  ),
  CAMPAIGN: later(
    'CAMPAIGN',
    'Call campaign control and numbers.\n  campaign (id), tenant, action=start|stop|pause|resume|addnumber|delnumber|listnumbers|cleannumbers,\n  number, numberdescription',
    'required',
    writesUnless('action', 'listnumbers'),
  ),
  FAX: later(
    'FAX',
    'Send, list and download faxes.\n  tenant, action=send|list|download\n  send: source_number, dest_number (or number), quality=204x98|204x196|204x392, pagesize=a4|letter|legal,\n        rotate=|E|W|no, deleteaftersend=on, schedule, statusemail, filename (multipart PDF)\n  download: id',
    'required',
    writesUnless('action', 'list', 'download'),
  ),
  QUEUE: later(
    'QUEUE',
    'Queue members and custom queue_log entries.\n  tenant, number (or NONE) or id, extension (number, username or NONE),\n  action=list|fulllist|add|del|clean|log, order, type=NF|AD|NFR|ADR|EA|EANM|EAC|EANMC|CU|CUNM|CC|CUFF,\n  paused=0|1, penalty, uniqid, event, data1..data5',
    'required',
    writesUnless('action', 'list', 'fulllist'),
  ),
  QUEUERESET: later('QUEUERESET', 'Reset the statistics of a queue.\n  tenant (optional), queueid', 'optional', true),
  RESPONSEPATH: later(
    'RESPONSEPATH',
    'Results collected by a Response Path.\n  tenant, id, rrid, filter=queue|answer|uniqueid, filterdata, action=list|getid|getlast, format=xml',
    'required',
    false,
    false,
    ['plain', 'json', 'xml'],
  ),
  VOICEMAIL: later(
    'VOICEMAIL',
    'Voicemail boxes and messages.\n  tenant, mailbox, msgid, action=list|messages|message|delete|markread|markunread',
    'required',
    writesUnless('action', 'list', 'messages', 'message'),
  ),
  GETWEBRTCAUTH: later('GETWEBRTCAUTH', 'WebRTC connection details of an extension user.\n  username, password', 'optional', false),
} satisfies Record<LaterReqtype, ReqtypeHandler>;
