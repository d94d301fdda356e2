// One side of a relay session: its RTP and RTCP sockets (RFC 3550 §11 port pair), where it sends,
// symmetric-RTP latching (RFC 4961) restricted to the leg's own addresses, and its counters. Packets are forwarded as they came, but for the RTP
// header's SSRC, sequence and timestamp, restamped so each side hears one stream (rtp-restamper.ts).
import { randomBytes } from 'node:crypto';
import type { RemoteInfo, Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Logger } from '../../shared/index.ts';
import { callProgressCycle, RtpPlayer } from '../player/index.ts';
import type { RelaySideControl, RelayTone, SideName } from './relay-control.ts';
import { worthLogging, type RelayContext } from './relay-context.ts';
import type { RtpSocketPair } from './rtp-port-pool.ts';
import { RtpRestamper } from './rtp-restamper.ts';

export type { SideName };
export type RelayChannelKind = 'rtp' | 'rtcp';

/**
 * Sees every packet accepted on a side before it is forwarded (a recorder, a DTMF detector). The
 * buffer is the received datagram and is forwarded after the call: read it, do not keep or change it.
 */
export type RelayTap = (side: SideName, packet: Buffer, channel: RelayChannelKind) => void;

/** What the B2BUA sees of a side. */
export interface RelaySide extends RelaySideControl {
  readonly name: SideName;
  /** The RTP port to put in the SDP sent to this side's leg; RTCP is on localPort + 1. */
  readonly localPort: number;
  readonly localAddress: string;
  /**
   * The address and RTP port from this leg's SDP: where we send until the leg's own packets
   * tell us better (latching). Port 0 stops sending (a disabled stream, RFC 3264 §8.2).
   * `signallingAddress`, the IP the leg's SIP comes from, is the other address its media may
   * come from (a phone behind NAT); omitted, the one set before stays.
   */
  setRemote(address: string, port: number, signallingAddress?: string): void;
  /** Where RTP for this leg goes now: the latched source, else the SDP address. */
  readonly remote: { readonly address: string; readonly port: number } | undefined;
  /** Whether RTP destination was learnt from received packets. */
  readonly latched: boolean;
  readonly packetsIn: number;
  readonly bytesIn: number;
  readonly packetsOut: number;
  readonly bytesOut: number;
  /** Malformed, stray and unroutable packets received on this side. */
  readonly dropped: number;
  readonly socketErrors: number;
  /** Last accepted packet (RTP or RTCP), at the relay's tick resolution. */
  readonly lastPacketAt: Date | undefined;
  onPacket: RelayTap | undefined;
  /**
   * Pairs this side with another one, of this session or of another (a consultation call, an attended transfer):
   * each side's packets then go out of the other. Undefined: this side's packets go nowhere (the party is held)
   * and nothing is sent to it until a side pairs with it again.
   */
  bridgeTo(other: RelaySideControl | undefined): void;
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
  /** RTP going out of this channel is one stream whoever sends it (see rtp-restamper.ts); none on RTCP channels. */
  readonly restamper: RtpRestamper | undefined;

  constructor(
    readonly side: SideState,
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
    if (this.kind === 'rtp' && !isMuxedRtcp(packet)) side.lastRtpAtMs = now;
    if (side.onPacket !== undefined) side.tap(packet, this.kind);
    const peer = this.peer;
    if (peer === undefined || peer.destAddress === undefined) {
      side.dropped++;
      counters.droppedUnroutable++;
      return;
    }
    if (peer.restamper !== undefined && !isMuxedRtcp(packet)) peer.restamper.restamp(packet);
    peer.socket.send(packet, peer.destPort, peer.destAddress, peer.afterSend);
    peer.side.packetsOut++;
    peer.side.bytesOut += packet.length;
    counters.packetsForwarded++;
    counters.bytesForwarded += packet.length;
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
  private readonly afterSend = (error: Error | null): void => {
    if (error !== null) this.onError(error);
  };

  private readonly onError = (error: Error): void => {
    this.context.counters.socketErrors++;
    const count = ++this.side.socketErrors;
    if (worthLogging(count)) this.side.logger.warn({ channel: this.kind, err: error.message, count }, 'media relay socket error');
  };
}

function isMuxedRtcp(packet: Buffer): boolean {
  const type = packet[1] ?? 0;
  return type >= 192 && type <= 223;
}

/** A side's state. The session hands it out typed as RelaySide, so callers cannot write counters. */
export class SideState implements RelaySide {
  packetsIn = 0;
  bytesIn = 0;
  packetsOut = 0;
  bytesOut = 0;
  dropped = 0;
  socketErrors = 0;
  tapErrors = 0;
  lastPacketAtMs = 0;
  /** Last RTP (not RTCP) packet: what inactivity detection watches. */
  lastRtpAtMs = 0;
  onPacket: RelayTap | undefined = undefined;
  readonly rtp: RelayChannel;
  readonly rtcp: RelayChannel;
  /** The address the leg's SDP names (undefined: none usable); media from it is the leg's. */
  sdpAddress: string | undefined = undefined;
  private sdpPort = 0;
  /** The IP the leg's SIP comes from; media from it is the leg's too (NAT). */
  signallingAddress: string | undefined = undefined;
  /** The tone playing to this leg, if any; created on first use (most sides never play one). */
  private tonePlayer: RtpPlayer | undefined = undefined;
  private tonePlaying: RelayTone | undefined = undefined;

  constructor(
    readonly name: SideName,
    readonly pair: RtpSocketPair,
    readonly localAddress: string,
    readonly logger: Logger,
    context: RelayContext,
  ) {
    this.rtp = new RelayChannel(this, pair.rtp, 'rtp', context);
    this.rtcp = new RelayChannel(this, pair.rtcp, 'rtcp', context);
  }

