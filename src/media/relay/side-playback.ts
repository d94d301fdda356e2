// SidePlayback: one playback on one relay side: its playlist loaded, then one frame per tick of the relay's media
// clock handed to the side to send, until the list is over, it is stopped, a stop digit is heard or an item fails.
// It settles exactly once, with how it ended; it never throws to its caller.
import type { ClipCache, G711Law } from '../player/index.ts';
import { silentFrame } from '../player/index.ts';
import type { FrameSink, MediaClock } from './media-clock.ts';
import type { MediaSource, SourceListener } from './media-source.ts';
import { PlayCursor } from './play-cursor.ts';
import type { PlaybackEnd, PlayRequest } from './relay-control.ts';
import { resolvePlayItems, type PlaySegment, type SourceLookup } from './resolve-play-items.ts';

/** What a playback needs of its side. */
export interface PlaybackOutput {
  /**
   * Sends one frame to the leg as the side's RTP stream; false when it was not sent (nowhere to send yet, or a key
   * being sent to the leg). `dueMs` is when the media clock had it due (a recording places it by that).
   */
  sendFrame(payload: Buffer, payloadType: number, marker: boolean, dueMs: number): boolean;
  /** The playback is over (the side forgets it if it is still its current one). */
  playbackEnded(playback: SidePlayback): void;
}

/** What every playback of one relay shares: its media clock, prompt cache and fan-out sources. */
export interface PlaybackHost {
  readonly clock: MediaClock;
  readonly clips: ClipCache;
  readonly sources: SourceLookup;
}

const DTMF_DIGITS = /^[0-9*#A-D]*$/;

export class SidePlayback implements SourceListener {
  readonly done: Promise<PlaybackEnd>;
  private settle: (end: PlaybackEnd) => void = () => undefined;
  private cursor: PlayCursor<PlaySegment> | undefined = undefined;
  private framesSent = 0;
  private isEnded = false;
  private listening: MediaSource | undefined = undefined;
  /** RFC 3551 §4.1: the first packet of a talkspurt carries the marker bit; each playback is one. */
  private marker = true;
  private law: G711Law = 'PCMU';
  private payloadType = 0;
  private stopDigits = '';

  constructor(
    private readonly request: PlayRequest,
    private readonly output: PlaybackOutput,
    private readonly host: PlaybackHost,
  ) {
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  get ended(): boolean {
    return this.isEnded;
  }

  /** Checks the request (it may have crossed a thread unchecked) and loads its items; frames start once they are in. */
  start(): void {
    const request = this.request;
    const format = request?.format;
    if (format?.encoding !== 'PCMU' && format?.encoding !== 'PCMA') return this.error('format.encoding must be PCMU or PCMA');
    if (!Number.isInteger(format.payloadType) || format.payloadType < 0 || format.payloadType > 127) return this.error('format.payloadType must be 0-127');
    const digits = request.stopOnDigits ?? '';
    if (typeof digits !== 'string' || !DTMF_DIGITS.test(digits)) return this.error('stopOnDigits holds DTMF digits only (0-9 * # A-D)');
    this.law = format.encoding;
    this.payloadType = format.payloadType;
    this.stopDigits = digits;
    resolvePlayItems(request.items, this.host.clips, this.host.sources).then(
      (segments) => {
        if (this.isEnded) return;
        if (!segments.ok) return this.error(segments.error);
        this.cursor = new PlayCursor(segments.value, request.loop === true);
        this.host.clock.add(this.onFrame);
      },
      (error: unknown) => this.error(error instanceof Error ? error.message : String(error)),
    );
  }

  stopsOn(digit: string): boolean {
    return digit.length === 1 && this.stopDigits.includes(digit);
  }

  stop(): void {
    this.end({ reason: 'stopped', framesSent: this.framesSent });
  }

  digitHeard(digit: string): void {
    this.end({ reason: 'digit', digit, framesSent: this.framesSent });
  }

  sourceClosed(source: MediaSource): void {
    if (source === this.listening) this.stop();
  }

  private readonly onFrame: FrameSink = (dueMs, frameNumber) => {
    const cursor = this.cursor;
    if (cursor === undefined || this.isEnded) return;
    // The list ends one tick after its last frame went out: that frame has been heard by then.
    const segment = cursor.current();
    if (segment === undefined) return this.end({ reason: 'finished', framesSent: this.framesSent });
    let payload: Buffer;
    if (segment.kind === 'source') {
      // A source closed before its turn came is as over as one closed while heard.
      if (segment.source.closed) return this.stop();
      this.listen(segment.source);
      payload = segment.source.frame(this.law, dueMs, frameNumber);
    } else {
      this.listen(undefined);
      payload = segment.kind === 'clip' ? segment.clip.frame(this.law, cursor.position % segment.clip.frameCount) : silentFrame(this.law);
    }
    cursor.advance();
    if (this.output.sendFrame(payload, this.payloadType, this.marker, dueMs)) {
      this.framesSent++;
      this.marker = false;
    }
  };

  private listen(source: MediaSource | undefined): void {
    if (source === this.listening) return;
    this.listening?.leave(this);
    this.listening = source;
    source?.join(this);
  }

  private error(message: string): void {
    this.end({ reason: 'error', error: message, framesSent: this.framesSent });
  }

  private end(end: PlaybackEnd): void {
    if (this.isEnded) return;
    this.isEnded = true;
    this.host.clock.remove(this.onFrame);
    this.listen(undefined);
    this.output.playbackEnded(this);
    this.settle(end);
  }
}
