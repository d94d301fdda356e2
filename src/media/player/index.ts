// The player: G.711 RTP from linear PCM to one remote (confirmation tones, prompts), and the sample
// buffers it plays: tones, silence, 8 kHz mono WAV and raw G.711 files as clips, and their cache.
export { RtpPlayer, SAMPLES_PER_PACKET, PACKET_MS, type PlayOptions, type PlayResult } from './rtp-player.ts';
export { toneSamples, silence, concatSamples, samplesFor, SAMPLE_RATE } from './tone-samples.ts';
export { readWavSamples, parseWavSamples } from './read-wav-samples.ts';
export { callProgressCycle, callProgressClip, isCallProgressTone, CALL_PROGRESS_TONES, type CallProgressTone } from './call-progress-tones.ts';
export { AudioClip, encodeFrame, silentFrame, FRAME_SAMPLES, FRAME_MS, type G711Law } from './audio-clip.ts';
export { parseAudioClip } from './parse-audio-clip.ts';
export { ClipCache, DEFAULT_CLIP_CACHE_BYTES } from './clip-cache.ts';
