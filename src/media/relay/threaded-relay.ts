// ThreadedMediaRelay: the RTP relay in a worker thread (relay-worker.ts). The PBX's thread keeps SIP, the dialplan
// and the API; the worker owns the media sockets, forwards packets and plays prompts, so a few hundred calls' 50
// packets/s each way cannot delay a SIP answer past its retransmission timer. Each session here is a handle
// (remote-session.ts): it knows its ports and forwards commands in order; the packets never cross threads.
import type { Transferable, Worker } from 'node:worker_threads';
import { err, ok, silentLogger, startModuleWorker, type Logger, type Result } from '../../shared/index.ts';
import type { RecordingResult } from '../recorder/index.ts';
import { MediaRelay, type RelaySnapshot } from './media-relay.ts';
import type { MediaRelayControl, PlaybackEnd, RelaySessionControl, SourceRequest } from './relay-control.ts';
import type { RelayCommand, RelayEvent, RelayWorkerSettings } from './relay-worker-protocol.ts';
import { RemoteSession, type RemoteRelay, type RemoteSide } from './remote-session.ts';
import { MessageBatch } from './message-batch.ts';

export interface ThreadedMediaRelayOptions {
  /** Address the media sockets bind to, and the sides' localAddress. */
  readonly host: string;
  readonly portMin?: number;
  readonly portMax?: number;
  readonly inactivityMs?: number;
  readonly latchSilenceMs?: number;
  /** Where this thread logs the worker's life (start, crash); the worker logs its own lines at logLevel. */
  readonly logger?: Logger;
  readonly logLevel?: string;
  /** Its place in a pool (relay-pool.ts; default 0): session ids and cross-worker pairings name it. */
  readonly index?: number;
  /** A pool that pairs sides across its workers and hears of sessions gone (relay-pool.ts); none: pairs here only. */
  readonly router?: BridgeRouter;
}

/** What a pool does for its workers' relays: pairings across workers, and forgetting a session's pairings. */
export interface BridgeRouter {
  bridge(from: RemoteSide, to: RemoteSide | undefined): void;
  forgotten(session: RemoteSession): void;
}

const WORKER_URL = new URL('./relay-worker.ts', import.meta.url);

export class ThreadedMediaRelay implements MediaRelayControl, RemoteRelay {
  private worker: Worker | undefined = undefined;
  private readonly sessions = new Map<string, RemoteSession>();
  private readonly opening = new Map<number, (result: Result<RemoteSession, string>) => void>();
  private readonly snapshots = new Map<number, (snapshot: RelaySnapshot | undefined) => void>();
  private readonly sourceOpens = new Map<number, (result: Result<void, string>) => void>();
  /** Playbacks in the worker whose end has not come back yet. */
  private readonly plays = new Map<number, (end: PlaybackEnd) => void>();
  /** Recordings being stopped: settled by the worker's answer, or with their `lost` result if it dies first. */
  private readonly recordingStops = new Map<number, { readonly resolve: (result: RecordingResult | undefined) => void; readonly lost: RecordingResult }>();
  /** The sources open in the worker: opened again in a new worker after a crash (their listeners' calls are gone). */
  private readonly sources = new Map<string, SourceRequest>();
  private nextRequest = 1;
  private nextPlay = 1;
  private isClosed = false;
  private readonly logger: Logger;
  private readonly settings: RelayWorkerSettings;
  private readonly router: BridgeRouter | undefined;
  /** How many workers were started: a new one's session ids differ from the last one's. */
  private spawned = 0;
  readonly sessionCapacity: number;
  readonly index: number;

  /** Checks the settings as the worker will (a bad range or window throws PbxError('invalid_config') here, not in the thread). */
  constructor(options: ThreadedMediaRelayOptions) {
    // Validation only: it binds nothing until a session opens.
    this.sessionCapacity = MediaRelay.create(options).sessionCapacity;
    this.logger = options.logger ?? silentLogger;
    this.index = options.index ?? 0;
    this.router = options.router;
    this.settings = {
      index: this.index,
      sessionIdPrefix: 'r',
      host: options.host,
      portMin: options.portMin,
      portMax: options.portMax,
      inactivityMs: options.inactivityMs,
      latchSilenceMs: options.latchSilenceMs,
      logLevel: options.logLevel ?? 'info',
    };
  }

