// SidePlayer: what a relay side plays to its leg itself (prompts, tones, a fan-out source) and the digits it hears.
// Frames go out of the side's own RTP socket through its restamper, so the leg hears one RTP stream whoever speaks:
// a prompt, then the party it is bridged to, then a prompt again. One playback at a time; ringback is one too.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../shared/index.ts';
import type { RelayChannel } from './relay-channel.ts';
import type { RelayCounters } from './relay-context.ts';
import type { DtmfListener, DtmfMethod, PlaybackEnd, PlayRequest, RelayTone } from './relay-control.ts';
import { SidePlayback, type PlaybackHost, type PlaybackOutput } from './side-playback.ts';

const RTP_HEADER_BYTES = 12;
/** 20 ms frames; a frame due this much later than the last one sent follows a pause in the stream. */
const FRAME_MS = 20;
/**
 * A pause longer than this is not a stall but a new playback after idle time: its timestamps simply go on (the
 * restamper or the far end treats it as a new talkspurt anyway).
 */
const MAX_GAP_FRAMES = 250;

export class SidePlayer implements PlaybackOutput {
  onDtmf: DtmfListener | undefined = undefined;
  private current: SidePlayback | undefined = undefined;
  /** The playback playTone started, and what it plays: the same tone again goes on rather than restarting. */
  private tone: { readonly playback: SidePlayback; readonly name: string; readonly payloadType: number } | undefined = undefined;
  // The player is one RTP source of its own (RFC 3550 §5.1): its sequence and timestamp run on across playbacks, and
  // the side's restamper turns them into the side's stream, as it does for a bridged party's packets.
  private readonly ssrc = randomBytes(4).readUInt32BE(0);
  private sequence = randomBytes(2).readUInt16BE(0);
  private timestamp = randomBytes(4).readUInt32BE(0);
  /** When the last frame sent was due (the media clock's time line), to see frames the clock skipped in a stall. */
  private lastDueMs: number | undefined = undefined;
  private isClosed = false;

  constructor(
    private readonly rtp: RelayChannel,
    private readonly host: PlaybackHost,
    private readonly counters: RelayCounters,
    private readonly logger: Logger,
  ) {}

  get playing(): boolean {
    return this.current !== undefined;
  }

  play(request: PlayRequest): Promise<PlaybackEnd> {
    this.current?.stop();
    if (this.isClosed) return Promise.resolve({ reason: 'error', error: 'relay session is closed', framesSent: 0 });
    const playback = new SidePlayback(request, this, this.host);
    this.current = playback;
    playback.start();
    return playback.done;
  }

  stop(): void {
    this.current?.stop();
  }

  playTone(tone: RelayTone | undefined): void {
    const playing = this.tone !== undefined && this.tone.playback === this.current ? this.tone : undefined;
    // The same tone again (a second 180) goes on where it is rather than restarting its cadence.
    if (tone !== undefined && playing !== undefined && playing.name === tone.name && playing.payloadType === tone.payloadType) return;
    // Undefined stops the tone only: a prompt that replaced it is not playTone's to stop.
    playing?.playback.stop();
    this.tone = undefined;
    if (tone === undefined || this.isClosed) return;
    if (this.rtp.destAddress === undefined) return; // nowhere to send yet: the leg has neither an SDP address nor a latched source
    const done = this.play({ items: [{ kind: 'tone', tone: tone.name }], loop: true, format: { payloadType: tone.payloadType, encoding: tone.payloadType === 0 ? 'PCMU' : 'PCMA' } });
    const playback = this.current;
    if (playback !== undefined) this.tone = { playback, name: tone.name, payloadType: tone.payloadType };
    void done.then((end) => {
      if (end.reason === 'error') this.logger.warn({ err: end.error }, 'media relay: tone failed');
    });
  }

  /**
   * A digit heard on this side (the DTMF detector, RFC 4733 or in-band, calls this in the relay's thread). Listeners
   * hear every digit; a playback that stops on it ends with reason 'digit'.
   */
  digitHeard(digit: string, method: DtmfMethod): void {
    const listener = this.onDtmf;
    if (listener !== undefined) {
      try {
        listener(digit, method);
      } catch (error) {
        this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'media relay onDtmf threw');
      }
    }
    const playback = this.current;
    if (playback !== undefined && playback.stopsOn(digit)) playback.digitHeard(digit);
  }

  /** The session is closing: the playback ends 'stopped', later ones are refused. */
  close(): void {
    this.isClosed = true;
    this.onDtmf = undefined;
    this.stop();
  }

  sendFrame(payload: Buffer, payloadType: number, marker: boolean, dueMs: number): boolean {
    const rtp = this.rtp;
    const address = rtp.destAddress;
    if (address === undefined || this.isClosed) return false;
    if (rtp.side.sendingDtmf) {
      // A key being sent has the stream to itself (dtmf-sender.ts): the frame is skipped in time; the restamper marks
      // the first one after the key as a new talkspurt, since another source spoke in between.
      this.counters.mutedByDtmf++;
      return false;
    }
    // Frames the media clock skipped (its thread stalled, or a key had the stream) are time that passed: the
    // timestamp moves on by them and the packet opens a new talkspurt, so the phone's jitter buffer re-syncs instead
    // of hearing every later frame that much late (RFC 3550 §5.1, RFC 3551 §4.1).
    const skipped = this.lastDueMs === undefined ? 0 : Math.round((dueMs - this.lastDueMs) / FRAME_MS) - 1;
    this.lastDueMs = dueMs;
    if (skipped > 0 && skipped <= MAX_GAP_FRAMES) {
      this.timestamp = (this.timestamp + skipped * payload.length) >>> 0;
      marker = true;
    }
    // A new buffer per packet: the socket reads it after send() returns, and the payload may be a shared view.
    const packet = Buffer.allocUnsafe(RTP_HEADER_BYTES + payload.length);
    packet[0] = 0x80;
    packet[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
    packet.writeUInt16BE(this.sequence, 2);
    packet.writeUInt32BE(this.timestamp, 4);
    packet.writeUInt32BE(this.ssrc, 8);
    payload.copy(packet, RTP_HEADER_BYTES);
    this.sequence = (this.sequence + 1) & 0xffff;
    this.timestamp = (this.timestamp + payload.length) >>> 0;
    rtp.restamper?.restamp(packet);
    try {
      rtp.socket.send(packet, rtp.destPort, address, rtp.afterSend);
    } catch (error) {
      // A socket closed under us: counted like any send error, and the media clock goes on for the other sides.
      rtp.onError(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
    rtp.side.packetsOut++;
    rtp.side.bytesOut += packet.length;
    this.counters.packetsPlayed++;
    // What a recorded caller hears (track 1), as the player's own source (the payload is read now, never kept).
    rtp.side.recording?.played(payload, payloadType, (this.sequence - 1) & 0xffff, this.ssrc, dueMs);
    return true;
  }

  playbackEnded(playback: SidePlayback): void {
    if (this.current === playback) this.current = undefined;
    if (this.tone?.playback === playback) this.tone = undefined;
  }
}
