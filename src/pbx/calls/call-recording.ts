// A call's recording: asked for by a step or a setting (ex_recording, di_recording) at any time, started on the
// relay once the call is answered (by a party, or by the PBX itself), finished with the call.
import type { RecordEncodings, RelaySessionControl } from '../../media/index.ts';
import type { Logger } from '../../shared/index.ts';

/** Where a call's recording goes (a file under the tenant's folder). */
export interface RecordingPaths {
  pathFor(tenantId: number, uniqueId: string, at: Date): string;
}

/** A recording file the relay has finished: what the recordings list and INFO recording read. */
export interface FinishedRecording {
  readonly tenantId: number;
  readonly uniqueId: string;
  readonly linkedId: string;
  /** DIAL's originate id, '' for other calls. */
  readonly originateId: string;
  /** Exactly what RecordingPaths.pathFor gave. */
  readonly path: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly bytes: number;
  readonly durationMs: number;
}

/** Told of each finished recording (services keep its row); never rejects. */
export interface RecordingLog {
  recorded(recording: FinishedRecording): Promise<void>;
}

/** The call a recording belongs to. */
export interface RecordedCall {
  readonly tenantId: number;
  readonly uniqueId: string;
  readonly linkedId: string;
  readonly originateId: string;
  /** When the recording starts (the answer). */
  readonly at: Date;
}

/** A WAV of this size or less holds its header and no audio. */
const WAV_HEADER_BYTES = 44;

export class CallRecording {
  private wanted = false;
  /** The file being written, once started, and the call it records. */
  private path: string | undefined;
  private call: RecordedCall | undefined;

  constructor(
    private readonly paths: RecordingPaths | undefined,
    private readonly logger: Logger,
    private readonly log?: RecordingLog,
  ) {}

  /** The call is to be recorded; false when this node records nothing (no place for recordings). */
  want(): boolean {
    this.wanted = true;
    return this.paths !== undefined;
  }

  /** Starts the relay's recorder (once) when the call is answered and recording is wanted. */
  start(relay: RelaySessionControl, call: RecordedCall, encodings: RecordEncodings): void {
    if (!this.wanted || this.path !== undefined || this.paths === undefined) return;
    const path = this.paths.pathFor(call.tenantId, call.uniqueId, call.at);
    this.path = path;
    this.call = call;
    relay.record({ path, mode: 'mixed', encodings: [encodings, encodings] });
  }

  /** The call is over: the relay finishes the file, and what it says of it is logged. */
  finish(relay: RelaySessionControl, endedAt: Date): void {
    const path = this.path;
    const call = this.call;
    if (path === undefined || call === undefined) return;
    void relay.stopRecording().then((result) => {
      if (result?.error !== undefined) this.logger.warn({ path, error: result.error }, 'call: recording failed');
      else if (result !== undefined && result.undecodable.count > 0) this.logger.warn({ path, undecodable: result.undecodable }, 'call: recording incomplete: a codec the recorder cannot decode');
      // A failed recording still holds what was written before the failure: it is listed too; a bare header is not.
      if (result === undefined || result.bytes <= WAV_HEADER_BYTES) return;
      void this.log?.recorded({ tenantId: call.tenantId, uniqueId: call.uniqueId, linkedId: call.linkedId, originateId: call.originateId, path, startedAt: call.at, endedAt, bytes: result.bytes, durationMs: result.durationMs });
    });
  }
}
