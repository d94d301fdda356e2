// After a transfer each party still in the call is told whom it talks to now (Asterisk's connected line update), so
// its screen stops showing the party that left: a request inside its dialog carrying the new party as
// P-Asserted-Identity (RFC 3325 §9.1) and/or Remote-Party-ID (draft-ietf-sip-privacy-04), as its extension's
// settings say. UPDATE without a body when the party said it takes UPDATE (RFC 3311 §5.1: Allow), else a re-INVITE
// offering the description it already has (RFC 3264 §8: no media change, version as our re-INVITE answers give it).
// From and To cannot change inside a dialog (RFC 3261 §12.2.1.1), which is why the identity travels in these headers.
import type { Logger } from '../../shared/index.ts';
import { parseUri, type Dialog, type SipRequest, type SipStack } from '../../sip/index.ts';
import { requestInDialog } from './dialog-request.ts';
import { callerNameAddr } from './caller-identity.ts';

/** Which identity header(s) a party's phone reads: P-Asserted-Identity (the default), Remote-Party-ID, or both. */
export type IdentityStyle = 'pai' | 'rpid' | 'both';

/** An extension's identity setting (ex_applyalwaysrpid adds Remote-Party-ID); none = P-Asserted-Identity for all. */
export interface IdentitySettings {
  styleOf(tenantId: number, account: string): Promise<IdentityStyle>;
}

/** Whom the party talks to now. */
export interface ConnectedParty {
  readonly number: string;
  readonly name: string;
}

/** A party to tell: its dialog, what it listed in Allow (an INVITE's), and our description of its media now. */
export interface TellParty {
  readonly tenantId: number;
  /** Its SIP account (`100-ACME`); '' for a carrier, which is not told (a trunk's pr_sendrpid is not read here). */
  readonly account: string;
  readonly dialog: Dialog | undefined;
  readonly allow?: string | undefined;
  /** Our current description of its media (a re-INVITE's offer); read only when a re-INVITE is sent. */
  description(): string;
}

export interface ConnectedLineDeps {
  readonly stack: SipStack;
  readonly logger: Logger;
  readonly identities?: IdentitySettings | undefined;
}

/** The identity headers naming `party`; `party=` is the role the named party plays seen from this dialog (RPID). */
export function identityHeaders(style: IdentityStyle, party: ConnectedParty, host: string, weCalled: boolean): Array<[string, string]> {
  const identity = callerNameAddr(party.name, party.number, host);
  const headers: Array<[string, string]> = [];
  if (style !== 'rpid') headers.push(['P-Asserted-Identity', identity]);
  // In a dialog we started the party we speak for is the calling one; in one the phone started, the called one.
  if (style !== 'pai') headers.push(['Remote-Party-ID', `${identity};party=${weCalled ? 'calling' : 'called'};screen=yes;privacy=off`]);
  return headers;
}

/** UPDATE when the party listed it in Allow (RFC 3311 §5.1), else re-INVITE, which every UA takes. */
export function updateMethod(allow: string | undefined): 'UPDATE' | 'INVITE' {
  return (allow ?? '').split(',').some((method) => method.trim().toUpperCase() === 'UPDATE') ? 'UPDATE' : 'INVITE';
}

/**
 * Tells `target` it talks to `party` now. Resolves with the final status (undefined when nothing was sent: a carrier,
 * no dialog, or no answer). Failure changes nothing in the call: the display is a courtesy, the media goes on.
 */
export async function tellConnectedLine(deps: ConnectedLineDeps, target: TellParty, party: ConnectedParty): Promise<number | undefined> {
  const dialog = target.dialog;
  if (dialog === undefined || target.account === '') return undefined;
  let style: IdentityStyle = 'pai';
  try {
    style = (await deps.identities?.styleOf(target.tenantId, target.account)) ?? 'pai';
  } catch (error) {
    deps.logger.warn({ err: error, account: target.account }, 'call: identity setting unreadable, P-Asserted-Identity used');
  }
  const uri = parseUri(dialog.localUri);
  const host = uri.ok ? uri.value.host : 'localhost';
  const headers = identityHeaders(style, party, host, dialog.role === 'uac');
  const method = updateMethod(target.allow);
  const request = method === 'UPDATE' ? dialog.createRequest('UPDATE', { headers }) : dialog.createRequest('INVITE', { headers, body: target.description(), contentType: 'application/sdp' });
  const response = await requestInDialog(deps, dialog, request, `the connected line ${method} to ${target.account}`);
  if (response === undefined) return undefined;
  if (response.status >= 300) deps.logger.info({ status: response.status, account: target.account }, 'call: connected line update refused');
  return response.status;
}

/** The part of a Call this file reads: a side's leg, its channel and our description of its media. */
export interface ConnectedCall {
  readonly tenantId: number;
  readonly caller: { readonly leg: { readonly dialog: Dialog | undefined; readonly invite?: SipRequest } };
  readonly answeredLeg: { readonly dialog: Dialog | undefined } | undefined;
  readonly media: { localDescription(side: 'a' | 'b', offerBody: Buffer): string };
  channelOf(side: 'a' | 'b'): { readonly account: string; readonly callerIdNum: string; readonly callerIdName: string } | undefined;
}

/** The party on `side` of `call` as one to tell; the caller's Allow is its INVITE's (a callee's 200 is not kept). */
export function partyOf(call: ConnectedCall, side: 'a' | 'b'): TellParty {
  const leg = side === 'a' ? call.caller.leg : call.answeredLeg;
  const invite = side === 'a' ? call.caller.leg.invite : undefined;
  return {
    tenantId: call.tenantId,
    account: call.channelOf(side)?.account ?? '',
    dialog: leg?.dialog,
    allow: invite?.headers.get('allow'),
    description: () => call.media.localDescription(side, Buffer.alloc(0)),
  };
}

/** The identity a party's channel shows (its own number and name). */
export function identityOf(channel: { readonly callerIdNum: string; readonly callerIdName: string } | undefined): ConnectedParty | undefined {
  return channel === undefined ? undefined : { number: channel.callerIdNum, name: channel.callerIdName };
}

/** Tells two parties now talking to each other who the other is (each update on its own; neither waits for the other). */
export function tellEachOther(deps: ConnectedLineDeps, x: { call: ConnectedCall; side: 'a' | 'b' }, y: { call: ConnectedCall; side: 'a' | 'b' }): void {
  const [xParty, yParty] = [identityOf(x.call.channelOf(x.side)), identityOf(y.call.channelOf(y.side))];
  const failed = (error: unknown) => deps.logger.warn({ err: error }, 'call: connected line update failed');
  if (yParty !== undefined) tellConnectedLine(deps, partyOf(x.call, x.side), yParty).catch(failed);
  if (xParty !== undefined) tellConnectedLine(deps, partyOf(y.call, y.side), xParty).catch(failed);
}
