// A call's recording: asked for by DIAL, the tenant's, DID's and extensions' settings and by steps (recording-policy.ts),
// started on the relay once the call is answered (by a party, or by the PBX itself), switched off and on again by a
// party with the in-call code (a pause: the one file skips the paused time), finished with the call.
import type { RecordEncodings, RelaySessionControl } from '../../media/index.ts';
import type { Logger } from '../../shared/index.ts';
import { RecordingPolicy, type RecordingMode } from './recording-policy.ts';

/** The recording settings the store holds (store-recording-settings.ts); each undefined when it says nothing. */
export interface RecordingSettings {
  /** The tenant's RECORDING setting (se_settings). */
  tenant(tenantId: number): Promise<RecordingMode | undefined>;
  /** ex_recording of the extension with this SIP account. */
  extension(tenantId: number, account: string): Promise<RecordingMode | undefined>;
  /** di_recording of the tenant's DID with this number. */
  did(tenantId: number, number: string): Promise<RecordingMode | undefined>;
}

/** Where a call's recording goes (a file under the tenant's folder), and the settings that ask for it. */
export interface RecordingPaths {
  pathFor(tenantId: number, uniqueId: string, at: Date): string;
  /** None: only steps (ex_recording, di_recording through recordCall) and DIAL ask, and always as a plain `yes`. */
  readonly settings?: RecordingSettings;
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

/** What a recording needs of its call: the relay, whether it may start now, who it is, how the payload types read. */
export interface RecordingHost {
  readonly relay: RelaySessionControl;
  /** Answered (by a party or the PBX) and not over. */
  readonly live: boolean;
  recordedCall(): RecordedCall;
  encodings(): RecordEncodings;
}

/** What the in-call code did: switched on (started or resumed), off (paused), or refused (not allowed here). */
export type RecordingSwitch = 'on' | 'off' | 'refused';

/** A WAV of this size or less holds its header and no audio. */
const WAV_HEADER_BYTES = 44;

export class CallRecording {
  private readonly policy = new RecordingPolicy();
  /** A party switched recording on with the in-call code: it stays wanted whatever the settings said. */
  private switchedOn = false;
  private paused = false;
  /** The file being written, once started, and the call it records. */
  private path: string | undefined;
  private call: RecordedCall | undefined;

  constructor(
    private readonly paths: RecordingPaths | undefined,
    private readonly logger: Logger,
    private readonly log: RecordingLog | undefined,
    private readonly host: RecordingHost,
  ) {}

  /** The settings this node reads, if any (the call asks them about its tenant, DID and extensions). */
  get settings(): RecordingSettings | undefined {
    return this.paths?.settings;
  }

  /**
   * A step or a flag asks for the call to be recorded; false when this node records nothing. Where the node reads the
   * settings itself, the flag's own value (`yes` or `yeschange`) comes from there, so the step's ask allows change.
   */
  want(): boolean {
    this.policy.fromSetting(this.paths?.settings === undefined ? 'yes' : 'yeschange');
    this.update();
    return this.paths !== undefined;
  }

  /** DIAL's `recording=`: decides over the settings. */
  dialSays(mode: RecordingMode): void {
    this.policy.fromDial(mode);
    this.update();
  }

  /** The call's own settings: its tenant's, its calling extension's ('' for none), the DID it came in on. */
  readSettings(tenantId: number, parties: { readonly callerAccount: string; readonly did?: string }): void {
    const settings = this.paths?.settings;
    if (settings === undefined) return;
    this.consider(settings.tenant(tenantId));
    if (parties.callerAccount !== '') this.consider(settings.extension(tenantId, parties.callerAccount));
    if (parties.did !== undefined) this.consider(settings.did(tenantId, parties.did));
  }

  /** An extension the call rings (its ex_recording counts as the caller's does). */
  readExtension(tenantId: number, account: string): void {
    const settings = this.paths?.settings;
    if (settings !== undefined && account !== '') this.consider(settings.extension(tenantId, account));
  }

  /** A setting read from the store (tenant, DID, extension), once it arrives; a failed read counts as no opinion. */
  consider(reading: Promise<RecordingMode | undefined>): void {
    reading.then(
      (mode) => {
        if (mode === undefined) return;
        this.policy.fromSetting(mode);
        this.update();
      },
      (error: unknown) => this.logger.warn({ err: error }, 'call: a recording setting could not be read'),
    );
  }

  /** Whether the call is to be recorded now (settings, DIAL, or a party's in-call code). */
  get wanted(): boolean {
    return this.switchedOn || this.policy.record;
  }

  /** The call was answered (or a setting arrived after): the relay's recorder starts, once, if wanted. */
  update(): void {
    if (!this.wanted || this.path !== undefined || this.paths === undefined || !this.host.live) return;
    const call = this.host.recordedCall();
    const path = this.paths.pathFor(call.tenantId, call.uniqueId, call.at);
    this.path = path;
    this.call = call;
    const encodings = this.host.encodings();
    this.host.relay.record({ path, mode: 'mixed', encodings: [encodings, encodings] });
  }

  /**
   * The in-call code: starts recording, pauses it, or resumes it in the same file. Refused when the settings or DIAL do
   * not let the parties change it (`yes`, `no`), or this node records nothing.
   */
  toggle(): RecordingSwitch {
    if (this.paths === undefined || !this.policy.changeable || !this.host.live) return 'refused';
    if (this.path === undefined) {
      this.switchedOn = true;
      this.update();
      return this.path === undefined ? 'refused' : 'on';
    }
    this.paused = !this.paused;
    this.host.relay.pauseRecording(this.paused);
    return this.paused ? 'off' : 'on';
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
