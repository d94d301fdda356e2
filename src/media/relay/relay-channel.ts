// One socket of a relay side (RTP or RTCP, RFC 3550 §11 port pair): symmetric-RTP latching (RFC 4961) restricted to
// the leg's own addresses, and the hot path that forwards what the leg sends out of the paired side's socket.
import { randomBytes } from 'node:crypto';
import type { RemoteInfo, Socket } from 'node:dgram';
import type { Logger } from '../../shared/index.ts';
import { worthLogging, type RelayContext } from './relay-context.ts';
import type { SideName } from './relay-control.ts';
import { RtpRestamper } from './rtp-restamper.ts';

export type RelayChannelKind = 'rtp' | 'rtcp';

/**
 * Sees every packet accepted on a side before it is forwarded (a recorder, a DTMF detector). The
 * buffer is the received datagram and is forwarded after the call: read it, do not keep or change it.
 */
export type RelayTap = (side: SideName, packet: Buffer, channel: RelayChannelKind) => void;

/**
 * A recorded session's taps on its side A (session-recording.ts): what the leg sends, what is forwarded to it and what
 * the relay plays to it. Each reads the buffer before returning and keeps nothing of it.
 */
export interface RecordingTap {
  sent(datagram: Buffer): void;
  heard(datagram: Buffer): void;
  played(payload: Buffer, payloadType: number, sequenceNumber: number, ssrc: number, dueMs: number): void;
}

/** What a channel reads and counts on its side (SideState). */
export interface ChannelSide {
  readonly logger: Logger;
  readonly sdpAddress: string | undefined;
  readonly signallingAddress: string | undefined;
  /** A playback is going to this side's leg: bridged RTP is not forwarded to it meanwhile. */
  readonly playing: boolean;
  readonly onPacket: RelayTap | undefined;
  /** Payload types rewritten on RTP sent to this leg (mapPayloadTypes), indexed by the sender's number. */
  readonly payloadTypeMap: Int16Array | undefined;
  /** Hears the leg's keys in its RTP, when the PBX listens (relay-side.ts detectDtmf). */
  readonly detector: { onDatagram(datagram: Uint8Array, nowMs: number): void } | undefined;
  /** Set on side A of a session being recorded. */
  readonly recording: RecordingTap | undefined;
  /** A key is being sent to this leg (dtmf-sender.ts): other media is held back from it meanwhile. */
  sendingDtmf: boolean;
  packetsIn: number;
  bytesIn: number;
  packetsOut: number;
  bytesOut: number;
  dropped: number;
  socketErrors: number;
  lastPacketAtMs: number;
  lastRtpAtMs: number;
  tap(packet: Buffer, channel: RelayChannelKind): void;
  refreshDestinations(): void;
}

// RTP needs its 12-byte fixed header (§5.1); RTCP its 4-byte common header plus an SSRC (§6.4).
const MIN_RTP_BYTES = 12;
const MIN_RTCP_BYTES = 8;

/** One socket of a side, with the source it latched to and where the peer's packets go out of it. */
export class RelayChannel {
  /** Where packets for this leg are sent; undefined while unknown. */
  destAddress: string | undefined = undefined;
  destPort = 0;
  latchedAddress: string | undefined = undefined;
  latchedPort = 0;
  private lastFromLatchedMs = 0;
  private readonly minBytes: number;
  /** The same channel on the other side, where accepted packets go; wired by the session. */
  peer: RelayChannel | undefined = undefined;
  /** Set instead of `peer` when the paired side lives in another relay worker: hands the packet over to it. */
  foreign: ((packet: Buffer, media: boolean) => void) | undefined = undefined;
  /** RTP going out of this channel is one stream whoever sends it (see rtp-restamper.ts); none on RTCP channels. */
  readonly restamper: RtpRestamper | undefined;

  constructor(
    readonly side: ChannelSide,
    readonly socket: Socket,
    readonly kind: RelayChannelKind,
    private readonly context: RelayContext,
  ) {
    this.minBytes = kind === 'rtp' ? MIN_RTP_BYTES : MIN_RTCP_BYTES;
    this.restamper = kind === 'rtp' ? new RtpRestamper(randomBytes(4).readUInt32BE(0)) : undefined;
    socket.on('message', this.onMessage);
    socket.on('error', this.onError);
  }

  unlatch(): void {
    this.latchedAddress = undefined;
    this.latchedPort = 0;
  }

  // The hot path: one version check, counters, one send of the same Buffer. Nothing here may
  // throw out of the handler (ARCHITECTURE: no exception escapes a socket handler).
  private readonly onMessage = (packet: Buffer, source: RemoteInfo): void => {
    try {
      this.receive(packet, source);
    } catch (error) {
      this.onError(error instanceof Error ? error : new Error(String(error)));
    }
  };