  get localPort(): number {
    return this.pair.port;
  }

  bridgeTo(other: RelaySideControl | undefined): void {
    const peer = other instanceof SideState ? other : undefined;
    // Whoever was paired with this side stops sending here.
    if (this.rtp.peer !== undefined && this.rtp.peer.peer === this.rtp) this.rtp.peer.peer = undefined;
    if (this.rtcp.peer !== undefined && this.rtcp.peer.peer === this.rtcp) this.rtcp.peer.peer = undefined;
    this.rtp.peer = peer?.rtp;
    this.rtcp.peer = peer?.rtcp;
    if (peer === undefined) return;
    if (peer.rtp.peer !== undefined && peer.rtp.peer !== this.rtp && peer.rtp.peer.peer === peer.rtp) peer.rtp.peer.peer = undefined;
    if (peer.rtcp.peer !== undefined && peer.rtcp.peer !== this.rtcp && peer.rtcp.peer.peer === peer.rtcp) peer.rtcp.peer.peer = undefined;
    peer.rtp.peer = this.rtp;
    peer.rtcp.peer = this.rtcp;
  }

  playTone(tone: RelayTone | undefined): void {
    // The same tone again (a second 180) goes on where it is rather than restarting its cadence.
    if (tone !== undefined && this.tonePlaying?.name === tone.name && this.tonePlaying.payloadType === tone.payloadType && this.tonePlayer?.playing) return;
    this.tonePlayer?.stop();
    this.tonePlaying = tone;
    if (tone === undefined) return;
    const address = this.rtp.destAddress;
    if (address === undefined) return; // nowhere to send yet: the leg has neither an SDP address nor a latched source
    const player = (this.tonePlayer ??= new RtpPlayer());
    const cycle = callProgressCycle(tone.name);
    const options = {
      payloadType: tone.payloadType,
      remote: { address, port: this.rtp.destPort },
      socket: this.pair.rtp,
      // Through this side's restamper: the leg hears one stream, tone first, then whoever it is bridged to.
      prepare: (packet: Buffer) => this.rtp.restamper?.restamp(packet),
    };
    const loop = async (): Promise<void> => {
      while (!(await player.play(cycle, options)).stopped);
    };
    loop().catch((error: unknown) => this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'media relay: tone failed'));
  }

  setRemote(address: string, port: number, signallingAddress?: string): void {
    if (signallingAddress !== undefined) {
      const signalling = signallingAddress.replace(/^\[|\]$/g, '');
      if (signalling !== this.signallingAddress) {
        // Another party's signalling (a transfer's new callee): what was latched belonged to the old one.
        this.signallingAddress = isIP(signalling) === 0 ? undefined : signalling;
        this.rtp.unlatch();
        this.rtcp.unlatch();
      }
    }
    if (port === 0) {
      this.sdpAddress = undefined;
      this.sdpPort = 0;
    } else if (isIP(address) === 0 || !Number.isInteger(port) || port < 1 || port > 65534) {
      // A host name would make dgram resolve it on every send; the B2BUA resolves SDP names.
      this.logger.warn({ address, port }, 'media relay: remote is not an IP literal and port; not sending to it');
      this.sdpAddress = undefined;
      this.sdpPort = 0;
    } else {
      // A new address in the SDP (re-INVITE, RFC 3264 §8.3.1) means the old flow is over: learn
      // again from the next packet. The same address again (a hold re-INVITE) keeps the latch,
      // or a NATed phone that stopped sending would be sent its audio at its private address.
      if (address === this.sdpAddress && port === this.sdpPort) return this.refreshDestinations();
      this.sdpAddress = address;
      this.sdpPort = port;
      this.rtp.unlatch();
      this.rtcp.unlatch();
    }
    this.refreshDestinations();
  }

  get remote(): { readonly address: string; readonly port: number } | undefined {
    const address = this.rtp.destAddress;
    return address === undefined ? undefined : { address, port: this.rtp.destPort };
  }

  get latched(): boolean {
    return this.rtp.latchedAddress !== undefined;
  }

  get lastPacketAt(): Date | undefined {
    return this.lastPacketAtMs === 0 ? undefined : new Date(this.lastPacketAtMs);
  }

  /** Recomputes both destinations after a latch or an SDP change, so the packet path only reads two fields. */
  refreshDestinations(): void {
    const rtp = this.rtp;
    const rtcp = this.rtcp;
    if (rtp.latchedAddress !== undefined) {
      rtp.destAddress = rtp.latchedAddress;
      rtp.destPort = rtp.latchedPort;
    } else {
      rtp.destAddress = this.sdpAddress;
      rtp.destPort = this.sdpPort;
    }
    if (rtcp.latchedAddress !== undefined) {
      rtcp.destAddress = rtcp.latchedAddress;
      rtcp.destPort = rtcp.latchedPort;
    } else {
      // Until the leg sends RTCP itself, RTP port + 1 (§11) of wherever RTP goes: behind a NAT
      // that keeps port parity this is right, and it is the SDP's answer otherwise.
      const known = rtp.destAddress !== undefined && rtp.destPort < 65535;
      rtcp.destAddress = known ? rtp.destAddress : undefined;
      rtcp.destPort = known ? rtp.destPort + 1 : 0;
    }
  }

  tap(packet: Buffer, channel: RelayChannelKind): void {
    try {
      this.onPacket?.(this.name, packet, channel);
    } catch (error) {
      const count = ++this.tapErrors;
      if (worthLogging(count)) this.logger.warn({ err: error instanceof Error ? error.message : String(error), count }, 'media relay tap threw');
    }
  }
}
