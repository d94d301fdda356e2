// The special destinations (SPECIAL-<id>, spec §3.3: "id = row of table sp_specials"). MiRTA does not publish
// sp_specials, so Callgrid fixes its own small catalogue of what an Asterisk dialplan ends with: Hangup, Busy,
// Congestion, Answer, Wait, Ringing. Ids are stable: they are stored in tenants' destination lists.

/** What a special destination does with the caller. */
export type SpecialAction =
  /** Ends the call: 480 before an answer (Asterisk's Hangup on a ringing channel), BYE after. */
  | { readonly kind: 'hangup' }
  /** Refuses the call with this status: before an answer as the SIP answer, after it as a tone then BYE. */
  | { readonly kind: 'refuse'; readonly status: number; readonly text: string }
  /** The PBX answers (200); `then` says what follows: the list goes on, the PBX hangs up, or it holds the caller. */
  | { readonly kind: 'answer'; readonly then: 'continue' | 'hangup' | 'silence' | 'ringback' };

export interface SpecialDestination {
  readonly id: number;
  /** The name in logs and the documentation. */
  readonly name: string;
  /** Asterisk's application of the same effect: the CDR's lastapp. */
  readonly app: string;
  readonly action: SpecialAction;
}

export const SPECIAL_DESTINATIONS: readonly SpecialDestination[] = [
  { id: 1, name: 'HANGUP', app: 'Hangup', action: { kind: 'hangup' } },
  { id: 2, name: 'BUSY', app: 'Busy', action: { kind: 'refuse', status: 486, text: 'Busy Here' } },
  { id: 3, name: 'CONGESTION', app: 'Congestion', action: { kind: 'refuse', status: 503, text: 'Service Unavailable' } },
  { id: 4, name: 'ANSWER', app: 'Answer', action: { kind: 'answer', then: 'continue' } },
  { id: 5, name: 'ANSWER-HANGUP', app: 'Answer', action: { kind: 'answer', then: 'hangup' } },
  { id: 6, name: 'SILENCE', app: 'Wait', action: { kind: 'answer', then: 'silence' } },
  { id: 7, name: 'RINGING', app: 'Ringing', action: { kind: 'answer', then: 'ringback' } },
  { id: 8, name: 'DECLINE', app: 'Hangup', action: { kind: 'refuse', status: 603, text: 'Decline' } },
];

const BY_ID: ReadonlyMap<number, SpecialDestination> = new Map(SPECIAL_DESTINATIONS.map((s) => [s.id, s] as const));

/** The special destination with this id, or undefined for an id not in the catalogue. */
export function specialDestination(id: number): SpecialDestination | undefined {
  return BY_ID.get(id);
}

/** The longest a SILENCE or RINGING special holds a caller before the PBX hangs up: work per call stays bounded. */
export const SPECIAL_HOLD_MS = 60 * 60 * 1000;
