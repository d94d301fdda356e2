// A node's rtpengine (CALLGRID_RTPENGINE_NG): where a new call's media is opened, on rtpengine when the call may go
// there (offload-decision.ts) and rtpengine answers, else on the built-in relay exactly as without rtpengine. The node
// hands the B2BUA an OffloadingRelay, the built-in relay with the offload beside it, so the call code is unchanged.
import { randomUUID } from 'node:crypto';
import { DEFAULT_INACTIVITY_MS, serializeSdp, RtpengineActivityPoller, RtpengineSession, type MediaRelayControl, type NgClient, type OpenSessionOptions, type RelaySessionControl, type SessionDescription, type SourceRequest } from '../../media/index.ts';
import { systemClock, type Clock, type Logger, type Result } from '../../shared/index.ts';
import type { RecordingPaths } from './call-recording.ts';
import { offloadDecision, type OffloadPorts, type OffloadQuestion } from './offload-decision.ts';

/** After rtpengine failed to answer, calls skip it this long (no call waits for a dead rtpengine's timeouts). */
const DOWN_BACKOFF_MS = 10_000;
/** How long a node's stop waits for the `delete`s of its last offloaded calls. */
const STOP_WAIT_MS = 3_000;

export interface MediaOffloadOptions {
  /** The node's RTP timeout (CALLGRID_RTP_TIMEOUT_SECONDS), the relay's inactivityMs: offloaded calls end after it too. */
  readonly inactivityMs?: number;
  /** How often each offloaded call is queried for its packet counters (activity-poller.ts has the default). */
  readonly pollIntervalMs?: number;
  readonly clock?: Clock;
}

export class MediaOffload {
  private downSince: number | undefined;
  private readonly live = new Set<RtpengineSession>();
  /** Calls whose media went to rtpengine, and those that fell back because it did not answer (counters for tests and the bench). */
  readonly counts = { offloaded: 0, fallbacks: 0 };
  /** The RTP timeout of offloaded calls: their packet counters read from rtpengine, spread over time. */
  readonly activity: RtpengineActivityPoller;
  private readonly now: () => number;

  constructor(
    readonly client: NgClient,
    private readonly ports: OffloadPorts,
    private readonly logger: Logger,
    options: MediaOffloadOptions = {},
  ) {
    const clock = options.clock ?? systemClock;
    this.now = () => clock.now().getTime();
    const inactivityMs = options.inactivityMs ?? DEFAULT_INACTIVITY_MS;
    this.activity = new RtpengineActivityPoller(client, { inactivityMs, clock, logger, ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }) });
  }

  /** rtpengine's session for this call, or undefined: it may not go there, or rtpengine is down (logged once). */
  async open(recordings: RecordingPaths | undefined, question: OffloadQuestion & { readonly offer: SessionDescription }): Promise<RtpengineSession | undefined> {
    if (this.downSince !== undefined && performance.now() - this.downSince < DOWN_BACKOFF_MS) return undefined;
    let decision: Awaited<ReturnType<typeof offloadDecision>>;
    try {
      decision = await offloadDecision(this.ports, recordings, question);
    } catch (error) {
      // A store that cannot answer the question leaves the call on the relay, as it was before offloading existed.
      this.logger.warn({ err: error }, 'rtpengine: offload decision failed; the call uses the built-in relay');
      return undefined;
    }
    if (!decision.offload) return undefined;
    const opened = await RtpengineSession.offer(this.client, `callgrid-${randomUUID()}`, serializeSdp(question.offer), this.logger, this.now);
    if (!opened.ok) {
      this.counts.fallbacks++;
      // rtpengine answered but refused this call (its SDP): only this call falls back; rtpengine is not down.
      if (opened.error.kind === 'error') {
        this.logger.info({ error: opened.error.message }, 'rtpengine: refused a call; it uses the built-in relay');
        return undefined;
      }
      // Logged once per outage, not once per call; the next success says it is back.
      if (this.downSince === undefined) this.logger.warn({ error: opened.error.message }, 'rtpengine: not answering; calls use the built-in relay');
      this.downSince = performance.now();
      return undefined;
    }
    if (this.downSince !== undefined) this.logger.info('rtpengine: answering again; plain calls go to it');
    this.downSince = undefined;
    this.counts.offloaded++;
    const session = opened.value;
    this.live.add(session);
    void session.deleted.then(() => this.live.delete(session));
    // Watched once the call is answered (Call pauses it while the callee rings, as it pauses a relay session).
    this.activity.watch(session);
    OWNERS.set(session, { offload: this, recordings });
    return session;
  }

  /** Why an offloaded call may not stay on rtpengine for `question`'s destination (a blind transfer's), or undefined when it may. */
  async relayNeeded(recordings: RecordingPaths | undefined, question: OffloadQuestion): Promise<string | undefined> {
    try {
      const decision = await offloadDecision(this.ports, recordings, question);
      return decision.offload ? undefined : decision.why;
    } catch (error) {
      // A store that cannot answer sends the call where everything works, as it does a new call (open above).
      this.logger.warn({ err: error }, 'rtpengine: offload decision failed; the transferred call goes back to the built-in relay');
      return 'the offload decision failed';
    }
  }

  /** Offloaded calls not yet deleted on rtpengine. */
  get liveCount(): number {
    return this.live.size;
  }

  /** The node stops: the calls' `delete`s (queued as they ended) are given a moment, then the client closes. */
  async close(): Promise<void> {
    this.activity.close();
    const pending = [...this.live].map((session) => session.settled());
    await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
    this.live.clear();
    this.client.close();
  }
}

