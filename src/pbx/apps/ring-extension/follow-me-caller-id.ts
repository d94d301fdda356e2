// What a follow-me number sees as the caller (ex_fmfmcallerid, ex_fmfmnumprefix, ex_fmfmnameprefix). The carrier's
// party comes from DialOut.firstTarget with the route's caller id already in its From (and P-Asserted-Identity /
// Remote-Party-ID when the trunk sends one); this re-presents that party, keeping the host the route chose.
import { callerNameAddr, type CallHandle, type RingTarget } from '../../calls/index.ts';

/**
 * Whose number the follow-me party sees. `route`: the route's caller-id policy (empty column, as before);
 * `caller`: whoever calls the extension (so the mobile's user knows who it is); `did`: the number the call was made to;
 * `fixed`: a number (the extension's own for EXTENSION, or a number written in the column).
 */
export type FollowMeCallerId =
  | { readonly kind: 'route' }
  | { readonly kind: 'caller' }
  | { readonly kind: 'did' }
  | { readonly kind: 'fixed'; readonly number: string; readonly name: string };

export interface FollowMePresentation {
  readonly callerId: FollowMeCallerId;
  /** ex_fmfmnumprefix: put before the number shown ('' = none). */
  readonly numberPrefix: string;
  /** ex_fmfmnameprefix: put before the name shown, e.g. "FM:" so the user knows it is a forwarded call. */
  readonly namePrefix: string;
}

const DIALABLE = /^\+?[0-9*#]{1,32}$/;
const PREFIX_NUMBER = /^[0-9*#+]{0,16}$/;

/** ex_fmfmcallerid as stored; `ownNumber`/`ownName` are the extension's (ex_number, ex_name) for EXTENSION. */
export function followMeCallerId(value: unknown, ownNumber: string, ownName: string): FollowMeCallerId {
  const text = String(value ?? '').trim();
  const upper = text.toUpperCase();
  if (['', 'OFF', 'NO', '0', 'ROUTE', 'DEFAULT'].includes(upper)) return { kind: 'route' };
  if (['ON', 'YES', '1', 'TRUE', 'CALLER', 'CALLERID', 'ORIGINAL'].includes(upper)) return { kind: 'caller' };
  if (['INCOMINGDID', 'DID'].includes(upper)) return { kind: 'did' };
  if (['EXTENSION', 'EXT', 'OWN'].includes(upper)) return { kind: 'fixed', number: ownNumber, name: ownName };
  const number = text.replace(/[\s.\-()/]/g, '');
  // Anything else is not a choice we know: the route decides, as an empty column does.
  return DIALABLE.test(number) ? { kind: 'fixed', number, name: '' } : { kind: 'route' };
}

/** A prefix column, cleaned: a number prefix keeps digits, *, # and + only (a From user must stay a number). */
export function numberPrefix(value: unknown): string {
  const text = String(value ?? '').replace(/[\s.\-()/]/g, '');
  return PREFIX_NUMBER.test(text) ? text : '';
}

export function namePrefix(value: unknown): string {
  // eslint-disable-next-line no-control-regex
  return String(value ?? '').replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 40);
}

const NAME_ADDR = /^(?:"((?:[^"\\]|\\.)*)"\s*)?<sip:([^@>]*)@([^>]*)>$/;

/** The party re-presented as `presentation` says; unchanged when it asks for nothing (or its From is not one we built). */
export function presentFollowMe(call: CallHandle, target: RingTarget, presentation: FollowMePresentation | undefined): RingTarget {
  if (presentation === undefined) return target;
  const { callerId } = presentation;
  if (callerId.kind === 'route' && presentation.numberPrefix === '' && presentation.namePrefix === '') return target;
  const parsed = NAME_ADDR.exec(target.from);
  if (parsed === null) return target;
  const [, quotedName = '', user = '', host = ''] = parsed;
  const caller = call.callerParty;
  const shown =
    callerId.kind === 'caller' ? { number: caller.number, name: caller.name }
    : callerId.kind === 'did' ? { number: call.dialled, name: caller.name }
    : callerId.kind === 'fixed' ? { number: callerId.number, name: callerId.name }
    : { number: decode(user), name: quotedName.replace(/\\(.)/g, '$1') };
  const number = `${presentation.numberPrefix}${shown.number}`;
  const name = shown.name === '' && presentation.namePrefix === '' ? '' : `${presentation.namePrefix}${shown.name}`;
  const identity = callerNameAddr(name, number, host);
  const extraHeaders = target.extraHeaders?.map(([header, value]): readonly [string, string] => {
    if (header === 'P-Asserted-Identity') return [header, identity];
    if (header === 'Remote-Party-ID') return [header, `${identity}${value.slice(value.indexOf('>') + 1)}`];
    return [header, value];
  });
  return { ...target, from: identity, ...(extraHeaders ? { extraHeaders } : {}) };
}

function decode(user: string): string {
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}
