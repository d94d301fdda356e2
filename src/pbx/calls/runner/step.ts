// The call engine's vocabulary (spec §3.3): a call runs an ordered list of targets (`TAG-<id>`), each one step run by
// the application of its tag, and every step ends in a typed outcome the destination runner acts on. Applications
// (src/pbx/apps/<app>/) depend on these types and on the CallHandle; the runner never knows what a tag does.
import type { Landing } from '../../cdr/index.ts';
import type { PbxMedia, PlayItem } from './pbx-media.ts';

/** One target of a list: a §3.3 tag and id (EXT-29379), or a number for the engine's own tags (OUT, FEATURECODE). */
export interface Target {
  readonly tag: string;
  readonly id: number;
  /** The number a numberless step works on: the external number to dial out, the feature code dialled. */
  readonly number?: string;
}

/** A source slot: its type (EXT-BUSY, DID, IVR_1...) and the object that owns it. */
export interface SlotRef {
  readonly slot: string;
  readonly ownerId: number;
}

/** Why a step let the call go on to the next target; the last reason is what the caller hears when none is left. */
export type NextReason = 'busy' | 'noanswer' | 'unavailable' | 'failed' | 'not-built';

export type StepOutcome =
  /** A party answered and talks with the caller: the list is done, the call lives until someone hangs up. */
  | { readonly kind: 'connected' }
  /** The step ended the call itself (a feature code's confirmation, a message played then hung up). */
  | { readonly kind: 'done' }
  /** The step did its part (a message played): the next target runs; when none is left the call ends normally. */
  | { readonly kind: 'continue' }
  /** Try the next target; `status`/`text` say what the caller hears if none is left (busy 486, 480...). */
  | { readonly kind: 'next'; readonly reason: NextReason; readonly status?: number; readonly text?: string }
  /** Continue with another slot's list (a forward, an IVR choice, a condition's branch) instead of this one. */
  | { readonly kind: 'goto'; readonly slot: SlotRef }
  /** Continue with these targets instead of this list (a number dialled inside an IVR). */
  | { readonly kind: 'jump'; readonly targets: readonly Target[] }
  /**
   * The caller hung up (or cancelled) while the step ran. `then`: a slot whose targets run now, with the call over
   * (IVR_HANGUP); only steps that need no caller can do anything there (a flow toggle, a DID forward change).
   */
  | { readonly kind: 'caller-gone'; readonly then?: SlotRef }
  /** The call ends here: the caller gets `status` (or, when already answered, a tone and BYE). */
  | { readonly kind: 'failed'; readonly status: number; readonly text: string };

/** What ringing SIP parties came to. */
export type RingOutcome =
  | { readonly kind: 'answered' }
  | { readonly kind: 'busy' }
  | { readonly kind: 'noanswer' }
  | { readonly kind: 'failed'; readonly status: number; readonly text: string }
  /** No party could be offered the caller's media (no codec in common: a carrier's allow list). */
  | { readonly kind: 'no-codec' }
  | { readonly kind: 'caller-gone' };

/** One SIP party to ring: the INVITE's addressing and the live channel it becomes. */
export interface RingTarget {
  readonly requestUri: string;
  readonly endpoint: { readonly protocol: 'udp' | 'tcp' | 'tls' | 'ws' | 'wss'; readonly address: string; readonly port: number };
  readonly flowId: string | undefined;
  readonly from: string;
  readonly to: string;
  readonly extraHeaders?: ReadonlyArray<readonly [string, string]>;
  readonly credentials?: { readonly username: string; readonly password: string };
  /** The channel's name base (`101-ACME`, a provider's name) and what the channel shows. */
  readonly channel: { readonly base: string; readonly extension: string; readonly account: string; readonly callerIdNum: string; readonly callerIdName: string; readonly exten: string };
  /** What the channel may be asked by the API: the called party's ATXTRANSFER (extensions only). */
  readonly attendedTransfer?: boolean;
  /** This party must confirm before it is connected (a follow-me number); overrides the request's `confirm`. */
  readonly confirm?: AnswerConfirmation;
  /** Seconds after the others this party starts ringing (follow-me's ex_fmfmdelay); the ring time still counts from the start. */
  readonly delaySeconds?: number;
}

/**
 * Confirm to answer: a party that answers is not bridged to the caller yet; it hears `prompt` and must press one of
 * `keys` within `timeoutSeconds`, or its leg is ended (BYE) while the others go on ringing (a voicemail that answers
 * an outside number must not take the call). answer-confirmation.ts runs it.
 */
export interface AnswerConfirmation {
  /** What the party hears, repeated until it presses a key; undefined = the system prompt "Press 1". */
  readonly prompt?: readonly PlayItem[];
  /** The keys that accept the call; undefined = any key (0-9, *, #). */
  readonly keys?: string;
  /** How long the party may take once the prompt starts (the ring time still ends it); undefined = 15 s. */
  readonly timeoutSeconds?: number;
}

