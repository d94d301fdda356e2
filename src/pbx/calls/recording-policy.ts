// Whether a call is recorded, and whether its parties may change that during the call, from what asks for it: DIAL's
// `recording` (SETRECORDING, spec §2.16), the tenant's RECORDING setting, a DID's di_recording, an extension's
// ex_recording, and steps that record (recordCall). MiRTA's four values: `yes` records, `no` does not, and the
// `...change` forms let the parties switch it with the in-call code (*1). Pure: no clock, no store.

export type RecordingMode = 'yes' | 'no' | 'yeschange' | 'nochange';

/** A stored or given value as a mode: `on`/`1`/`true` read as yes (a flag column); empty or unknown: no opinion. */
export function recordingMode(value: unknown): RecordingMode | undefined {
  const text = String(value ?? '').trim().toLowerCase();
  if (text === 'yes' || text === 'on' || text === '1' || text === 'true') return 'yes';
  if (text === 'no' || text === 'yeschange' || text === 'nochange') return text;
  return undefined;
}

const records = (mode: RecordingMode): boolean => mode === 'yes' || mode === 'yeschange';

export class RecordingPolicy {
  /** DIAL's value: the API client decided for this call, over every setting. */
  private dial: RecordingMode | undefined;
  private readonly settings: RecordingMode[] = [];

  /** DIAL's `recording=`: decides alone. */
  fromDial(mode: RecordingMode): void {
    this.dial = mode;
  }

  /** A setting (tenant, DID, extension) or a step that records. */
  fromSetting(mode: RecordingMode): void {
    this.settings.push(mode);
  }

  /**
   * Recorded when DIAL says so, else when any setting records: one party's or number's obligation to record is not
   * lifted by another's indifference (a DID that records every call records calls to extensions that do not).
   */
  get record(): boolean {
    if (this.dial !== undefined) return records(this.dial);
    return this.settings.some(records);
  }

  /**
   * Whether the in-call code may switch recording: DIAL's `...change`; else, when recorded, only if every setting that
   * records allows change (a plain `yes` is an obligation); when not recorded, unless a setting says plain `no`.
   * Nothing said at all: on demand, as Asterisk's one-touch recording.
   */
  get changeable(): boolean {
    if (this.dial !== undefined) return this.dial === 'yeschange' || this.dial === 'nochange';
    const recording = this.settings.filter(records);
    if (recording.length > 0) return recording.every((m) => m === 'yeschange');
    return !this.settings.includes('no');
  }
}
