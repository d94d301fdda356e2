// The call recorder of the RTP relay: both directions of a call from their RTP packets into one WAV file.
export { CallRecorder, DEFAULT_REORDER_MS, DEFAULT_JUMP_MS } from './call-recorder.ts';
export { DEFAULT_RECORDER_ENCODINGS } from './recorder-track.ts';
export type {
  RecorderOptions,
  RecorderPacket,
  RecorderEncoding,
  RecorderTrackIndex,
  RecordingMode,
  RecordingResult,
  RecordingTrackStats,
  RecorderPayloadTypes,
} from './recorder-types.ts';
