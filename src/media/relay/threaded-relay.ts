// ThreadedMediaRelay: the RTP relay in a worker thread (relay-worker.ts). The PBX's thread keeps SIP, the dialplan
// and the API; the worker owns the media sockets and forwards packets, so a few hundred calls' 50 packets/s each
// way cannot delay a SIP answer past its retransmission timer. Each session here is a handle: it knows its ports
// and forwards commands in order; the packets never cross threads.
import type { Worker } from 'node:worker_threads';
import { err, ok, silentLogger, startModuleWorker, type Logger, type Result } from '../../shared/index.ts';
import { MediaRelay, type RelaySnapshot } from './media-relay.ts';
import type { MediaRelayControl, RelaySessionControl, RelaySideControl, RelayTone, SideName } from './relay-control.ts';
import type { RelayCommand, RelayEvent, RelayWorkerSettings } from './relay-worker-protocol.ts';

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
}

const WORKER_URL = new URL('./relay-worker.ts', import.meta.url);

export class ThreadedMediaRelay implements MediaRelayControl {
  private worker: Worker | undefined = undefined;
  private readonly sessions = new Map<string, RemoteSession>();
  private readonly opening = new Map<number, (result: Result<RemoteSession, string>) => void>();
  private readonly snapshots = new Map<number, (snapshot: RelaySnapshot | undefined) => void>();
  private nextRequest = 1;
  private isClosed = false;
  private readonly logger: Logger;
  private readonly settings: RelayWorkerSettings;
  readonly sessionCapacity: number;

  /** Checks the settings as the worker will (a bad range or window throws PbxError('invalid_config') here, not in the thread). */
  constructor(options: ThreadedMediaRelayOptions) {
    // Validation only: it binds nothing until a session opens.
    this.sessionCapacity = MediaRelay.create(options).sessionCapacity;
    this.logger = options.logger ?? silentLogger;
    this.settings = {
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

  /** @internal Sessions post through here, in order. */
  post(command: RelayCommand): void {
    this.worker ??= this.spawn();
    this.worker.postMessage(command);
  }

  /** @internal A closed session's handle is dropped at once; the worker frees its ports when the command lands. */
  forget(session: RemoteSession): void {
    this.sessions.delete(session.id);
  }

  private spawn(): Worker {
    // The worker is started on first use and again after a crash, never in a loop: one spawn per command batch.
    const worker = startModuleWorker(WORKER_URL, { workerData: this.settings, name: 'media-relay' });
    worker.unref();
    worker.on('message', (event: RelayEvent) => this.receive(event));
    worker.on('error', (error) => this.logger.error({ err: error.message }, 'media relay worker failed'));
    worker.on('exit', (code) => this.exited(worker, code));
    this.logger.debug({ threadId: worker.threadId }, 'media relay worker started');
    return worker;
  }

  // The thread alone never keeps the process running (the SIP sockets do that), but an answer being waited for does.
  private holdProcessOpen(): void {
    this.worker?.ref();
  }

  private letProcessExit(): void {
    if (this.opening.size === 0 && this.snapshots.size === 0 && !this.isClosed) this.worker?.unref();
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
    const lost = [...this.sessions.values()];
    this.sessions.clear();
    if (!this.isClosed) this.logger.error({ code, sessions: lost.length }, 'media relay worker exited; its calls have lost their media');
    // Their sockets died with the thread: report them as inactive so their calls end cleanly instead of hanging silent.
    for (const session of lost) session.lost();
  }

  private take<T>(map: Map<number, T>, request: number): T | undefined {
    const value = map.get(request);
    map.delete(request);
    return value;
  }
}

/** A session living in the worker, seen from the PBX's thread. */
class RemoteSession implements RelaySessionControl {
  onInactive: ((session: RelaySessionControl) => void) | undefined = undefined;
  private isClosed = false;
  private readonly a: RemoteSide;
  private readonly b: RemoteSide;

  constructor(
    readonly id: string,
    portA: number,
    portB: number,
    localAddress: string,
    private readonly relay: ThreadedMediaRelay,
  ) {
    this.a = new RemoteSide('a', portA, localAddress, this);
    this.b = new RemoteSide('b', portB, localAddress, this);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  side(name: SideName): RelaySideControl {
    return name === 'a' ? this.a : this.b;
  }

  hold(side: SideName, held: boolean): void;
  hold(held: boolean): void;
  hold(sideOrHeld: SideName | boolean, held?: boolean): void {
    if (typeof sideOrHeld === 'boolean') this.command({ op: 'hold', session: this.id, side: undefined, held: sideOrHeld });
    else this.command({ op: 'hold', session: this.id, side: sideOrHeld, held: held === true });
  }

  pause(): void {
    this.command({ op: 'pause', session: this.id });
  }

  resume(): void {
    this.command({ op: 'resume', session: this.id });
  }

  close(): void {
    if (this.isClosed) return;
    this.command({ op: 'close', session: this.id });
    this.isClosed = true;
    this.onInactive = undefined;
    this.relay.forget(this);
  }

  /** @internal A command for this session; none once it is closed (its id may belong to another session by then). */
  command(command: RelayCommand): void {
    if (!this.isClosed) this.relay.post(command);
  }

  /** @internal The worker found the session silent. */
  inactive(): void {
    const listener = this.onInactive;
    listener?.(this);
  }

  /** @internal The worker died: the session is gone, and its call is told as if it had gone silent. */
  lost(): void {
    const listener = this.onInactive;
    this.isClosed = true;
    this.onInactive = undefined;
    listener?.(this);
  }
}

class RemoteSide implements RelaySideControl {
  constructor(
    readonly name: SideName,
    readonly localPort: number,
    readonly localAddress: string,
    readonly session: RemoteSession,
  ) {}

  setRemote(address: string, port: number, signallingAddress?: string): void {
    this.session.command({ op: 'setRemote', session: this.session.id, side: this.name, address, port, ...(signallingAddress === undefined ? {} : { signallingAddress }) });
  }

  playTone(tone: RelayTone | undefined): void {
    this.session.command({ op: 'tone', session: this.session.id, side: this.name, tone });
  }

  bridgeTo(other: RelaySideControl | undefined): void {
    // Sides of one worker only: a side of an in-thread MediaRelay has nothing to pair with here.
    const to = other instanceof RemoteSide && !other.session.closed ? { session: other.session.id, side: other.name } : undefined;
    this.session.command({ op: 'bridge', session: this.session.id, side: this.name, to });
  }
}
