// DtmfSender: keys a relay side sends to its leg as RFC 4733 telephone-events (§2.5.1 sender rules), out of the side's
// own RTP socket and through its restamper, so they are one stream with the media the leg hears. Paced by the relay's
// 20 ms media clock: one packet per frame while a key is held, then the end packet three times; one key at a time.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../shared/index.ts';
import { dtmfEventOf } from '../telephone-event.ts';
import type { FrameSink, MediaClock } from './media-clock.ts';
import type { RelayChannel } from './relay-channel.ts';
import { worthLogging, type RelayCounters } from './relay-context.ts';
import type { DtmfSendOptions } from './relay-control.ts';

const RTP_HEADER_BYTES = 12;
const EVENT_BYTES = 4;
/** 20 ms at 8 kHz: one media-clock frame in timestamp units (telephone-event's clock is the G.711 legs' 8000 Hz). */
const FRAME_TICKS = 160;
const FRAME_MS = 20;
/** A key shorter than 40 ms is missed by some receivers (Q.24's shortest accepted tone); longer than 5 s is no key. */
const MIN_DURATION_MS = 40;
const MAX_DURATION_MS = 5000;
/** -10 dBm0: the level of a key sent by a phone (§2.3.4: volume is the power level in -dBm0). */
const VOLUME = 10;
/** §2.5.1.4: the final packet SHOULD be sent a total of three times, at the update interval. */
const END_PACKETS = 3;
/**
 * Quiet frames after the last end packet before the next key: with the end packets' 40 ms, 100 ms between one key's
 * end and the next one's start, so a receiver that turns events into tones (a gateway) hears two presses.
 */
const GAP_FRAMES = 2;
/**
 * Keys waiting behind the one being sent. SIP INFO keys come at human pace (a few a second) and a key takes 160 ms at
 * most here, so this is only reached by a burst: a dialled string of 32 keys fits; beyond it keys are dropped (and
 * counted) rather than kept for a leg to hear for minutes.
 */
export const MAX_QUEUED_KEYS = 32;

interface Key {
  readonly event: number;
  /** Frames the key is held: its duration in whole 20 ms frames. */
  readonly frames: number;
  readonly payloadType: number;
}

/**
 * While a key goes out, nothing else is sent to the leg: bridged RTP and playback frames are held back, as bridged RTP
 * is for a prompt. Asterisk interleaves audio with the event packets under one SSRC instead, which RFC 4733 allows, but
 * here the leg's one stream is made by one restamper that maps one source at a time: audio between event packets would
 * switch source on every packet, re-basing the event's fixed timestamp and setting the marker bit each time. What is
 * lost is at most a key's length of the other party's audio (100-250 ms), which a receiver that plays the event as a
 * tone would cover anyway; and it is the relay's one rule for what it sends itself: it has the stream to itself.
 */
export class DtmfSender {
  private readonly queue: Key[] = [];
  private current: Key | undefined = undefined;
  /** Frames of the current key sent so far (held frames, then end packets). */
  private sent = 0;
  private gap = 0;
  private running = false;
  // The sender is one RTP source of its own, as the player is: the side's restamper maps it into the leg's stream.
  private readonly ssrc = randomBytes(4).readUInt32BE(0);
  private sequence = randomBytes(2).readUInt16BE(0);
  /** Advances by a frame on every tick, held or not, so keys in a row keep their real spacing in time. */
  private timestamp = randomBytes(4).readUInt32BE(0);
  private eventTimestamp = 0;
  /** The last packet went through the restamper (it is not built while the leg has nowhere to be sent to). */
  private lastRestamped = false;
  private isClosed = false;

  constructor(
    private readonly rtp: RelayChannel,
    private readonly clock: MediaClock,
    private readonly counters: RelayCounters,
    private readonly logger: Logger,
  ) {}

  /** Queues a key; starts at the next media-clock frame when none is being sent. */
  send(digit: string, options: DtmfSendOptions): void {
    if (this.isClosed) return;
    const key = keyOf(digit, options);
    if (typeof key === 'string' || this.queue.length >= MAX_QUEUED_KEYS) {
      const dropped = ++this.counters.dtmfDropped;
      const reason = typeof key === 'string' ? key : `more than ${MAX_QUEUED_KEYS} keys waiting`;
      if (worthLogging(dropped)) this.logger.warn({ reason, dropped }, 'media relay: key not sent');
      return;
    }
    this.queue.push(key);
    if (this.running) return;
    this.running = true;
    this.clock.add(this.onFrame);
  }

