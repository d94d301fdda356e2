// A finished call as the B2BUA reports it once, when the call ends: who called, what was dialled and every leg
// the PBX tried. PBX words only (no SIP objects); cdr-rows.ts turns it into CDR and simple-CDR rows (spec §2.12, §4.4).
import type { CallDirection } from '../../domain/index.ts';

/** How a dialled leg ended (Asterisk's DIALSTATUS as the CDR shows it). */
export type FailedDisposition = 'NO ANSWER' | 'BUSY' | 'FAILED' | 'CONGESTION';
export type AttemptDisposition = 'ANSWERED' | FailedDisposition;

/**
 * Where a leg landed; the CDR column `wherelanded` prints it as `<kind>:<label>` (`EXT:101`, `PROVIDER:Telco`,
 * `VOICEMAIL:101`). EXT = an extension of the tenant (label: its number); PROVIDER = out through a carrier
 * (label: the provider's name); the others are PBX applications (label: their number or name).
 */
export type LandingKind = 'EXT' | 'PROVIDER' | 'VOICEMAIL' | 'QUEUE' | 'CONFERENCE' | 'IVR' | 'PLAYBACK' | 'HUNTLIST';

export interface Landing {
  readonly kind: LandingKind;
  readonly label: string;
}

/** An answered leg carries its answer time; an unanswered one cannot. */
export type AttemptOutcome =
  | { readonly disposition: 'ANSWERED'; readonly answeredAt: Date }
  | { readonly disposition: FailedDisposition };

/** One leg the PBX placed for the call (one Dial, one forward, one ring-group member): one CDR row. */
export type CallAttempt = AttemptOutcome & {
  /** The uniqueid of this row: the first attempt normally uses the caller channel's (= the linkedid). */
  readonly uniqueId: string;
  /** The callee channel name (`PJSIP/101-ACME-0000002b`), '' when no channel was created. */
  readonly dstChannel: string;
  /** The number this leg tried: an extension number or, out through a provider, the external number. */
  readonly destination: string;
  readonly landed: Landing;
  /** The callee's account (`101-ACME`) or the provider's name; '' when unknown. */
  readonly peerAccount: string;
  /** The application that ran the leg; default `Dial` (`VoiceMail`, `Queue`, `ConfBridge`, ...). */
  readonly app?: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
  /**
   * The SIP answer the caller got when this leg ended the call unanswered (404, 480, 486, 503...). Asterisk keeps
   * no such column: the row's userfield carries it as `[sip:<status>]`, beside the direction marker.
   */
  readonly sipStatus?: number;
};

export interface CallParty {
  /** The caller id number presented (`100`, or the external number of an inbound call). */
  readonly number: string;
  readonly name: string;
  /** The calling extension's number, '' for an external caller. */
  readonly extension: string;
  /** The calling extension's SIP account (`100-ACME`), '' for an external caller. */
  readonly account: string;
}

export interface CallRecord {
  readonly tenantId: number;
  /** The tenant code: CDR accountcode and dialplan context. */
  readonly tenantCode: string;
  /** The call's id: every row's linkedid and the simple CDR's uniqueid. */
  readonly linkedId: string;
  readonly direction: CallDirection;
  /** The id DIAL answered for API-originated calls, '' otherwise. */
  readonly originateId: string;
  /** The SIP Call-ID of the caller's leg. */
  readonly sipCallId: string;
  readonly caller: CallParty;
  /** The number as the caller dialled it (a DID for inbound calls). */
  readonly dialled: string;
  /** When the caller's leg reached the PBX, and when the call ended (the caller's leg released). */
  readonly startedAt: Date;
  readonly endedAt: Date;
  /** The legs in the order they were started; empty when the call was placed nowhere. */
  readonly attempts: readonly CallAttempt[];
  /**
   * A call refused before any leg was placed (an unknown number, a DID without destination, a blacklisted caller,
   * a limit): how its one row reads. Without it a call placed nowhere is FAILED, `Hangup`, with no SIP answer.
   * Ignored when there are attempts: their rows already tell the story.
   */
  readonly refusal?: CallRefusal;
  /**
   * Why the record was ended by someone other than the call itself: `node-restart` when a node that was killed
   * ends its lost calls on start (pbx/recovery). Every CDR row's userfield carries it as `[node-restart]` right
   * after the direction marker.
   */
  readonly endedBy?: 'node-restart' | 'media-worker-stopped';
  /**
   * The variables an API-placed call was given (DIAL var=, named with the tenant code as the dialplan sees them):
   * every row's userfield carries them after the markers, `[ACME-callid=453131]`, so a CRM finds its call's CDR.
   */
  readonly variables?: Readonly<Record<string, string>>;
}

export interface CallRefusal {
  readonly disposition: FailedDisposition;
  /** The Asterisk application that gives this answer: `Hangup`, `Busy`, `Congestion`. */
  readonly app: string;
  /** The SIP answer the caller got. */
  readonly sipStatus: number;
}
