// What every session of one MediaRelay shares: relay-wide counters, a coarse "now" and the logger.
import type { Logger } from '../../shared/index.ts';

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
}

/** Mutable shared state; sessions read it, only MediaRelay writes nowMs. */
export class RelayContextState implements RelayContext {
  readonly counters = new RelayCounters();

  constructor(
    readonly logger: Logger,
    readonly latchSilenceMs: number,
    public nowMs: number,
  ) {}
}

/**
 * Rate limit for per-packet problems (socket errors, throwing taps): log the 1st, 2nd, 4th, 8th...
 * occurrence, so a broken peer at 50 packets/s costs a handful of lines, not a flood.
 */
export function worthLogging(count: number): boolean {
  return (count & (count - 1)) === 0;
}
