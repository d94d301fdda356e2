// Call recordings: metadata rows, tenant-scoped reads, and the audio as WAV or MP3 (lame).
export { RecordingService, type AudioFormat, type RecordedCall, type RecordingAudio, type RecordingLog, type RecordingSettings } from './recording-service.ts';
export { LameMp3Encoder, type Mp3Encoder, type Mp3EncoderSettings } from './mp3-encoder.ts';