  private receive(packet: Buffer, source: RemoteInfo): void {
    const side = this.side;
    const counters = this.context.counters;
    // RFC 3550 §5.1 / A.1: version MUST be 2; anything else (STUN, DTLS, noise) is not ours.
    if (packet.length < this.minBytes || (packet[0] ?? 0) >> 6 !== 2) {
      side.dropped++;
      counters.droppedMalformed++;
      return;
    }
    // Only the leg's own addresses may speak on its side: the one its SDP names and the one its SIP
    // comes from (a phone behind NAT sends from its public address, which only signalling shows).
    // Anyone else who finds the port (they are random, but a range can be swept) is dropped.
    const from = source.address;
    if (from !== side.sdpAddress && from !== side.signallingAddress) {
      side.dropped++;
      counters.droppedForeign++;
      return;
    }
    const now = this.context.nowMs;
    if (this.latchedAddress === undefined) {
      this.latch(source, false);
    } else if (source.port !== this.latchedPort || from !== this.latchedAddress) {
      // Latching rule: the flow never moves to another IP during the call (only a new SDP address
      // unlatches, see setRemote); on the same IP a new port replaces the latched one once that one
      // has been silent for latchSilenceMs (a NAT rebinding). Late packets of a previous call on a
      // reused port and a second flow from the same host next to a live one are dropped.
      if (from !== this.latchedAddress || now - this.lastFromLatchedMs <= this.context.latchSilenceMs) {
        side.dropped++;
        counters.droppedStray++;
        return;
      }
      this.latch(source, true);
    }
    this.lastFromLatchedMs = now;
    side.packetsIn++;
    side.bytesIn += packet.length;
    side.lastPacketAtMs = now;
    // rtcp-mux (RFC 5761 §4): RTCP packet types 192-223 occupy the RTP marker+payload-type byte.
    const media = this.kind === 'rtp' && !isMuxedRtcp(packet);
    if (media) {
      side.lastRtpAtMs = now;
      // The leg's keys (RFC 4733 events, in-band tones) are heard before the packet goes on, muted or not.
      side.detector?.onDatagram(packet, now);
      // What a recorded caller says (track 0), read before the paired side's restamper rewrites the header.
      side.recording?.sent(packet);
    }
    if (side.onPacket !== undefined) side.tap(packet, this.kind);
    const peer = this.peer;
    if (peer !== undefined) {
      if (peer.deliver(packet, media)) return;
    } else if (this.foreign !== undefined) {
      // Paired with a side in another relay worker (relay-links.ts): it goes out of that worker's socket.
      this.foreign(packet, media);
      return;
    }
    side.dropped++;
    counters.droppedUnroutable++;
  }

  /**
   * Sends what the paired side's leg said out of this channel to this side's leg; false when this leg has no address
   * (unroutable: the caller counts it). Called by the peer channel, or for a peer in another worker by relay-links.ts.
   */
  deliver(packet: Buffer, media: boolean): boolean {
    if (this.destAddress === undefined) return false;
    const side = this.side;
    const counters = this.context.counters;
    // The prompt wins: while the leg on this side hears a playback, what its bridged party says is not sent to it
    // (two streams interleaved under one SSRC would be noise). RTCP goes on: it describes the call, not the audio.
    // A key being sent to it holds the stream the same way (dtmf-sender.ts says why).
    if (this.kind === 'rtp' && (side.playing || side.sendingDtmf)) {
      if (side.sendingDtmf) counters.mutedByDtmf++;
      else counters.mutedByPlayback++;
      return true;
    }
    if (media && this.restamper !== undefined) {
      // What a recorded caller hears (track 1), with its sender's own stream fields: the restamp rewrites them.
      side.recording?.heard(packet);
      this.restamper.restamp(packet);
      const map = side.payloadTypeMap;
      if (map !== undefined) {
        const header = packet[1] ?? 0;
        const mapped = map[header & 0x7f] ?? -1;
        if (mapped >= 0) packet[1] = (header & 0x80) | mapped;
      }
    }
    this.socket.send(packet, this.destPort, this.destAddress, this.afterSend);
    side.packetsOut++;
    side.bytesOut += packet.length;
    counters.packetsForwarded++;
    counters.bytesForwarded += packet.length;
    return true;
  }

  private latch(source: RemoteInfo, replacing: boolean): void {
    const previous = this.latchedAddress === undefined ? undefined : `${this.latchedAddress}:${this.latchedPort}`;
    this.latchedAddress = source.address;
    this.latchedPort = source.port;
    this.side.refreshDestinations();
    const fields = { channel: this.kind, source: `${source.address}:${source.port}`, previous };
    if (replacing) this.side.logger.info(fields, 'media relay re-latched to a new source');
    else this.side.logger.debug(fields, 'media relay latched');
  }

  // Without a callback dgram drops send errors (EINVAL, ENETUNREACH, EACCES) silently; this one
  // is created once per channel, so passing it costs no allocation per packet.
  readonly afterSend = (error: Error | null): void => {
    if (error !== null) this.onError(error);
  };

  readonly onError = (error: Error): void => {
    this.context.counters.socketErrors++;
    const count = ++this.side.socketErrors;
    if (worthLogging(count)) this.side.logger.warn({ channel: this.kind, err: error.message, count }, 'media relay socket error');
  };
}

function isMuxedRtcp(packet: Buffer): boolean {
  const type = packet[1] ?? 0;
  return type >= 192 && type <= 223;
}

