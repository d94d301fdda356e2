// What a call controller (the B2BUA) needs of the RTP relay, whether the relay forwards on this thread
// (MediaRelay) or in a worker thread (ThreadedMediaRelay). Counters and taps are not part of it: they are
// per-packet state that lives where the packets are, and a worker's cannot be read synchronously.
import type { Result } from '../../shared/index.ts';
import type { CallProgressTone } from '../player/index.ts';

/** Side A is the caller's leg, side B the callee's. */
export type SideName = 'a' | 'b';

/** A call-progress tone a side plays to its leg, looped, in the leg's G.711 law (0 PCMU, 8 PCMA). Plain data: it crosses threads. */
export interface RelayTone {
  readonly name: CallProgressTone;
  readonly payloadType: 0 | 8;
}

export interface RelaySideControl {
  readonly name: SideName;
  /** The RTP port to put in the SDP sent to this side's leg; RTCP is on localPort + 1. */
  readonly localPort: number;
  readonly localAddress: string;
  /**
   * The address and RTP port from this leg's SDP (see RelaySide.setRemote); port 0 stops sending. Media is taken
   * only from that address or `signallingAddress`, the IP the leg's SIP comes from (omitted: the one set before).
   */
  setRemote(address: string, port: number, signallingAddress?: string): void;
  /**
   * Pairs this side with another side of the same relay (of this session or another one); undefined leaves this
   * side's packets going nowhere (see RelaySide.bridgeTo).
   */
  bridgeTo(other: RelaySideControl | undefined): void;
  /**
   * Plays a tone to this side's leg, out of its own RTP port and as the same RTP stream as the media that follows
   * (ringback to a party that already talks to us while the callee rings); undefined stops it. Media from the paired
   * side still goes out meanwhile: stop the tone when it starts (an answer, early media).
   */
  playTone(tone: RelayTone | undefined): void;
}

export interface RelaySessionControl {
  readonly id: string;
  /** Called once when neither side has sent RTP for the relay's inactivity window while watched. */
  onInactive: ((session: RelaySessionControl) => void) | undefined;
  readonly closed: boolean;
  side(name: SideName): RelaySideControl;
  hold(side: SideName, held: boolean): void;
  hold(held: boolean): void;
  pause(): void;
  resume(): void;
  /** Closes the session's sockets and returns its ports to the pool. Idempotent. */
  close(): void;
}

export interface MediaRelayControl {
  readonly localAddress: string;
  readonly sessionCount: number;
  /** How many sessions the port range holds (two port pairs each): what fair shares of the relay are taken of. */
  readonly sessionCapacity: number;
  /** Two port pairs, one per side; an error value when the range is exhausted, binding fails or the relay is closed. */
  openSession(): Promise<Result<RelaySessionControl, string>>;
  /** Closes every session and refuses new ones (node shutdown); a relay in a worker also stops its thread. */
  close(): void | Promise<void>;
}
