// The dispatch table: every reqtype of the spec maps to its handler. Typed as
// Record<Reqtype, ...>, so a missing or unknown reqtype is a compile error.
import type { ReqtypeHandler } from './handler.ts';
import { REQTYPES, type Reqtype } from './reqtypes.ts';
import { authToken } from './handlers/authtoken.ts';
import { balance } from './handlers/balance.ts';
import { checkAuth } from './handlers/checkauth.ts';
import { helpHandler } from './handlers/help.ts';
import { info } from './handlers/info/index.ts';
import { laterHandlers } from './handlers/later.ts';
import { manageDb } from './handlers/managedb/index.ts';
import { mediaFile } from './handlers/mediafile.ts';
import { chanSipPeers, countPeers, reboot, unregister } from './handlers/peers.ts';
import { dnd } from './handlers/dnd.ts';
import { flows, setFlow } from './handlers/flows.ts';
import { cdr } from './handlers/cdr.ts';
import { blfs } from './handlers/blfs.ts';
import { phonebook, phonebooks } from './handlers/phonebook.ts';
import { userGroup } from './handlers/usergroup.ts';
import { virtualExt } from './handlers/virtualext.ts';
import { setting } from './handlers/setting.ts';
import { countCalls, licenseDays } from './handlers/system.ts';
import { sms } from './handlers/sms.ts';
import { attendedTransfer, channel, channels, countChannels, dial, getCurrentCalls, hangup, transfer } from './handlers/calls/index.ts';

export const HANDLERS: Readonly<Record<Reqtype, ReqtypeHandler>> = {
  ...laterHandlers,
  INFO: info,
  MANAGEDB: manageDb,
  MEDIAFILE: mediaFile,
  SETTING: setting,
  BALANCE: balance,
  LICENSEDAYS: licenseDays,
  COUNTCALLS: countCalls,
  COUNTPEERS: countPeers,
  COUNTCHANNELS: countChannels,
  CHANNELS: channels,
  CHANNEL: channel,
  GETCURRENTCALLS: getCurrentCalls,
  DIAL: dial,
  HANGUP: hangup,
  TRANSFER: transfer,
  ATXTRANSFER: attendedTransfer,
  CHANSIPPEERS: chanSipPeers,
  UNREGISTER: unregister,
  REBOOT: reboot,
  DND: dnd,
  BLFS: blfs,
  FLOWS: flows,
  SETFLOW: setFlow,
  PHONEBOOKS: phonebooks,
  PHONEBOOK: phonebook,
  USERGROUP: userGroup,
  VIRTUALEXT: virtualExt,
  CDR: cdr,
  CHECKAUTH: checkAuth,
  AUTHTOKEN: authToken,
  SMS: sms,
  HELP: helpHandler(() => REQTYPES.map((name) => [name, HANDLERS[name].syntax] as const)),
};
