// The handles the PBX's thread holds for sessions living in the relay's worker (ThreadedMediaRelay): each knows its
// ports and turns calls into commands posted in order; a playback's promise is settled by the worker's event.
import type { DtmfDetection, DtmfListener, DtmfMethod, PlaybackEnd, PlayRequest, RelaySessionControl, RelaySideControl, RelayTone, SideName } from './relay-control.ts';
import type { RelayCommand } from './relay-worker-protocol.ts';

/** What a handle needs of ThreadedMediaRelay. */
export interface RemoteRelay {
  post(command: RelayCommand): void;
  forget(session: RemoteSession): void;
  /** Posts the command `build` makes with a new playback number; settles when the worker reports its end. */
  play(build: (play: number) => RelayCommand): Promise<PlaybackEnd>;
}

/** A session living in the worker, seen from the PBX's thread. */
export class RemoteSession implements RelaySessionControl {
  onInactive: ((session: RelaySessionControl) => void) | undefined = undefined;
  private isClosed = false;
  private readonly a: RemoteSide;
  private readonly b: RemoteSide;

  constructor(
    readonly id: string,
    portA: number,
    portB: number,
    localAddress: string,
    readonly relay: RemoteRelay,
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

  /** @internal A digit heard on one of its sides, reported by the worker. */
  dtmf(side: SideName, digit: string, method: DtmfMethod): void {
    const listener = (side === 'a' ? this.a : this.b).onDtmf;
    listener?.(digit, method);
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
  onDtmf: DtmfListener | undefined = undefined;

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

  play(request: PlayRequest): Promise<PlaybackEnd> {
    if (this.session.closed) return Promise.resolve({ reason: 'error', error: 'relay session is closed', framesSent: 0 });
    return this.session.relay.play((play) => ({ op: 'play', session: this.session.id, side: this.name, play, request }));
  }

  detectDtmf(detection: DtmfDetection | undefined): void {
    this.session.command({ op: 'detectDtmf', session: this.session.id, side: this.name, detection });
  }

  stopPlayback(): void {
    this.session.command({ op: 'stopPlayback', session: this.session.id, side: this.name });
  }

  bridgeTo(other: RelaySideControl | undefined): void {
    // Sides of one worker only: a side of an in-thread MediaRelay has nothing to pair with here.
    const to = other instanceof RemoteSide && !other.session.closed ? { session: other.session.id, side: other.name } : undefined;
    this.session.command({ op: 'bridge', session: this.session.id, side: this.name, to });
  }
}
