// Every reqtype of MiRTA's proxyapi (spec §2: 39 plus HELP), and older names.

export const REQTYPES = [
  'COUNTPEERS', 'COUNTCHANNELS', 'CHANSIPPEERS', 'BLFS', 'DND', 'FLOWS', 'CHANNEL', 'CHANNELS',
  'GETCURRENTCALLS', 'PHONEBOOKS', 'PHONEBOOK', 'INFO', 'AGENT', 'ATXTRANSFER', 'CAMPAIGN', 'DIAL',
  'FAX', 'HANGUP', 'MEDIAFILE', 'QUEUE', 'QUEUERESET', 'REBOOT', 'RESPONSEPATH', 'SETFLOW', 'SMS',
  'TRANSFER', 'UNREGISTER', 'USERGROUP', 'VIRTUALEXT', 'VOICEMAIL', 'SETTING', 'COUNTCALLS',
  'LICENSEDAYS', 'BALANCE', 'CDR', 'MANAGEDB', 'CHECKAUTH', 'AUTHTOKEN', 'GETWEBRTCAUTH', 'HELP',
] as const;

export type Reqtype = (typeof REQTYPES)[number];

/** Older builds call CHANSIPPEERS `PEERS`. */
const ALIASES: Readonly<Record<string, Reqtype>> = { PEERS: 'CHANSIPPEERS' };

export function toReqtype(value: string): Reqtype | undefined {
  const upper = value.trim().toUpperCase();
  return (REQTYPES as readonly string[]).includes(upper) ? (upper as Reqtype) : ALIASES[upper];
}
