// HANGUP (spec §2.2): ends the calls of a channel, a SIP account or an extension number.
import type { ChannelSelector } from '../../../../services/index.ts';
import { PbxError } from '../../../../shared/index.ts';
import type { ReqtypeHandler } from '../../handler.ts';
import type { Params } from '../../params.ts';
import { scope } from './channel-table.ts';

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
