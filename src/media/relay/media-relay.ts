// MediaRelay: the node's RTP/RTCP relay (one per process, or per worker thread). It opens two-sided sessions on ports
// from its RtpPortPool and runs one ticker, through the injected Clock, for time and inactivity, and one 20 ms media
// clock for what its sides play themselves (prompts, tones, fan-out sources).
import { performance } from 'node:perf_hooks';
import { err, ok, PbxError, silentLogger, systemClock, type CancelTimer, type Clock, type Logger, type Result } from '../../shared/index.ts';
import { ClipCache, type G711Law } from '../player/index.ts';
import { MediaClock, type MediaClockStats } from './media-clock.ts';
import { RelayContextState } from './relay-context.ts';
import type { MediaRelayControl, SourceRequest } from './relay-control.ts';
import { RelaySession, type RelaySessionHost } from './relay-session.ts';
import { RtpPortPool, type RtpSocketPair } from './rtp-port-pool.ts';
import { SourceRegistry } from './source-registry.ts';

export const DEFAULT_INACTIVITY_MS = 60_000;
export const DEFAULT_LATCH_SILENCE_MS = 1_000;

export interface MediaRelayOptions {
  /** Address the media sockets bind to, and the sides' localAddress. */
  readonly host: string;
  readonly portMin?: number;
  readonly portMax?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** No RTP from either side for this long (while watched) calls the session's onInactive. */
  readonly inactivityMs?: number;
  /** How long a latched source must be silent before another source may take its place. */
  readonly latchSilenceMs?: number;
  /** Memory for prompt files kept between plays (default 64 MiB). */
  readonly clipCacheBytes?: number;
  /** Session ids are this followed by a number (default 'r'): a pool's workers each have their own. */
  readonly sessionIdPrefix?: string;
}

/** The media endpoints' figures: the media clock, the prompt cache and each fan-out source. */
export interface MediaSnapshot {
  readonly clock: Readonly<MediaClockStats>;
  /** Sides playing now, or sending a key (the media clock's sinks). */
  readonly playing: number;
  readonly clipCache: { readonly clips: number; readonly bytes: number; readonly hits: number; readonly misses: number };
  readonly sources: Readonly<Record<string, { readonly listeners: number; readonly frames: number; readonly encodes: Readonly<Record<G711Law, number>> }>>;
}

export interface RelaySnapshot {
  readonly sessions: number;
  readonly portPairsInUse: number;
  readonly portPairCapacity: number;
  readonly packetsForwarded: number;
  readonly bytesForwarded: number;
  readonly packetsDropped: number;
  readonly droppedMalformed: number;
  readonly droppedStray: number;
  readonly droppedForeign: number;
  readonly droppedUnroutable: number;
  readonly socketErrors: number;
  readonly packetsPlayed: number;
  readonly mutedByPlayback: number;
  readonly mutedByDtmf: number;
  readonly dtmfSent: number;
  readonly dtmfDropped: number;
  /** Sessions being recorded now. */
  readonly recording: number;
  readonly media: MediaSnapshot;
}

export class MediaRelay implements MediaRelayControl {
  private readonly sessions = new Set<RelaySession>();
  private readonly context: RelayContextState;
  private readonly host: RelaySessionHost;
  private readonly tickMs: number;
  private readonly mediaClock: MediaClock;
  private readonly clips: ClipCache;
  private readonly sources: SourceRegistry;
  private cancelTick: CancelTimer | undefined = undefined;
  private nextId = 1;
  private isClosed = false;

  private constructor(
    private readonly pool: RtpPortPool,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly inactivityMs: number,
    latchSilenceMs: number,
    clipCacheBytes: number | undefined,
    private readonly idPrefix: string,
  ) {
    // Frames are paced on a monotonic time line: performance.now() in production (a wall clock can step under NTP);
    // an injected test clock's own time otherwise, so a FakeClock's advance() drives the media clock exactly.
    const mediaNow = clock === systemClock ? () => performance.now() : () => clock.now().getTime();
    this.mediaClock = new MediaClock(clock, mediaNow, (error) =>
      logger.error({ err: error instanceof Error ? error.message : String(error) }, 'media relay: a playback failed on the media clock'),
    );
    this.clips = new ClipCache(clipCacheBytes);
    this.sources = new SourceRegistry(this.clips, mediaNow);
    const media = { clock: this.mediaClock, clips: this.clips, sources: this.sources };
    this.context = new RelayContextState(logger, latchSilenceMs, clock.now().getTime(), media);
    // A quarter of the shortest window keeps inactivity and re-latching within 25% of their
    // settings; 250 ms is plenty for production values and costs nothing worth measuring.
    this.tickMs = Math.max(5, Math.min(250, Math.floor(Math.min(inactivityMs, latchSilenceMs) / 4)));
    this.host = {
      context: this.context,
      logger,
      release: (pair: RtpSocketPair) => this.pool.release(pair),
      forget: (session: RelaySession) => this.forget(session),
    };
  }

