// The call recorder's vocabulary: options, the packet it is fed (the fields of an RTP fixed header, RFC 3550 §5.1)
// and what a finished recording reports. Shared by call-recorder.ts and its parts.

/**
 * What a payload type carries on a track. PCMU/PCMA are decoded (RFC 3551 §4.5.14); CN (RFC 3389) and
 * telephone-event (RFC 4733) are not audio and are skipped without counting as undecodable, so name the
 * negotiated dynamic telephone-event PT here, or its packets count as an unknown codec.
 */
export type RecorderEncoding = 'PCMU' | 'PCMA' | 'CN' | 'telephone-event';

/** 'mixed': one channel, the two tracks summed with saturation. 'stereo': track 0 left, track 1 right. */
export type RecordingMode = 'mixed' | 'stereo';

/** Track 0: what the caller sends. Track 1: what the other party sends (a phone, a carrier or the PBX's prompts). */
export type RecorderTrackIndex = 0 | 1;

/**
 * The RTP fields the recorder reads; a parsed `RtpPacket` (rtp-packet.ts) fits as it is. The payload may be a
 * view into a datagram the relay reuses: it is decoded during the call and never kept.
 */
export interface RecorderPacket {
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly payload: Uint8Array;
}

export type RecorderPayloadTypes = ReadonlyMap<number, RecorderEncoding>;

export interface RecorderOptions {
  /** Where the WAV file goes; already resolved under the tenant's folder. Its parent is created if missing. */
  readonly path: string;
  readonly mode: RecordingMode;
  /** Per track, payload type -> encoding. Absent: PT 0 = PCMU, 8 = PCMA, 13 = CN on both tracks. */
  readonly encodings?: readonly [RecorderPayloadTypes, RecorderPayloadTypes];
  /** The recording's start on the caller's millisecond clock; every later time is on the same clock. */
  readonly nowMs: number;
  /** How long a packet may arrive after its slot and still be placed (default 200 ms). */
  readonly reorderMs?: number;
  /** A timestamp this far off what the elapsed arrival time explains re-anchors the stream (default 2500 ms). */
  readonly jumpMs?: number;
  /** Called once, from the write path, when the recording fails (disk full, path not writable). */
  readonly onError?: (message: string) => void;
}

/** Per-track packet counters. */
export interface RecordingTrackStats {
  /** Every packet pushed on the track. */
  readonly packets: number;
  /** Datagrams given to pushDatagram that are not RTP (dropped). */
  readonly malformed: number;
  /** Audio packets decoded onto the timeline (duplicates and late ones excluded). */
  readonly decoded: number;
  readonly duplicates: number;
  /** Audio packets that came after their place had been written to the file (beyond the reorder window). */
  readonly late: number;
  /** Comfort noise and telephone-event packets: not audio, rendered as silence. */
  readonly nonAudio: number;
  /** Packets in a codec the recorder cannot decode (left as silence, never written as noise). */
  readonly undecodable: number;
  /** SSRCs seen: 1 for a plain call, one more per transfer to a new source. */
  readonly streams: number;
  /** Timestamp jumps that re-anchored a stream at its arrival time. */
  readonly reanchors: number;
  /** Small steady shifts that kept a stream whose clock drifts inside the reorder window. */
  readonly driftCorrections: number;
}

export interface RecordingResult {
  readonly path: string;
  readonly mode: RecordingMode;
  /** Length of the audio in the file (paused time excluded). */
  readonly durationMs: number;
  /** Time skipped while paused. */
  readonly pausedMs: number;
  /** Size of the file written, header included. */
  readonly bytes: number;
  /** Packets no decoder could read, over both tracks: a count above 0 means the recording is incomplete. */
  readonly undecodable: { readonly count: number; readonly payloadTypes: readonly number[] };
  readonly tracks: readonly [RecordingTrackStats, RecordingTrackStats];
  /** Why the recording failed (it then holds what was written before), or undefined when it is complete. */
  readonly error: string | undefined;
}