export interface RingRequest {
  readonly targets: readonly RingTarget[];
  /** Seconds to ring before no answer; undefined = the node's ring time. */
  readonly ringSeconds?: number;
  /** The codecs the parties accept (a carrier's allow list); empty = whatever the caller offers. */
  readonly codecs?: readonly string[];
  /** Every party must confirm before it is connected (hu_requestconfirm); a target's own `confirm` wins. */
  readonly confirm?: AnswerConfirmation;
  /** What the caller hears while the parties ring: ringback (the default) or its tenant's music on hold (hu_usemoh). */
  readonly callerHears?: 'ringback' | 'music';
}

/** What this attempt is, for the CDR row and the caller's channel (connected line). */
export interface AttemptLabel {
  readonly destination: string;
  readonly peerAccount: string;
  readonly landed: Landing;
  /** The application that ran the leg (CDR lastapp): Dial by default, Playback, VoiceMail... */
  readonly app?: string;
  /** What the live channel shows as the application's Data (Asterisk's); default: Dial's parties, the files played. */
  readonly data?: string;
}

/** The call as a step sees it. The B2BUA's Call implements it; unit tests use a fake. */
export interface CallHandle {
  readonly tenantId: number;
  readonly tenantCode: string;
  /** Who is calling: the extension's number and account, or an outside number ('' account). */
  readonly callerParty: { readonly number: string; readonly name: string; readonly account: string; readonly extensionId?: number };
  /** The number the call was made to (as dialled, or the DID). */
  readonly dialled: string;
  /** The host the caller dialled: ringing an extension shows the same domain. */
  readonly domain: string;
  readonly linkedId: string;
  /** The caller is answered (by the PBX, or by a party that has since left): new parties are bridged without a new answer. */
  readonly callerAnswered: boolean;
  /** The caller hung up, or the call ended otherwise. */
  readonly over: boolean;
  /** False when the call asked not to follow extensions' follow-me numbers (DIAL nofollow=yes); undefined = follow. */
  readonly followMe?: boolean;
  /** Starts the CDR attempt this step is (the first step relabels the call's first attempt). */
  attempt(label: AttemptLabel): void;
  /** Rings SIP parties at once; resolves when one answered (the caller is then talking to it) or all failed. */
  ring(request: RingRequest): Promise<RingOutcome>;
  /** The PBX answers the caller itself (200 with its own G.711 description); undefined when it cannot (the caller left, no G.711 offered). */
  answer(): Promise<PbxMedia | undefined>;
  /** Records the call (what the caller says and what it hears) from its answer on; asking again changes nothing. */
  recordCall(): void;
  /** MUSICONHOLD-<id>: the class a party put on hold hears for the rest of the call (absent: the call has no music). */
  useMusicOnHold?(classId: number): void;
  /**
   * The step let the call go on (a 'next' outcome) for this reason: its CDR attempt ends BUSY or NO ANSWER when
   * nothing it rang says otherwise (a DND extension rings nobody yet is busy).
   */
  stepPassed?(reason: NextReason): void;
  /** Ends the call from the PBX side. */
  hangup(cause: string): void;
  /**
   * The list ended with nobody for the caller: an error answer while it is not answered, or, once the PBX answered
   * it, a tone (busy, congestion) then BYE (a 486 is no longer possible after a 200).
   */
  refuse(status: number, text: string): Promise<void>;
  /**
   * Changes who is calling for the rest of the call (CALLERIDMOD, CLIDNAMEBYPHONEBOOK): the parties rung later, the
   * caller's channel and the CDR show it. A field left out keeps its value. Optional so that test fakes of the handle
   * need not implement it; the B2BUA's Call always does, and a step without it says so in the log.
   */
  setCaller?(update: { readonly number?: string; readonly name?: string }): void;
  /**
   * Read only: the first value of a header of the caller's INVITE (any case, compact forms too); undefined when it
   * carried none, or the call started from no INVITE (an API call). Optional so test fakes need not implement it.
   */
  sipHeader?(name: string): string | undefined;
  /**
   * Read only: a channel variable the call was given (DIAL var=, kept as MiRTA names it, `<TENANT>-<name>`, beside the
   * SET* variables of its options); undefined when unset. Optional so test fakes need not implement it.
   */
  variable?(name: string): string | undefined;
}

/** One application: runs its step of the call and says how it ended. Never throws (the runner treats a throw as failed). */
export interface Application {
  run(call: CallHandle, target: Target): Promise<StepOutcome>;
}

/** The applications by tag; a tag not in the table is not built yet. */
export type Applications = Readonly<Record<string, Application | undefined>>;
