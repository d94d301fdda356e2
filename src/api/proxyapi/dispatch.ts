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
import { setting } from './handlers/setting.ts';
import { countCalls, licenseDays } from './handlers/system.ts';

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
  CHANSIPPEERS: chanSipPeers,
  UNREGISTER: unregister,
  REBOOT: reboot,
  CHECKAUTH: checkAuth,
  AUTHTOKEN: authToken,
  HELP: helpHandler(() => REQTYPES.map((name) => [name, HANDLERS[name].syntax] as const)),
};
