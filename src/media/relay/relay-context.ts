// What every session of one MediaRelay shares: relay-wide counters, a coarse "now", the logger, and the media
// endpoints' shared parts (the 20 ms media clock, the prompt cache, the fan-out sources).
import type { Logger } from '../../shared/index.ts';
import type { PlaybackHost } from './side-playback.ts';

/** Relay-wide counts; they keep growing as sessions come and go. */
export class RelayCounters {
  /** Handed to the socket; a send that fails later shows in socketErrors. */
  packetsForwarded = 0;
  bytesForwarded = 0;
  /** Not RTP/RTCP version 2, or shorter than a header. */
  droppedMalformed = 0;
  /** From the leg's own IP but not its latched port (a second flow while the latched one talks), or from its other address once latched. */
  droppedStray = 0;
  /** From an address that is neither the leg's SDP address nor its signalling address (a sweep of the port range). */
  droppedForeign = 0;
  /** Nowhere to send yet: the other side has neither an SDP address nor a latched source. */
  droppedUnroutable = 0;
  socketErrors = 0;
  /** RTP from a bridged party not sent to a leg because a playback was going to it (the prompt wins). */
  mutedByPlayback = 0;
  /** Frames the relay produced itself (prompts, tones, fan-out sources, RFC 4733 keys) and handed to a socket. */
  packetsPlayed = 0;
  /** RTP (bridged, or a playback's frames) not sent to a leg because a key was being sent to it (sendDtmf). */
  mutedByDtmf = 0;
  /** Keys sent to legs as RFC 4733 events (all their packets out), and keys refused: invalid, or the queue full. */
  dtmfSent = 0;
  dtmfDropped = 0;

  get packetsDropped(): number {
    return this.droppedMalformed + this.droppedStray + this.droppedForeign + this.droppedUnroutable;
  }
}

export interface RelayContext {
  readonly counters: RelayCounters;
  readonly logger: Logger;
  /** A source silent this long may be replaced by a new one (see RelayChannel). */
  readonly latchSilenceMs: number;
  /**
   * Milliseconds since the epoch, refreshed by the relay's ticker through the injected Clock.
   * The packet path reads this number instead of asking the clock for a Date per packet.
   */
  readonly nowMs: number;
  /** One media clock, prompt cache and source registry per relay: every side's playback runs on them. */
  readonly media: PlaybackHost;
}

/** Mutable shared state; sessions read it, only MediaRelay writes nowMs. */
export class RelayContextState implements RelayContext {
  readonly counters = new RelayCounters();

  constructor(
    readonly logger: Logger,
    readonly latchSilenceMs: number,
    public nowMs: number,
    readonly media: PlaybackHost,
  ) {}
}

/**
 * Rate limit for per-packet problems (socket errors, throwing taps): log the 1st, 2nd, 4th, 8th...
 * occurrence, so a broken peer at 50 packets/s costs a handful of lines, not a flood.
 */
export function worthLogging(count: number): boolean {
  return (count & (count - 1)) === 0;
}