  get localAddress(): string {
    return this.settings.host;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  openSession(): Promise<Result<RelaySessionControl, string>> {
    if (this.isClosed) return Promise.resolve(err('media relay is closed'));
    const request = this.nextRequest++;
    return new Promise((resolve) => {
      this.opening.set(request, resolve);
      this.post({ op: 'open', request });
      this.holdProcessOpen();
    });
  }

  openSource(name: string, request: SourceRequest): Promise<Result<void, string>> {
    if (this.isClosed) return Promise.resolve(err('media relay is closed'));
    const id = this.nextRequest++;
    const previous = this.sources.get(name);
    return new Promise<Result<void, string>>((resolve) => {
      this.sourceOpens.set(id, resolve);
      this.post({ op: 'openSource', request: id, name, source: request });
      // Remembered after the post: a worker started by it has been sent the older sources only.
      this.sources.set(name, request);
      this.holdProcessOpen();
    }).then((opened) => {
      // A failed replacement leaves the previous playlist playing in the worker; a failed new source is not there.
      if (!opened.ok && this.sources.get(name) === request) {
        if (previous === undefined) this.sources.delete(name);
        else this.sources.set(name, previous);
      }
      return opened;
    });
  }

  closeSource(name: string): void {
    this.sources.delete(name);
    // No worker, no source: not worth starting one to close nothing.
    if (this.worker !== undefined) this.post({ op: 'closeSource', name });
  }

  /** @internal RemoteSide.play: numbers the playback and posts it; the worker's playbackEnded settles it. */
  play(build: (play: number) => RelayCommand): Promise<PlaybackEnd> {
    const id = this.nextPlay++;
    return new Promise((resolve) => {
      this.plays.set(id, resolve);
      this.post(build(id));
    });
  }

  /** @internal RemoteSession.stopRecording: numbers the request and posts it; the worker's recordingStopped settles it. */
  stopRecording(build: (request: number) => RelayCommand, lost: RecordingResult): Promise<RecordingResult | undefined> {
    const request = this.nextRequest++;
    return new Promise((resolve) => {
      this.recordingStops.set(request, { resolve, lost });
      this.post(build(request));
      // The file's last second is written after the answer is asked for: the process waits for it.
      this.holdProcessOpen();
    });
  }

  /** The worker's counters; undefined when it is not running. */
  snapshot(): Promise<RelaySnapshot | undefined> {
    if (this.worker === undefined) return Promise.resolve(undefined);
    const request = this.nextRequest++;
    return new Promise((resolve) => {
      this.snapshots.set(request, resolve);
      this.post({ op: 'snapshot', request });
      this.holdProcessOpen();
    });
  }

  /** Closes every session and stops the thread; new sessions are refused. */
  async close(): Promise<void> {
    this.isClosed = true;
    const worker = this.worker;
    if (worker === undefined) return;
    const stopped = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    this.post({ op: 'shutdown' });
    worker.ref();
    // The worker closes its sockets and exits by itself; terminate() is the backstop for a stuck one.
    const timer = setTimeout(() => void worker.terminate(), 2000);
    await stopped;
    clearTimeout(timer);
  }

  /** Stops the thread as a crash would (for tests of what calls see then); the next command starts a new one. */
  async killWorker(): Promise<void> {
    await this.worker?.terminate();
  }

  /** @internal Sessions post through here, in order; a turn's commands leave as one message (message-batch.ts). */
  post(command: RelayCommand, transfer?: readonly Transferable[]): void {
    // A closed relay's thread is gone or going: a late command (a pool unpairing a side) must not start another.
    if (this.worker === undefined && this.isClosed) return;
    this.worker ??= this.spawn();
    this.batch.push(command, transfer);
  }

  // A worker that died since they were queued took their sessions with it; a new one starts with the next command.
  private readonly batch = new MessageBatch<RelayCommand>((commands, transfer) => this.worker?.postMessage(commands, transfer));

  /** @internal The worker now (started if none runs): a number that changes when a new worker replaces it. */
  ensureWorker(): number {
    if (!this.isClosed) this.worker ??= this.spawn();
    return this.spawned;
  }

  /** @internal RemoteSide.bridgeTo: a pool pairs across its workers; alone, both sides are in this worker. */
  bridge(from: RemoteSide, to: RemoteSide | undefined): void {
    if (this.router !== undefined) return this.router.bridge(from, to);
    from.session.command({ op: 'bridge', session: from.session.id, side: from.name, to: to === undefined ? undefined : { session: to.session.id, side: to.name } });
  }

  /** @internal A closed session's handle is dropped at once; the worker frees its ports when the command lands. */
  forget(session: RemoteSession): void {
    this.sessions.delete(session.id);
    this.router?.forgotten(session);
  }

  private spawn(): Worker {
    // The worker is started on first use and again after a crash, never in a loop: one spawn per command batch.
    this.spawned++;
    const settings: RelayWorkerSettings = { ...this.settings, sessionIdPrefix: `w${this.index}.${this.spawned}r` };
    const worker = startModuleWorker(WORKER_URL, { workerData: settings, name: `media-relay-${this.index}` });
    worker.unref();
    worker.on('message', (events: readonly RelayEvent[]) => {
      for (const event of events) this.receive(event);
    });
    worker.on('error', (error) => this.logger.error({ err: error.message }, 'media relay worker failed'));
    worker.on('exit', (code) => this.exited(worker, code));
    const reopen = [...this.sources].map(([name, source]): RelayCommand => ({ op: 'openSource', request: 0, name, source }));
    if (reopen.length > 0) worker.postMessage(reopen);
    this.logger.debug({ threadId: worker.threadId }, 'media relay worker started');
    return worker;
  }

  // The thread alone never keeps the process running (the SIP sockets do that), but an answer being waited for does.
  private holdProcessOpen(): void {
    this.worker?.ref();
  }

  private letProcessExit(): void {
    // Playbacks do not hold the process open: music on hold plays until someone stops it.
    const waiting = this.opening.size + this.snapshots.size + this.sourceOpens.size + this.recordingStops.size;
    if (waiting === 0 && !this.isClosed) this.worker?.unref();
  }

  private receive(event: RelayEvent): void {
    this.dispatch(event);
    this.letProcessExit();
  }

  private dispatch(event: RelayEvent): void {
    switch (event.ev) {
      case 'opened': {
        const resolve = this.take(this.opening, event.request);
        const session = new RemoteSession(event.session, event.portA, event.portB, this.settings.host, this);
        if (resolve === undefined || this.isClosed) return void this.post({ op: 'close', session: event.session });
        this.sessions.set(session.id, session);
        return resolve(ok(session));
      }
      case 'refused':
        return this.take(this.opening, event.request)?.(err(event.reason));
      case 'inactive':
        return this.sessions.get(event.session)?.inactive();
      case 'snapshot':
        return this.take(this.snapshots, event.request)?.(event.snapshot);
      case 'playbackEnded':
        return this.take(this.plays, event.play)?.(event.end);
      case 'dtmf':
        return this.sessions.get(event.session)?.dtmf(event.side, event.digit, event.method);
      case 'recordingStopped':
        return this.take(this.recordingStops, event.request)?.resolve(event.result);
      case 'sourceOpened':
        return this.take(this.sourceOpens, event.request)?.(event.error === undefined ? ok(undefined) : err(event.error));
      case 'stopped':
        return;
    }
  }

  private exited(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const resolve of this.opening.values()) resolve(err('media relay worker stopped'));
    this.opening.clear();
    for (const resolve of this.snapshots.values()) resolve(undefined);
    this.snapshots.clear();
    for (const resolve of this.sourceOpens.values()) resolve(err('media relay worker stopped'));
    this.sourceOpens.clear();
    // Their sides died with the thread (or closed with the relay): nothing more will be played to them.
    const end: PlaybackEnd = this.isClosed ? { reason: 'stopped', framesSent: 0 } : { reason: 'error', error: 'media relay worker stopped', framesSent: 0 };
    for (const resolve of this.plays.values()) resolve(end);
    this.plays.clear();
    // The files were cut short (each holds what was written before): their results say so.
    for (const stop of this.recordingStops.values()) stop.resolve(stop.lost);
    this.recordingStops.clear();
    const lost = [...this.sessions.values()];
    this.sessions.clear();
    if (!this.isClosed) this.logger.error({ code, sessions: lost.length }, 'media relay worker exited; its calls have lost their media');
    // Their sockets died with the thread: report them as inactive so their calls end cleanly instead of hanging silent.
    for (const session of lost) {
      session.lost(this.isClosed ? 'media relay closed while recording (the worker finished the file)' : undefined);
      this.router?.forgotten(session);
    }
  }

  private take<T>(map: Map<number, T>, request: number): T | undefined {
    const value = map.get(request);
    map.delete(request);
    return value;
  }
}

