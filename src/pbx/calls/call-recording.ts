// A call's recording: asked for by a step or a setting (ex_recording, di_recording) at any time, started on the
// relay once the call is answered (by a party, or by the PBX itself), finished with the call.
import type { RecordEncodings, RelaySessionControl } from '../../media/index.ts';
import type { Logger } from '../../shared/index.ts';

/** Where a call's recording goes (a file under the tenant's folder). */
export interface RecordingPaths {
  pathFor(tenantId: number, uniqueId: string, at: Date): string;
}

export class CallRecording {
  private wanted = false;
  /** The file being written, once started. */
  private path: string | undefined;

  constructor(
    private readonly paths: RecordingPaths | undefined,
    private readonly logger: Logger,
  ) {}

  /** The call is to be recorded; false when this node records nothing (no place for recordings). */
  want(): boolean {
    this.wanted = true;
    return this.paths !== undefined;
  }

  /** Starts the relay's recorder (once) when the call is answered and recording is wanted. */
  start(relay: RelaySessionControl, call: { readonly tenantId: number; readonly uniqueId: string; readonly at: Date }, encodings: RecordEncodings): void {
    if (!this.wanted || this.path !== undefined || this.paths === undefined) return;
    const path = this.paths.pathFor(call.tenantId, call.uniqueId, call.at);
    this.path = path;
    relay.record({ path, mode: 'mixed', encodings: [encodings, encodings] });
  }

  /** The call is over: the relay finishes the file, and what it says of it is logged. */
  finish(relay: RelaySessionControl): void {
    const path = this.path;
    if (path === undefined) return;
    void relay.stopRecording().then((result) => {
      if (result?.error !== undefined) this.logger.warn({ path, error: result.error }, 'call: recording failed');
      else if (result !== undefined && result.undecodable.count > 0) this.logger.warn({ path, undecodable: result.undecodable }, 'call: recording incomplete: a codec the recorder cannot decode');
    });
  }
}