  /** The session is closing: nothing more is sent. */
  close(): void {
    this.isClosed = true;
    this.queue.length = 0;
    this.current = undefined;
    this.rtp.side.sendingDtmf = false;
    if (this.running) this.clock.remove(this.onFrame);
    this.running = false;
  }

  private readonly onFrame: FrameSink = () => {
    if (this.current === undefined && this.gap === 0) this.startNext();
    const key = this.current;
    if (key !== undefined) {
      // §2.5.1.2: every packet of the event carries its start timestamp, with the duration so far (a packet covers its
      // own 20 ms); the end packets repeat the final duration with the E bit.
      const ending = this.sent >= key.frames;
      const duration = Math.min(this.sent + 1, key.frames) * FRAME_TICKS;
      this.packet(key, this.sent === 0, ending, duration);
      this.sent++;
      if (this.sent === key.frames + END_PACKETS) this.finish(key);
    } else if (this.gap > 0) {
      this.gap--;
    } else {
      this.running = false;
      this.clock.remove(this.onFrame);
      return;
    }
    this.timestamp = (this.timestamp + FRAME_TICKS) >>> 0;
  };

  private startNext(): void {
    const key = this.queue.shift();
    if (key === undefined) return;
    this.current = key;
    this.sent = 0;
    // §2.5.2: a new event has a new timestamp (two presses of one key are two events).
    this.eventTimestamp = this.timestamp;
    // Held back from the leg meanwhile: bridged RTP (relay-channel.ts) and playback frames (side-player.ts).
    this.rtp.side.sendingDtmf = true;
  }

  private finish(key: Key): void {
    this.current = undefined;
    this.gap = GAP_FRAMES;
    this.rtp.side.sendingDtmf = false;
    // A key is counted once its last packet went out (none does while the leg has nowhere to be sent to).
    if (!this.lastRestamped) return;
    this.counters.dtmfSent++;
    // Media after the key follows its whole span in the leg's timeline (its frames and the end packets' time), not
    // the event's start timestamp that the last end packet carries.
    this.rtp.restamper?.extendLast((key.frames + END_PACKETS - 1) * FRAME_TICKS);
  }

  private packet(key: Key, marker: boolean, end: boolean, duration: number): void {
    const rtp = this.rtp;
    const address = rtp.destAddress;
    this.lastRestamped = false;
    if (address === undefined) return;
    // A new buffer per packet (a few per key): the socket reads it after send() returns.
    const packet = Buffer.allocUnsafe(RTP_HEADER_BYTES + EVENT_BYTES);
    // §2.5.1.2 (and RFC 3551 §4.1 for a talkspurt): the first packet of an event has the marker bit, no other does.
    packet[0] = 0x80;
    packet[1] = (marker ? 0x80 : 0) | (key.payloadType & 0x7f);
    packet.writeUInt16BE(this.sequence, 2);
    packet.writeUInt32BE(this.eventTimestamp, 4);
    packet.writeUInt32BE(this.ssrc, 8);
    packet[12] = key.event;
    // §2.3: E bit, the reserved R bit zero, then the volume.
    packet[13] = (end ? 0x80 : 0) | VOLUME;
    packet.writeUInt16BE(duration, 14);
    this.sequence = (this.sequence + 1) & 0xffff;
    rtp.restamper?.restamp(packet);
    this.lastRestamped = true;
    try {
      rtp.socket.send(packet, rtp.destPort, address, rtp.afterSend);
    } catch (error) {
      rtp.onError(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    rtp.side.packetsOut++;
    rtp.side.bytesOut += packet.length;
    this.counters.packetsPlayed++;
  }
}

/** The key to send, or why not: an unknown digit, a bad payload type; the duration is brought within bounds. */
function keyOf(digit: string, options: DtmfSendOptions): Key | string {
  const event = typeof digit === 'string' ? dtmfEventOf(digit) : undefined;
  if (event === undefined) return `not a DTMF digit: ${String(digit)}`;
  const payloadType = options?.payloadType;
  if (!Number.isInteger(payloadType) || payloadType < 0 || payloadType > 127) return `payloadType must be 0-127 (${String(payloadType)})`;
  const asked = options.durationMs;
  const ms = Number.isFinite(asked) ? Math.min(MAX_DURATION_MS, Math.max(MIN_DURATION_MS, asked)) : MIN_DURATION_MS;
  return { event, frames: Math.ceil(ms / FRAME_MS), payloadType };
}
