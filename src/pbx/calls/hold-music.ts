// What a party put on hold hears: when the other party's re-INVITE or UPDATE holds the call (sendonly, inactive), its
// class of music (music-on-hold.ts: the call's MUSICONHOLD choice, the holding extension's, the tenant's default)
// instead of silence, until the call is resumed.
import type { PlayFormat, RelaySideControl } from '../../media/index.ts';
import type { CallSide } from './call-dtmf.ts';
import type { MusicOnHold } from './music-on-hold.ts';

export interface HoldMusicMedia {
  sideOf(side: CallSide): RelaySideControl;
  playFormatOf(side: CallSide): PlayFormat | undefined;
}

export class HoldMusic {
  /** The party hearing music because the other one put the call on hold. */
  private listening: CallSide | undefined;
  /** The class a MUSICONHOLD step chose for the call. */
  private classId: number | undefined;

  constructor(
    private readonly moh: MusicOnHold | undefined,
    private readonly tenantId: number,
    private readonly media: HoldMusicMedia,
    /** Whether the two parties are still bridged (music starts late: the class may have to be read first). */
    private readonly bridged: () => boolean,
  ) {}

  /** Who hears music now, if anyone. */
  get hearing(): CallSide | undefined {
    return this.listening;
  }

  /** MUSICONHOLD-<id>: this class for the rest of the call. */
  choose(classId: number): void {
    this.classId = classId;
  }

  /** `holder` put the other party on hold (held) or took it off hold; `account` is its SIP account ('' for none). */
  changed(holder: CallSide, held: boolean, account: string): void {
    const other: CallSide = holder === 'a' ? 'b' : 'a';
    const listener = this.media.sideOf(other);
    if (!held) {
      if (this.listening === other) {
        listener.stopPlayback();
        this.listening = undefined;
      }
      return;
    }
    const format = this.media.playFormatOf(other);
    if (format === undefined || this.moh === undefined || this.listening === other) return;
    this.listening = other;
    const choice = { ...(this.classId === undefined ? {} : { classId: this.classId }), holder: account };
    void this.moh.sourceFor(this.tenantId, choice).then((source) => {
      if (source === undefined || this.listening !== other || !this.bridged()) return;
      void listener.play({ items: [{ kind: 'source', name: source }], loop: true, format });
    });
  }
}
