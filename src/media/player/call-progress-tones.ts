// Call-progress tones the PBX plays itself, one cadence cycle each, as 8 kHz linear PCM. Ringback, busy and
// congestion are the ETSI/ITU-T E.180 ones most of Europe uses (425 Hz): ringback 1 s on 4 s off, busy 0.5/0.5,
// congestion 0.25/0.25. A phone plays its own ringback on a 180; these are for a party that already talks to us
// (DIAL's source, a transferred caller, a caller the PBX answered). The confirm tones are the feature-code shapes
// (pbx/apps/feature-codes/confirmation-tone.ts plays them with a lead-in and a tail), so a playlist can use them.
import { AudioClip } from './audio-clip.ts';
import { concatSamples, silence, toneSamples } from './tone-samples.ts';

export type CallProgressTone = 'ringback' | 'busy' | 'congestion' | 'confirm' | 'confirm-on' | 'confirm-off' | 'confirm-failed';

export const CALL_PROGRESS_TONES: readonly CallProgressTone[] = ['ringback', 'busy', 'congestion', 'confirm', 'confirm-on', 'confirm-off', 'confirm-failed'];

const PROGRESS_HZ = 425;
const CONFIRM_HZ = 800;
const OFF_HZ = 400;
/** The bottom of the telephone band, pulsed like a reorder tone so "failed" is not heard as "off". */
const FAILED_HZ = 300;

const CYCLES: Readonly<Record<CallProgressTone, () => Int16Array>> = {
  ringback: () => concatSamples(toneSamples(PROGRESS_HZ, 1000), silence(4000)),
  busy: () => concatSamples(toneSamples(PROGRESS_HZ, 500), silence(500)),
  congestion: () => concatSamples(toneSamples(PROGRESS_HZ, 250), silence(250)),
  confirm: () => toneSamples(CONFIRM_HZ, 150),
  'confirm-on': () => concatSamples(toneSamples(CONFIRM_HZ, 150), silence(100), toneSamples(CONFIRM_HZ, 150)),
  'confirm-off': () => toneSamples(OFF_HZ, 600),
  'confirm-failed': () =>
    concatSamples(toneSamples(FAILED_HZ, 250), silence(250), toneSamples(FAILED_HZ, 250), silence(250), toneSamples(FAILED_HZ, 250)),
};

/** Cycles already built: every ringing call plays the same samples, so they are computed once per process (per thread). */
const built = new Map<CallProgressTone, Int16Array>();
const clips = new Map<CallProgressTone, AudioClip>();

export function isCallProgressTone(name: unknown): name is CallProgressTone {
  return typeof name === 'string' && Object.hasOwn(CYCLES, name);
}

/** One cycle of the tone; the caller loops it and must not change it (the buffer is shared). */
export function callProgressCycle(tone: CallProgressTone): Int16Array {
  let cycle = built.get(tone);
  if (cycle === undefined) {
    cycle = CYCLES[tone]();
    built.set(tone, cycle);
  }
  return cycle;
}

/** One cycle as a clip (whole 20 ms frames, G.711 forms encoded once): what the relay's playback sends. */
export function callProgressClip(tone: CallProgressTone): AudioClip {
  let clip = clips.get(tone);
  if (clip === undefined) {
    clip = new AudioClip(callProgressCycle(tone));
    clips.set(tone, clip);
  }
  return clip;
}
