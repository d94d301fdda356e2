// Uploaded audio to the relay's format (8 kHz mono 16-bit PCM WAV): decoders, the anti-alias resampler,
// the in-thread pipeline and the worker-backed AudioConverter the media file service uses.
export { AudioConverter, type AudioConversion, type AudioConverterOptions } from './audio-converter.ts';
export { convertToRelayWav, DEFAULT_CONVERT_OPTIONS, type ConvertOptions, type ConvertedAudio } from './convert-audio.ts';
export { resample, designFilter, DEFAULT_RESAMPLER, type ResamplerDesign, type PolyphaseFilter } from './resample.ts';
export { decodeWav } from './decode-wav.ts';
export { RELAY_SAMPLE_RATE, mixToMono, relayWav, toInt16, type PcmAudio, type DecodeFailure } from './pcm-audio.ts';
