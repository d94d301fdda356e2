// A hunt list's settings as the ring group runs them (spec §3.4.15, table hu_huntlists): how it rings its members
// (hu_type), for how long (hu_ringtime per member or per round, hu_dialtimeout in all), whom it skips.
import type { ObjectRow } from '../../../domain/index.ts';
import type { Store } from '../../../store/index.ts';

export type HuntStrategy = 'RINGALL' | 'SEQUENCE' | 'CYCLE' | 'RINGALLLOOP';

export interface HuntlistSettings {
  readonly id: number;
  readonly number: string;
  readonly strategy: HuntStrategy;
  /** hu_ringtime: how long each member rings (SEQUENCE, CYCLE), or each round of everyone (RINGALL, RINGALLLOOP). */
  readonly ringSeconds: number;
  /** hu_dialtimeout: how long the list may take in all; undefined = one pass (RINGALLLOOP: 60 s). */
  readonly totalSeconds: number | undefined;
  /** hu_checkinuse: a member already in a call is skipped. */
  readonly skipBusy: boolean;
  /** hu_checkoffline: a member with no registered phone is skipped outright (its follow-me numbers too). */
  readonly skipOffline: boolean;
  /** hu_requestconfirm: a member that answers must press a key before it is connected. */
  readonly requestConfirm: boolean;
  /** hu_confirmmessage_id: what it hears (a media file); undefined = the system prompt. */
  readonly confirmMessageId: number | undefined;
  /** hu_usemoh: the caller hears its tenant's music on hold instead of ringback while members ring. */
  readonly useMoh: boolean;
  /** hu_allowfmfm: members' follow-me numbers ring with them. */
  readonly allowFollowMe: boolean;
  /** hu_allowredirect: members' own forwards ring in their place (phones and numbers only, never a voicemail). */
  readonly allowRedirect: boolean;
  /**
   * hu_allowadditionaldestinations: members' additional destinations ring with them. Callgrid stores none apart from
   * the follow-me numbers (what DIAL nofollow, MiRTA's SETNOFOLLOWEXTENSION, also calls so), so it rings those as hu_allowfmfm.
   */
  readonly allowAdditionalDestinations: boolean;
}

export interface HuntlistDirectory {
  huntlist(tenantId: number, id: number): Promise<HuntlistSettings | undefined>;
}

const STRATEGIES = new Set<string>(['RINGALL', 'SEQUENCE', 'CYCLE', 'RINGALLLOOP']);
/** Asterisk's and MiRTA's UI default ring time; bounds keep one group from holding a caller for hours. */
const DEFAULT_RING_S = 20;
const MAX_RING_S = 300;
const MAX_TOTAL_S = 3600;

/** MiRTA's flags are 'on' or empty; the catalogue also takes yes/1/true. */
const on = (value: unknown): boolean => ['on', 'yes', '1', 'true'].includes(String(value ?? '').toLowerCase());

export function huntlistSettings(row: ObjectRow): HuntlistSettings {
  const seconds = (value: unknown, max: number): number | undefined => {
    const n = Number(value);
    return Number.isFinite(n) && n > 0 ? Math.min(Math.trunc(n), max) : undefined;
  };
  const type = String(row.hu_type ?? '').toUpperCase();
  return {
    id: Number(row.hu_id),
    number: String(row.hu_number ?? ''),
    strategy: STRATEGIES.has(type) ? (type as HuntStrategy) : 'RINGALL',
    ringSeconds: seconds(row.hu_ringtime, MAX_RING_S) ?? DEFAULT_RING_S,
    totalSeconds: seconds(row.hu_dialtimeout, MAX_TOTAL_S),
    skipBusy: on(row.hu_checkinuse),
    skipOffline: on(row.hu_checkoffline),
    requestConfirm: on(row.hu_requestconfirm),
    confirmMessageId: Number.isInteger(Number(row.hu_confirmmessage_id)) && Number(row.hu_confirmmessage_id) > 0 ? Number(row.hu_confirmmessage_id) : undefined,
    useMoh: on(row.hu_usemoh),
    allowFollowMe: on(row.hu_allowfmfm),
    allowRedirect: on(row.hu_allowredirect),
    allowAdditionalDestinations: on(row.hu_allowadditionaldestinations),
  };
}

export class StoreHuntlistDirectory implements HuntlistDirectory {
  constructor(private readonly store: Store) {}

  async huntlist(tenantId: number, id: number): Promise<HuntlistSettings | undefined> {
    const row = await this.store.objects('huntlist').get(tenantId, id);
    return row === undefined ? undefined : huntlistSettings(row);
  }
}
