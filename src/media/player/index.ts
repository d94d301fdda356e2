// The player: G.711 RTP from linear PCM to one remote (confirmation tones, prompts), and the sample
// buffers it plays: tones, silence and 8 kHz mono WAV files.
export { RtpPlayer, SAMPLES_PER_PACKET, PACKET_MS, type PlayOptions, type PlayResult } from './rtp-player.ts';
export { toneSamples, silence, concatSamples, samplesFor, SAMPLE_RATE } from './tone-samples.ts';
export { readWavSamples, parseWavSamples } from './read-wav-samples.ts';
export { callProgressCycle, type CallProgressTone } from './call-progress-tones.ts';
