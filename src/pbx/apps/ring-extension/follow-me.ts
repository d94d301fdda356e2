// Find-me/follow-me (spec §3.4.2, ex_fmfm*): an extension's outside numbers rung with (or after) its phones, through
// the carriers its routes give (apps/dial-out), each party asked to confirm with a key when ex_fmfmconfirm is on,
// so a mobile's voicemail cannot take the call. Which columns are read, and how, is listed in docs/compatibility.md.
import type { ObjectRow } from '../../../domain/index.ts';
import type { Logger } from '../../../shared/index.ts';
import type { Store } from '../../../store/index.ts';
import type { CallHandle, RingRequest, RingTarget } from '../../calls/index.ts';
import { requireColumns, type StoreExtensionRows } from '../../dialplan/index.ts';
import type { DialOut } from '../dial-out/index.ts';
import type { MediaFileDirectory } from '../playback/index.ts';
import { followMeCallerId, namePrefix, numberPrefix, presentFollowMe, type FollowMePresentation } from './follow-me-caller-id.ts';

/** When the follow-me numbers ring: with the phones (after ex_fmfmdelay), or one after another once the phones gave up. */
export type FollowMeMethod = 'together' | 'after';

export interface FollowMeSettings {
  /** ex_fmfmnumber: the outside numbers, in order. */
  readonly numbers: readonly string[];
  /** ex_fmfmdialtimeout: how long each number (or, together, all of them) rings; undefined = the extension's ring time. */
  readonly ringSeconds: number | undefined;
  readonly method: FollowMeMethod;
  /** ex_fmfmdelay: the phones ring alone this long before the numbers join (together). */
  readonly delaySeconds: number;
  /** ex_fmfmconfirm: a number that answers must press a key. */
  readonly confirm: boolean;
  /** ex_fmfmconfirmmessage_id: the prompt it hears (a media file); undefined = the system prompt. */
  readonly confirmMessageId: number | undefined;
  /** ex_fmfmonconditionid: follow-me only while a condition holds; not built, so such a follow-me is not rung. */
  readonly conditionId: number | undefined;
  /** ex_fmfmcallerid, ex_fmfmnumprefix, ex_fmfmnameprefix: what the numbers see as the caller; absent = the route decides. */
  readonly presentation?: FollowMePresentation;
}

export interface FollowMeDirectory {
  /** The extension's follow-me, or undefined when it is off (ex_fmfmstatus) or has no number. */
  followMe(tenantId: number, extensionId: number): Promise<FollowMeSettings | undefined>;
}

/** What ringing follow-me numbers needs: the carriers, the tenant's prompts, the node's confirmation time. */
export interface FollowMeDeps {
  readonly dialOut: Pick<DialOut, 'firstTarget'>;
  readonly media?: MediaFileDirectory;
  /** How long a party has to confirm; undefined = the engine's default (15 s). */
  readonly confirmSeconds?: number;
  readonly logger?: Logger;
}

const COLUMNS = ['ex_id', 'ex_fmfmstatus', 'ex_fmfmnumber', 'ex_fmfmdialtimeout', 'ex_fmfmdialmethod', 'ex_fmfmdelay', 'ex_fmfmconfirm', 'ex_fmfmconfirmmessage_id', 'ex_fmfmonconditionid', 'ex_number', 'ex_name', 'ex_fmfmcallerid', 'ex_fmfmnumprefix', 'ex_fmfmnameprefix'];
const MAX_NUMBERS = 10;
const MAX_SECONDS = 300;
const on = (value: unknown): boolean => ['on', 'yes', '1', 'true'].includes(String(value ?? '').toLowerCase());
const seconds = (value: unknown): number | undefined => {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.min(Math.trunc(n), MAX_SECONDS) : undefined;
};

