// Call-progress tones the PBX plays itself, one cadence cycle each (to be looped), as 8 kHz linear PCM. Ringback is
// the ETSI/ITU-T E.180 one most of Europe uses: 425 Hz, 1 s on, 4 s off. A phone plays its own ringback on a 180;
// these are for a party that already talks to us, such as DIAL's source or a transferred caller.
import { concatSamples, silence, toneSamples } from './tone-samples.ts';

export type CallProgressTone = 'ringback';

const RINGBACK_HZ = 425;
const RINGBACK_ON_MS = 1000;
const RINGBACK_OFF_MS = 4000;

/** Cycles already built: every ringing call plays the same samples, so they are computed once per process. */
const built = new Map<CallProgressTone, Int16Array>();

/** One cycle of the tone; the caller loops it and must not change it (the buffer is shared). */
export function callProgressCycle(tone: CallProgressTone): Int16Array {
  let cycle = built.get(tone);
  if (cycle === undefined) {
    cycle = buildCycle(tone);
    built.set(tone, cycle);
  }
  return cycle;
}

function buildCycle(tone: CallProgressTone): Int16Array {
  switch (tone) {
    case 'ringback':
      return concatSamples(toneSamples(RINGBACK_HZ, RINGBACK_ON_MS), silence(RINGBACK_OFF_MS));
  }
}