  /** Binds nothing yet (ports are bound per session); throws PbxError('invalid_config') on a bad range or window. */
  static create(options: MediaRelayOptions): MediaRelay {
    const pool = new RtpPortPool({ host: options.host, portMin: options.portMin, portMax: options.portMax });
    const inactivityMs = options.inactivityMs ?? DEFAULT_INACTIVITY_MS;
    const latchSilenceMs = options.latchSilenceMs ?? DEFAULT_LATCH_SILENCE_MS;
    if (!(inactivityMs > 0) || !(latchSilenceMs >= 0)) {
      throw new PbxError('invalid_config', `media relay windows must be positive (inactivityMs ${inactivityMs}, latchSilenceMs ${latchSilenceMs})`);
    }
    if (options.clipCacheBytes !== undefined && !(options.clipCacheBytes >= 0)) throw new PbxError('invalid_config', `clipCacheBytes must be >= 0 (${options.clipCacheBytes})`);
    return new MediaRelay(pool, options.clock ?? systemClock, options.logger ?? silentLogger, inactivityMs, latchSilenceMs, options.clipCacheBytes, options.sessionIdPrefix ?? 'r');
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  get sessionCapacity(): number {
    return Math.floor(this.pool.capacity / 2);
  }

  get localAddress(): string {
    return this.pool.host;
  }

  /** Two port pairs, one per side; an error value when the range is exhausted or binding fails. */
  async openSession(): Promise<Result<RelaySession, string>> {
    if (this.isClosed) return err('media relay is closed');
    const a = await this.pool.allocate();
    if (!a.ok) return this.refuse(a.error);
    const b = await this.pool.allocate();
    if (!b.ok) {
      this.pool.release(a.value);
      return this.refuse(b.error);
    }
    if (this.isClosed) {
      // close() ran while we were binding: hand the ports straight back.
      this.pool.release(a.value);
      this.pool.release(b.value);
      return err('media relay is closed');
    }
    this.context.nowMs = this.clock.now().getTime();
    const session = new RelaySession(`${this.idPrefix}${this.nextId++}`, a.value, b.value, this.pool.host, this.host);
    this.sessions.add(session);
    this.startTicking();
    return ok(session);
  }

  openSource(name: string, request: SourceRequest): Promise<Result<void, string>> {
    if (this.isClosed) return Promise.resolve(err('media relay is closed'));
    return this.sources.open(name, request);
  }

  closeSource(name: string): void {
    this.sources.close(name);
  }

  /** The media clock, prompt cache and sources' figures (how many frames were late, encodes per law per source). */
  mediaSnapshot(): MediaSnapshot {
    const sources: Record<string, MediaSnapshot['sources'][string]> = {};
    for (const source of this.sources.all()) sources[source.name] = { listeners: source.listenerCount, frames: source.frames, encodes: { ...source.encodes } };
    const clips = this.clips;
    return {
      clock: { ...this.mediaClock.stats },
      playing: this.mediaClock.sinkCount,
      clipCache: { clips: clips.size, bytes: clips.bytes, hits: clips.hits, misses: clips.misses },
      sources,
    };
  }

  snapshot(): RelaySnapshot {
    const c = this.context.counters;
    return {
      sessions: this.sessions.size,
      portPairsInUse: this.pool.inUse,
      portPairCapacity: this.pool.capacity,
      packetsForwarded: c.packetsForwarded,
      bytesForwarded: c.bytesForwarded,
      packetsDropped: c.packetsDropped,
      droppedMalformed: c.droppedMalformed,
      droppedStray: c.droppedStray,
      droppedForeign: c.droppedForeign,
      droppedUnroutable: c.droppedUnroutable,
      socketErrors: c.socketErrors,
      packetsPlayed: c.packetsPlayed,
      mutedByPlayback: c.mutedByPlayback,
      mutedByDtmf: c.mutedByDtmf,
      dtmfSent: c.dtmfSent,
      dtmfDropped: c.dtmfDropped,
      recording: [...this.sessions].filter((session) => session.recording).length,
      media: this.mediaSnapshot(),
    };
  }

  /** Closes every session (their ports are free when this returns) and refuses new ones. */
  close(): void {
    this.isClosed = true;
    for (const session of [...this.sessions]) session.close();
    this.sources.closeAll();
    this.mediaClock.stop();
    this.stopTicking();
  }

  private refuse(reason: string): Result<never, string> {
    this.logger.warn({ reason }, 'media relay cannot open a session');
    return err(reason);
  }

  private forget(session: RelaySession): void {
    this.sessions.delete(session);
    if (this.sessions.size === 0) this.stopTicking();
  }

  // One timer for the whole relay, running only while sessions exist: it refreshes the time the
  // packet path reads and checks every session's inactivity (a few comparisons per session).
  private startTicking(): void {
    if (this.cancelTick !== undefined) return;
    this.cancelTick = this.clock.setTimer(this.tickMs, this.tick);
  }

  private stopTicking(): void {
    this.cancelTick?.();
    this.cancelTick = undefined;
  }

  private readonly tick = (): void => {
    this.cancelTick = undefined;
    const now = this.clock.now().getTime();
    this.context.nowMs = now;
    for (const session of this.sessions) session.checkInactivity(now, this.inactivityMs);
    if (this.sessions.size > 0 && !this.isClosed) this.startTicking();
  };
}