/** An extension row's follow-me; undefined when it is off or names no usable number. */
export function followMeSettings(row: Readonly<ObjectRow>): FollowMeSettings | undefined {
  if (!on(row.ex_fmfmstatus)) return undefined;
  // Several numbers separated by commas, semicolons or |; spaces, dots, dashes and brackets inside a number dropped.
  const numbers = String(row.ex_fmfmnumber ?? '')
    .split(/[,;|]/)
    .map((n) => n.replace(/[\s.\-()/]/g, ''))
    .filter((n) => /^\+?[0-9*#]{1,32}$/.test(n))
    .slice(0, MAX_NUMBERS);
  if (numbers.length === 0) return undefined;
  const method = String(row.ex_fmfmdialmethod ?? '').toUpperCase();
  const message = Number(row.ex_fmfmconfirmmessage_id);
  const condition = Number(row.ex_fmfmonconditionid);
  const presentation: FollowMePresentation = {
    callerId: followMeCallerId(row.ex_fmfmcallerid, String(row.ex_number ?? ''), String(row.ex_name ?? '')),
    numberPrefix: numberPrefix(row.ex_fmfmnumprefix),
    namePrefix: namePrefix(row.ex_fmfmnameprefix),
  };
  const presents = presentation.callerId.kind !== 'route' || presentation.numberPrefix !== '' || presentation.namePrefix !== '';
  return {
    numbers,
    ringSeconds: seconds(row.ex_fmfmdialtimeout),
    method: /HUNT|SEQ|AFTER|NEXT/.test(method) ? 'after' : 'together',
    delaySeconds: seconds(row.ex_fmfmdelay) ?? 0,
    confirm: on(row.ex_fmfmconfirm),
    confirmMessageId: Number.isInteger(message) && message > 0 ? message : undefined,
    conditionId: Number.isInteger(condition) && condition > 0 ? condition : undefined,
    ...(presents ? { presentation } : {}),
  };
}

export class StoreFollowMeDirectory implements FollowMeDirectory {
  /** `extensions`: the call path's shared extension rows (main.ts); without, each call queries the store. */
  constructor(
    private readonly store: Store,
    private readonly extensions?: StoreExtensionRows,
  ) {
    if (extensions !== undefined) requireColumns('StoreFollowMeDirectory', COLUMNS);
  }

  async followMe(tenantId: number, extensionId: number): Promise<FollowMeSettings | undefined> {
    const row = this.extensions !== undefined ? await this.extensions.byId(tenantId, extensionId) : (await this.store.objects('extension').list(tenantId, { ex_id: extensionId }, { limit: 1, columns: COLUMNS }))[0];
    return row === undefined ? undefined : followMeSettings(row);
  }
}

/** The confirmation a party is asked for: the tenant's media file when it has audio, else the system prompt. */
export async function confirmationOf(call: CallHandle, messageId: number | undefined, deps: Pick<FollowMeDeps, 'media' | 'confirmSeconds'>): Promise<NonNullable<RingRequest['confirm']>> {
  const path = messageId === undefined ? undefined : await deps.media?.audioPath(call.tenantId, messageId);
  return { ...(path === undefined ? {} : { prompt: [{ kind: 'file', path }] }), ...(deps.confirmSeconds === undefined ? {} : { timeoutSeconds: deps.confirmSeconds }) };
}

/**
 * The follow-me numbers as parties to ring, each through the first carrier its route gives (no failover: the phones
 * and the other numbers are the alternative), with its confirmation and delay; numbers no route takes are left out.
 */
export async function followMeTargets(call: CallHandle, followMe: FollowMeSettings, deps: FollowMeDeps, delaySeconds = 0): Promise<{ targets: RingTarget[]; codecs?: readonly string[] }> {
  const confirm = followMe.confirm ? await confirmationOf(call, followMe.confirmMessageId, deps) : undefined;
  const targets: RingTarget[] = [];
  let codecs: readonly string[] | undefined;
  for (const number of followMe.numbers) {
    const carrier = await deps.dialOut.firstTarget(call, number);
    if (carrier === undefined) {
      deps.logger?.warn({ tenantId: call.tenantId, linkedId: call.linkedId }, 'call: a follow-me number has no route or no free carrier; skipped');
      continue;
    }
    targets.push({ ...presentFollowMe(call, carrier.target, followMe.presentation), ...(confirm ? { confirm } : {}), ...(delaySeconds > 0 ? { delaySeconds } : {}) });
    // One offer goes to every party of a ring: a carrier's allow list narrows it for all.
    if (carrier.codecs.length > 0) codecs = carrier.codecs;
  }
  return { targets, ...(codecs ? { codecs } : {}) };
}