/** Each offloaded session's node offload and recording paths, for what the call asks later (a blind transfer). */
const OWNERS = new WeakMap<RtpengineSession, { readonly offload: MediaOffload; readonly recordings: RecordingPaths | undefined }>();

/**
 * Whether a blind transfer's destination needs an offloaded call's media back on the relay: why (the same rules as a
 * new call's, offload-decision.ts: anything but one plain extension), or undefined when rtpengine may keep it (the
 * new party gets rtpengine's offer again) or the call is on the relay anyway.
 */
export async function destinationNeedsRelay(session: RelaySessionControl, question: Omit<OffloadQuestion, 'offer' | 'recording'>): Promise<string | undefined> {
  const owner = isOffloaded(session) ? OWNERS.get(session) : undefined;
  if (owner === undefined) return undefined;
  return owner.offload.relayNeeded(owner.recordings, { ...question, recording: false });
}

/** The built-in relay with the node's rtpengine beside it: everything the relay does goes to the relay. */
export class OffloadingRelay implements MediaRelayControl {
  constructor(
    readonly relay: MediaRelayControl,
    readonly offload: MediaOffload,
  ) {}

  get localAddress(): string {
    return this.relay.localAddress;
  }
  get sessionCount(): number {
    return this.relay.sessionCount;
  }
  get sessionCapacity(): number {
    return this.relay.sessionCapacity;
  }
  openSession(options?: OpenSessionOptions): Promise<Result<RelaySessionControl, string>> {
    return this.relay.openSession(options);
  }
  openSource(name: string, request: SourceRequest): Promise<Result<void, string>> {
    return this.relay.openSource(name, request);
  }
  closeSource(name: string): void {
    this.relay.closeSource(name);
  }
  async close(): Promise<void> {
    await this.offload.close();
    await this.relay.close();
  }
}

/** The node's rtpengine offload, when its relay has one. */
export function mediaOffloadOf(relay: MediaRelayControl): MediaOffload | undefined {
  return relay instanceof OffloadingRelay ? relay.offload : undefined;
}

/** Whether a call's media is on rtpengine (its session is rtpengine's and has not moved to the relay). */
export function isOffloaded(session: RelaySessionControl): session is RtpengineSession {
  return session instanceof RtpengineSession && !session.onRelay;
}

/** The built-in relay beside each offloaded session: where its media goes back to when it must (media-return.ts). */
const BUILT_IN = new WeakMap<RtpengineSession, MediaRelayControl>();

export function builtInRelayOf(session: RtpengineSession): MediaRelayControl | undefined {
  return BUILT_IN.get(session);
}

/** Opens a new call's media: on rtpengine when it may and can go there, else a relay session as always. */
export async function openCallMedia(relay: MediaRelayControl, recordings: RecordingPaths | undefined, question: OffloadQuestion & { readonly offer: SessionDescription }): Promise<Result<RelaySessionControl, string>> {
  const offloaded = await mediaOffloadOf(relay)?.open(recordings, question);
  if (offloaded === undefined) return relay.openSession();
  if (relay instanceof OffloadingRelay) BUILT_IN.set(offloaded, relay.relay);
  return { ok: true, value: offloaded };
}
