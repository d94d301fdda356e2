// One side of a relay session: its RTP and RTCP sockets (RFC 3550 §11 port pair, relay-channel.ts), where it sends,
// symmetric-RTP latching (RFC 4961) restricted to the leg's own addresses, and its counters. Packets are forwarded as
// they came, but for the RTP header's SSRC, sequence and timestamp, restamped so each side hears one stream
// (rtp-restamper.ts). What the side plays to its leg itself (prompts, tones) is its SidePlayer's.
import { isIP } from 'node:net';
import type { Logger } from '../../shared/index.ts';
import { RelayChannel, type RecordingTap, type RelayChannelKind, type RelayTap } from './relay-channel.ts';
import type { DtmfDetection, DtmfListener, DtmfMethod, DtmfSendOptions, PlaybackEnd, PlayRequest, RelaySideControl, RelayTone, SideName } from './relay-control.ts';
import { worthLogging, type RelayContext } from './relay-context.ts';
import type { RtpSocketPair } from './rtp-port-pool.ts';
import { SidePlayer } from './side-player.ts';
import { DtmfSender } from './dtmf-sender.ts';
import { DtmfDetector } from '../dtmf/index.ts';

export type { SideName, RelayChannelKind, RelayTap };

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
  /**
   * A DTMF digit heard on this side's leg, reported by the detector in the relay's thread (RFC 4733 events, in-band
   * tones): onDtmf hears it, and a playback whose stopOnDigits holds it ends with reason 'digit'.
   */
  digitHeard(digit: string, method: DtmfMethod): void;
  /** Pairs this side with a side in another relay worker (relay-links.ts); undefined unpairs. */
  bridgeForeign(rtp: ((packet: Buffer, media: boolean) => void) | undefined, rtcp: ((packet: Buffer, media: boolean) => void) | undefined): void;
  /** Sends what a paired side's leg said (relay-links.ts: a side in another worker) out to this side's leg. */
  deliverForeign(kind: RelayChannelKind, packet: Buffer, media: boolean): void;
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
  /** What this side plays to its leg itself, on the relay's media clock. */
  readonly player: SidePlayer;
  /** Listens for the leg's keys while asked to (detectDtmf); fed by the RTP channel's packet path. */
  detector: DtmfDetector | undefined = undefined;
  /** The session's recording, on side A only: fed by both channels' packet paths and the player. */
  recording: RecordingTap | undefined = undefined;
  /** Written by the DtmfSender while a key goes out to this leg. */
  sendingDtmf = false;
  /** Made on the first sendDtmf: most sides never send a key. */
  private dtmf: DtmfSender | undefined = undefined;
  private isClosed = false;

  constructor(
    readonly name: SideName,
    readonly pair: RtpSocketPair,
    readonly localAddress: string,
    readonly logger: Logger,
    private readonly context: RelayContext,
  ) {
    this.rtp = new RelayChannel(this, pair.rtp, 'rtp', context);
    this.rtcp = new RelayChannel(this, pair.rtcp, 'rtcp', context);
    this.player = new SidePlayer(this.rtp, context.media, context.counters, logger);
  }

  get localPort(): number {
    return this.pair.port;
  }

  bridgeTo(other: RelaySideControl | undefined): void {
    const peer = other instanceof SideState ? other : undefined;
    // A pairing with a side in another worker ends too (the PBX's thread unpairs that side there).
    this.bridgeForeign(undefined, undefined);
    if (peer !== undefined) peer.bridgeForeign(undefined, undefined);
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

  /**
   * Pairs this side with a side in another relay worker (relay-links.ts): what its leg sends goes to `rtp`/`rtcp`,
   * which hand it to that worker. Whoever was paired with this side here stops sending to it. Undefined: unpaired.
   */
  bridgeForeign(rtp: ((packet: Buffer, media: boolean) => void) | undefined, rtcp: ((packet: Buffer, media: boolean) => void) | undefined): void {
    if (rtp !== undefined) this.bridgeTo(undefined);
    this.rtp.foreign = rtp;
    this.rtcp.foreign = rtcp;
  }

  deliverForeign(kind: RelayChannelKind, packet: Buffer, media: boolean): void {
    if (this.isClosed) return;
    if (!(kind === 'rtp' ? this.rtp : this.rtcp).deliver(packet, media)) this.context.counters.droppedUnroutable++;
  }

  playTone(tone: RelayTone | undefined): void {
    this.player.playTone(tone);
  }

  play(request: PlayRequest): Promise<PlaybackEnd> {
    return this.player.play(request);
  }

  stopPlayback(): void {
    this.player.stop();
  }

  get onDtmf(): DtmfListener | undefined {
    return this.player.onDtmf;
  }

  set onDtmf(listener: DtmfListener | undefined) {
    this.player.onDtmf = listener;
  }

  digitHeard(digit: string, method: DtmfMethod): void {
    this.player.digitHeard(digit, method);
  }

  detectDtmf(options: DtmfDetection | undefined): void {
    if (options === undefined) {
      this.detector = undefined;
      return;
    }
    this.detector = new DtmfDetector({
      mode: options.mode,
      audioEncodings: options.audioEncodings,
      ...(options.telephoneEventPayloadType === undefined ? {} : { telephoneEventPayloadType: options.telephoneEventPayloadType }),
      onDigit: (event) => {
        // Flash (event 16) is not a key of any menu; the detector reports it only when asked to, and here it is not.
        if (event.digit !== 'flash') this.digitHeard(event.digit, event.method);
      },
    });
  }

  /** Payload types rewritten on RTP forwarded to this leg; -1 = kept. A typed array: one index read per packet. */
  payloadTypeMap: Int16Array | undefined = undefined;

  mapPayloadTypes(map: Readonly<Record<number, number>> | undefined): void {
    const entries = Object.entries(map ?? {}).filter(([from, to]) => isPayloadType(Number(from)) && isPayloadType(to));
    if (entries.length === 0) {
      this.payloadTypeMap = undefined;
      return;
    }
    const table = new Int16Array(128).fill(-1);
    for (const [from, to] of entries) table[Number(from)] = to;
    this.payloadTypeMap = table;
  }

  sendDtmf(digit: string, options: DtmfSendOptions): void {
    if (this.isClosed) return;
    this.dtmf ??= new DtmfSender(this.rtp, this.context.media.clock, this.context.counters, this.logger);
    this.dtmf.send(digit, options);
  }

  /** The session is closing: the playback ends 'stopped', keys waiting are dropped, nothing is recorded any more. */
  close(): void {
    this.isClosed = true;
    this.player.close();
    this.dtmf?.close();
    this.recording = undefined;
  }

  /** Bridged RTP is held back from this leg while it hears a playback (read per packet by the paired channel). */
  get playing(): boolean {
    return this.player.playing;
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

/** An RTP payload type (RFC 3550 §5.1: seven bits). */
function isPayloadType(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 127;
}
