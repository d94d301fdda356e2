// What the phone hears after a feature code: two short high beeps when something was switched on, one long low
// tone when switched off, a pulsed low tone when it failed (the relay's confirm-* tones, media/player). Tones, not
// prompts: no media files to ship. Silence before and after: the phone's audio path opens after the answer (its
// first 100-200 ms are often lost), and its jitter buffer plays out before the BYE cuts the stream.
import type { PlayItem } from '../../calls/index.ts';

export type ConfirmationKind = 'on' | 'off' | 'failed';

export const LEAD_IN_MS = 200;
const TAIL_MS = 300;

const TONE = { on: 'confirm-on', off: 'confirm-off', failed: 'confirm-failed' } as const;

/** The confirmation played after the action, then the tail before the BYE. */
export function confirmation(kind: ConfirmationKind): PlayItem[] {
  return [
    { kind: 'tone', tone: TONE[kind] },
    { kind: 'silence', ms: TAIL_MS },
  ];
}
