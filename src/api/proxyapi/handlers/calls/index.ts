// The live-call reqtypes, one file each: COUNTCHANNELS, CHANNELS, CHANNEL, GETCURRENTCALLS, HANGUP, TRANSFER,
// ATXTRANSFER and DIAL (spec §2.2, 2.7-2.9, 2.14, 2.16, 2.18, 2.26).
export { attendedTransfer } from './atxtransfer.ts';
export { channel } from './channel.ts';
export { channels } from './channels.ts';
export { countChannels } from './countchannels.ts';
export { dial } from './dial.ts';
export { dialOrder } from './dial-order.ts';
export { getCurrentCalls } from './getcurrentcalls.ts';
export { hangup } from './hangup.ts';
export { transfer } from './transfer.ts';
export { CHANNEL_COLUMNS, channelApplication, channelRow } from './channel-table.ts';
