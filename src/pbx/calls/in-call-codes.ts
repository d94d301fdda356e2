// Codes a party keys during a bridged call (docs/feature-codes.md): `*1` switches recording on and off. Keys reach us
// per side from the relay's RFC 4733 listener and from SIP INFO (call-dtmf.ts, b2bua.ts); each side has its own
// buffer: a `*` opens a code, the next keys complete it within KEY_GAP_MS, anything else drops it. The keys still
// reach the other party as they are (the PBX does not hold keys back, as a phone's DTMF to a bank's menu must pass).
import type { CancelTimer, Clock, Logger } from '../../shared/index.ts';
import type { CallSide } from './call-dtmf.ts';
import type { RecordingSwitch } from './call-recording.ts';
import type { HoldMusicMedia } from './hold-music.ts';

export type InCallAction = 'record-toggle';

/** The codes, as Asterisk's features.conf and FreePBX name them: *1 one-touch recording. */
export const IN_CALL_CODES: Readonly<Record<string, InCallAction>> = { '*1': 'record-toggle' };

/** The longest pause between two keys of one code. */
export const KEY_GAP_MS = 3000;

export class InCallCodes {
  private readonly buffers = new Map<CallSide, { keys: string; cancel: CancelTimer }>();

  constructor(
    private readonly clock: Clock,
    /** Told of each complete code, with the side that keyed it. */
    private readonly act: (side: CallSide, action: InCallAction) => void,
    private readonly codes: Readonly<Record<string, InCallAction>> = IN_CALL_CODES,
  ) {}

  /** One key a party pressed. */
  heard(side: CallSide, digit: string): void {
    const open = this.buffers.get(side);
    if (open === undefined && digit !== '*') return;
    open?.cancel();
    const keys = (open?.keys ?? '') + digit;
    const action = this.codes[keys];
    if (action !== undefined) {
      this.buffers.delete(side);
      return this.act(side, action);
    }
    // Still the start of some code: wait for its next key; else a new `*` may open one.
    if (Object.keys(this.codes).some((code) => code.startsWith(keys))) {
      this.buffers.set(side, { keys, cancel: this.clock.setTimer(KEY_GAP_MS, () => this.buffers.delete(side)) });
    } else {
      this.buffers.delete(side);
      if (digit === '*' && keys !== '*') this.heard(side, '*');
    }
  }

  /** The call is over: pending codes are dropped with their timers. */
  close(): void {
    for (const open of this.buffers.values()) open.cancel();
    this.buffers.clear();
  }
}

/** What a party hears after its code: on (two high beeps), off (one low tone), refused (low pulses): feature-code tones. */
const SWITCH_TONE = { on: 'confirm-on', off: 'confirm-off', refused: 'confirm-failed' } as const;

export interface InCallFeatureDeps {
  readonly clock: Clock;
  /** The recording the code switches. */
  readonly recording: { toggle(): RecordingSwitch };
  readonly media: HoldMusicMedia;
  /** The party hearing music on hold now: it keeps its music, with no tone over it. */
  readonly onHold: () => CallSide | undefined;
  readonly logger: Logger;
  readonly linkedId: string;
}

/** The in-call codes of one call: heard per side, acted on, confirmed by a short tone to the party that keyed them. */
export class InCallFeatures {
  private readonly codes: InCallCodes;

  constructor(private readonly deps: InCallFeatureDeps) {
    this.codes = new InCallCodes(deps.clock, (side, action) => this.act(side, action));
  }

  heard(side: CallSide, digit: string): void {
    this.codes.heard(side, digit);
  }

  close(): void {
    this.codes.close();
  }

  private act(side: CallSide, action: InCallAction): void {
    const result = action === 'record-toggle' ? this.deps.recording.toggle() : 'refused';
    this.deps.logger.info({ linkedId: this.deps.linkedId, side, action, result }, 'call: in-call code');
    const format = this.deps.media.playFormatOf(side);
    if (format === undefined || this.deps.onHold() === side) return;
    // A short tone: bridged media to that party waits while it plays (the relay's one playback per side).
    void this.deps.media.sideOf(side).play({ items: [{ kind: 'tone', tone: SWITCH_TONE[result] }], format });
  }
}
