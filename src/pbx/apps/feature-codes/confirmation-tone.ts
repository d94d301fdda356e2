// What the phone hears after a feature code: two short high beeps when something was switched on, one long low
// tone when switched off, a pulsed low tone when it failed. Tones, not prompts: no media files to ship.
import { concatSamples, silence, toneSamples } from '../../../media/index.ts';

export type ConfirmationKind = 'on' | 'off' | 'failed';

/** Silence first: lets the phone's audio path open after the answer (its first 100-200 ms are often lost). */
export const LEAD_IN_MS = 200;
/** Ends the tone: plays out the phone's jitter buffer before the BYE cuts the stream. */
const TAIL_MS = 300;

export function confirmationTone(kind: ConfirmationKind): Int16Array {
  const body =
    kind === 'on'
      ? [toneSamples(800, 150), silence(100), toneSamples(800, 150)]
      : kind === 'off'
        ? [toneSamples(400, 600)]
        : // 300 Hz, the bottom of the telephone band, pulsed like a reorder tone so it is not heard as "off".
          [toneSamples(300, 250), silence(250), toneSamples(300, 250), silence(250), toneSamples(300, 250)];
  return concatSamples(...body, silence(TAIL_MS));
}
