// The destinations model (spec §3.3, table de_destinations): a source slot (type + owner id, e.g. DID 7,
// IVR_1 3) owns an ordered list of targets written "TAG-ID" (EXT-100, PLAYBACK-60). Pure tables and parsing.
import { col, type ObjectSchema } from './object-schema.ts';

const numbered = (prefix: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}`);

/** Fixed slot types by owner object (MANAGEDB names), from §3.3's table. */
const SLOTS: Readonly<Record<string, readonly string[]>> = {
  did: ['DID', 'DID-UNCONDITIONAL', 'DID-SMS', 'DID-FAXSUCCESS'],
  extension: ['EXT-UNCONDITIONAL', 'EXT-NOANSWER', 'EXT-BUSY', 'EXT-OFFLINE', 'EXT-ONCONDITION', 'EXT-DIALBYNAME', 'EXT-ONLYALLOWCALL', 'EXT-DONOTCALL'],
  voicemail: ['VOICEMAIL-OPERATOR', 'VOICEMAIL-FOLLOW', 'VOICEMAIL-BROADCAST'],
  ivr: [...numbered('IVR_', 0, 9), 'IVR_STAR', 'IVR_SHARP', 'IVR_WRONG', 'IVR_TIMEOUT', 'IVR_HANGUP', 'IVR_FEATURE', 'IVR_EXTENSION', 'IVR_MEDIAFILE', 'IVR_OPTIONSMEDIAFILE'],
  condition: ['CONDITION', 'NOTCONDITION', ...numbered('CONDITION', 1, 20)],
  huntlist: ['HUNTLIST', 'HUNTLIST-TIMEOUT'],
  queue: ['FULL', 'TIMEOUT', 'EXITKEY', 'ONCALLBACK', 'NOBODYHOME', 'NOFREEMEMBER', 'PERIODICANNOUNCE', 'BEFORERINGING', 'ONAUTOPAUSE', 'ONABANDONEDCALL'].map((s) => `QUEUE-${s}`),
  custom: ['PRIVACY-DONTCALL', 'PRIVACY-TORTURE', 'CTONANSWER', 'CALLBACK-CONNECTED', 'CTONCALLERHANGUP', 'SPLITCHANNELACTION-CALLER', 'SPLITCHANNELACTION-CALLED', 'RANDOMDESTINATION', ...numbered('RANDOMDESTINATION', 1, 20)],
  musiconhold: ['MUSICONHOLD'],
  paginggroup: ['PAGING'],
  flow: ['FLOW'],
  campaign: ['CAMPAIGN-ONCONNECT', 'CAMPAIGN-DONOTCALL'],
  cronjob: ['CRONJOB'],
  featurecode: ['FEATURE'],
};

const SLOT_OWNER: ReadonlyMap<string, string> = new Map(Object.entries(SLOTS).flatMap(([owner, types]) => types.map((type) => [type, owner] as const)));

/** Voice-IVR words: CUSTOMIVR_<word> (§3.3), e.g. CUSTOMIVR_SUPPORT. */
const CUSTOM_IVR_SLOT = /^CUSTOMIVR_[A-Z0-9]{1,48}$/;

/** The object (MANAGEDB name) that owns a slot type, or undefined for an unknown type. Types are upper case. */
export function slotOwner(type: string): string | undefined {
  return SLOT_OWNER.get(type) ?? (CUSTOM_IVR_SLOT.test(type) ? 'ivr' : undefined);
}

/** The slot types of one owner object (CUSTOMIVR_<word> aside). */
export function slotTypesOf(owner: string): readonly string[] {
  return SLOTS[owner] ?? [];
}

const QUEUE_TAGS = ['QUEUE', 'RESETQUEUESTATS', 'LOGINQUEUE', 'TOGGLELOGINQUEUE', 'LOGINADQUEUE', 'TOGGLELOGINADQUEUE', 'TOGGLEPAUSEQUEUE', 'LOGOUTALLAGENTSFROMQUEUE', 'LOGOUTQUEUE', 'PAUSEQUEUE', 'UNPAUSEQUEUE', 'PAUSEALLAGENTSINQUEUE', 'UNPAUSEALLAGENTSINQUEUE'];
const CAMPAIGN_TAGS = ['STARTCAMPAIGN', 'STOPCAMPAIGN', 'PAUSECAMPAIGN', 'UNPAUSECAMPAIGN', 'REDIALNOTANSWEREDCAMPAIGN', 'REMOVEFROMCAMPAIGN', 'REMOVECALLERFROMCAMPAIGN', 'ADDLATESTDIALEDOUTTOCAMPAIGN', 'ADDLATESTDIALEDINTOCAMPAIGN'];

/**
 * Every target tag of §3.3 and the object its id names; null = an id Callgrid does not store as an object
 * (SPECIAL rows, caller-id rules, response paths) or a parameter, accepted as any whole number.
 */
const TAG_OBJECT: ReadonlyMap<string, string | null> = new Map<string, string | null>([
  ['EXT', 'extension'],
  ['SMS', 'extension'],
  ['RINGMUSICONHOLD', 'extension'],
  ['PLAYBACK', 'mediafile'],
  ['RERECORD', 'mediafile'],
  ['CLEARRECORDING', 'mediafile'],
  ['RERECORDSILENT', 'mediafile'],
  ['CONDITION', 'condition'],
  ['VOICEMAIL', 'voicemail'],
  ['IVR', 'ivr'],
  ['DISA', 'disa'],
  ['PAGING', 'paginggroup'],
  ['HUNTLIST', 'huntlist'],
  ['FLOW', 'flow'],
  ['MEETME', 'conference'],
  ['CUSTOM', 'custom'],
  ['MUSICONHOLD', 'musiconhold'],
  ['PHONEBOOK', 'phonebook'],
  ['EXACTPHONEBOOK', 'phonebook'],
  ['CLIDNAMEBYPHONEBOOK', 'phonebook'],
  ['SETUNCONDITIONALDID', 'did'],
  ['ENABLEUNCONDITIONALDID', 'did'],
  ['DISABLEUNCONDITIONALDID', 'did'],
  ['TOGGLEUNCONDITIONALDID', 'did'],
  ['CALLERIDMOD', 'calleridmodification'],
  ...QUEUE_TAGS.map((tag) => [tag, 'queue'] as [string, string]),
  ...CAMPAIGN_TAGS.map((tag) => [tag, 'campaign'] as [string, string]),
  ['PARK', null],
  ['SPECIAL', null],
  ['RESPONSEPATH', null],
  ['SAMENUMBERVM', null],
  ['ADDTODNCLIST', null],
]);

/** One source misspells VOICEMAIL (§3.3); it is accepted and stored correctly spelled. */
const TAG_SPELLINGS: Readonly<Record<string, string>> = { VOICMEAIL: 'VOICEMAIL' };

/** Whether a tag is a known target type. */
export function isTargetTag(tag: string): boolean {
  return TAG_OBJECT.has(tag);
}

/** The object a target tag's id names (MANAGEDB name), or undefined when the id is not an object's. */
export function targetObject(tag: string): string | undefined {
  return TAG_OBJECT.get(tag) ?? undefined;
}

export interface DestinationTarget {
  readonly tag: string;
  readonly id: number;
}

export type ParsedTarget = { readonly ok: true; readonly target: DestinationTarget } | { readonly ok: false; readonly why: string };

/** "TAG-ID" (case-insensitive tag, a whole number id) -> the target; why it is not one otherwise. */
export function parseTarget(text: string): ParsedTarget {
  const match = /^([A-Za-z]{2,32})-(\d{1,10})$/.exec(text.trim());
  if (!match) return { ok: false, why: 'expected TYPE-ID such as EXT-100' };
  const given = (match[1] ?? '').toUpperCase();
  const tag = TAG_SPELLINGS[given] ?? given;
  const id = Number(match[2]);
  if (!isTargetTag(tag)) return { ok: false, why: `unknown destination type ${given}` };
  if (id > 2_147_483_647) return { ok: false, why: 'the id is too large' };
  return { ok: true, target: { tag, id } };
}

/** The "TAG-ID" text of a stored row. */
export const targetText = (row: { readonly de_type_dst?: unknown; readonly de_type_id_dst?: unknown }): string => `${String(row.de_type_dst)}-${String(row.de_type_id_dst)}`;

/** How many targets one slot keeps. */
export const MAX_SLOT_TARGETS = 100;

export const destinationSchema: ObjectSchema = {
  name: 'destination',
  title: 'destination',
  table: 'de_destinations',
  idColumn: 'de_id',
  tenantColumn: 'de_te_id',
  labelColumn: 'de_type_src',
  columns: {
    de_type_src: col.text(64, { required: true }),
    de_type_id_src: col.int({ required: true }),
    de_type_dst: col.text(32, { required: true }),
    de_type_id_dst: col.int(),
    de_ord: col.int({ fallback: 0 }),
  },
  taggedReferences: [
    // A slot's rows go with its owner; a target cannot be deleted while a slot names it.
    { typeColumn: 'de_type_src', idColumn: 'de_type_id_src', objectOf: slotOwner, onDelete: 'cascade' },
    { typeColumn: 'de_type_dst', idColumn: 'de_type_id_dst', objectOf: targetObject, onDelete: 'restrict' },
  ],
  describe: (row) => `destination slot ${String(row.de_type_src)} of ${slotOwner(String(row.de_type_src)) ?? 'object'} ${String(row.de_type_id_src)}`,
  uniqueInTenant: [['de_type_src', 'de_type_id_src', 'de_ord']],
};
