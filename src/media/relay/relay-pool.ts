// MediaRelayPool: the RTP relay in several worker threads (CALLGRID_RTP_WORKERS), behind the same MediaRelayControl
// the B2BUA uses for one. At G.711 20 ms a call is 100 datagrams a second each way, and one worker's `send`s fill one
// core; a pool spreads sessions over workers, each a ThreadedMediaRelay with its own slice of the port range, its own
// media clock and its own crash handling (a worker that dies ends exactly its own calls and is replaced).
// Placement: a new session goes to the worker with the fewest sessions, or beside `near` (a consultation beside its
// call). Two sides in different workers can still be paired (a phone's own attended transfer joins two calls opened
// apart): each worker then hands its side's packets to the other over a port of their own (relay-links.ts); the pool
// keeps which sides are paired across, so a later pairing undoes the earlier one in both workers.
import { MessageChannel } from 'node:worker_threads';
import { err, PbxError, type Result } from '../../shared/index.ts';
import type { RelaySnapshot } from './media-relay.ts';
import type { MediaRelayControl, OpenSessionOptions, RelaySessionControl, SideName, SourceRequest } from './relay-control.ts';
import { DEFAULT_PORT_MAX, DEFAULT_PORT_MIN } from './rtp-port-pool.ts';
import { RemoteSession, RemoteSide } from './remote-session.ts';
import { ThreadedMediaRelay, type BridgeRouter, type ThreadedMediaRelayOptions } from './threaded-relay.ts';

export interface MediaRelayPoolOptions extends Omit<ThreadedMediaRelayOptions, 'index' | 'router'> {
  /** How many worker threads (1 or more). */
  readonly workers: number;
}

export class MediaRelayPool implements MediaRelayControl, BridgeRouter {
  private readonly relays: ThreadedMediaRelay[];
  /** Sessions being opened per worker: placement counts them, or a burst of calls would all land on one. */
  private readonly opening: number[];
  /** Sides paired across two workers, both ways. */
  private readonly across = new Map<RemoteSide, RemoteSide>();
  /** The worker generations each pair of workers was linked at ("i-j" -> "gi-gj"). */
  private readonly links = new Map<string, string>();
  private next = 0;
  readonly sessionCapacity: number;

  /** Splits the port range into one slice per worker; throws PbxError('invalid_config') on a bad count or range. */
  constructor(options: MediaRelayPoolOptions) {
    const count = options.workers;
    if (!Number.isInteger(count) || count < 1) throw new PbxError('invalid_config', `media relay workers must be 1 or more (${count})`);
    const min = options.portMin ?? DEFAULT_PORT_MIN;
    const max = options.portMax ?? DEFAULT_PORT_MAX;
    const first = min % 2 === 0 ? min : min + 1;
    const pairs = Math.floor((max - 1 - first) / 2) + 1;
    // Two pairs a session: each worker needs room for one at least.
    if (!(pairs >= 2 * count)) throw new PbxError('invalid_config', `RTP port range ${min}-${max} is too small for ${count} media relay workers`);
    this.relays = Array.from({ length: count }, (_, index) => {
      const from = first + 2 * Math.floor((pairs * index) / count);
      const to = first + 2 * Math.floor((pairs * (index + 1)) / count) - 1;
      return new ThreadedMediaRelay({ ...options, portMin: from, portMax: to, index, router: this });
    });
    this.opening = this.relays.map(() => 0);
    this.sessionCapacity = this.relays.reduce((sum, relay) => sum + relay.sessionCapacity, 0);
  }

  get localAddress(): string {
    return this.relays[0]?.localAddress ?? '';
  }

  get sessionCount(): number {
    return this.relays.reduce((sum, relay) => sum + relay.sessionCount, 0);
  }

  /** The workers' relays, in index order (for figures and tests). */
  get workers(): readonly ThreadedMediaRelay[] {
    return this.relays;
  }

  async openSession(options?: OpenSessionOptions): Promise<Result<RelaySessionControl, string>> {
    const near = options?.near instanceof RemoteSession ? this.relays.indexOf(options.near.relay as ThreadedMediaRelay) : -1;
    const order = near >= 0 ? [near, ...this.byLoad().filter((index) => index !== near)] : this.byLoad();
    let refused: Result<RelaySessionControl, string> = err('media relay is closed');
    // A worker whose slice is full (or whose thread just died) refuses: the next one may have room.
    for (const index of order) {
      const relay = this.relays[index] as ThreadedMediaRelay;
      this.opening[index] = (this.opening[index] ?? 0) + 1;
      const opened = await relay.openSession().finally(() => (this.opening[index] = (this.opening[index] ?? 1) - 1));
      if (opened.ok || opened.error === 'media relay is closed') return opened;
      refused = opened;
    }
    return refused;
  }

  /** Every worker plays every source: a side hears music on hold from its own worker. */
  async openSource(name: string, request: SourceRequest): Promise<Result<void, string>> {
    const opened = await Promise.all(this.relays.map((relay) => relay.openSource(name, request)));
    return opened.find((result) => !result.ok) ?? opened[0] ?? err('media relay has no workers');
  }

  closeSource(name: string): void {
    for (const relay of this.relays) relay.closeSource(name);
  }

  /** Each worker's counters (undefined for one not running), in index order. */
  snapshots(): Promise<(RelaySnapshot | undefined)[]> {
    return Promise.all(this.relays.map((relay) => relay.snapshot()));
  }

  async close(): Promise<void> {
    await Promise.all(this.relays.map((relay) => relay.close()));
  }

  /** @internal RemoteSide.bridgeTo through a worker's relay. */
  bridge(from: RemoteSide, to: RemoteSide | undefined): void {
    this.unpairAcross(from, to);
    if (to !== undefined) this.unpairAcross(to, from);
    const here = from.session.relay as ThreadedMediaRelay;
    const there = to?.session.relay as ThreadedMediaRelay | undefined;
    if (to === undefined || there === undefined || there === here) {
      return from.session.command({ op: 'bridge', session: from.session.id, side: from.name, to: to === undefined ? undefined : { session: to.session.id, side: to.name } });
    }
    this.link(here, there);
    from.session.command({ op: 'bridge', session: from.session.id, side: from.name, to: { session: to.session.id, side: to.name, worker: there.index } });
    to.session.command({ op: 'bridge', session: to.session.id, side: to.name, to: { session: from.session.id, side: from.name, worker: here.index } });
    this.across.set(from, to);
    this.across.set(to, from);
  }

  /** @internal A session closed or lost with its worker: its sides' partners in other workers stop sending to it. */
  forgotten(session: RemoteSession): void {
    for (const name of ['a', 'b'] as const satisfies readonly SideName[]) {
      const side = session.side(name);
      if (side instanceof RemoteSide) this.unpairAcross(side, undefined);
    }
  }

  /** Ends `side`'s pairing across workers in the other worker too (unless that side is `keep`, paired again at once). */
  private unpairAcross(side: RemoteSide, keep: RemoteSide | undefined): void {
    const partner = this.across.get(side);
    if (partner === undefined) return;
    this.across.delete(side);
    if (this.across.get(partner) !== side) return;
    this.across.delete(partner);
    if (partner !== keep) partner.session.command({ op: 'bridge', session: partner.session.id, side: partner.name, to: undefined });
  }

  /** Gives two workers a MessagePort of their own, once per pair of running threads. */
  private link(one: ThreadedMediaRelay, other: ThreadedMediaRelay): void {
    const [a, b] = one.index < other.index ? [one, other] : [other, one];
    const key = `${a.index}-${b.index}`;
    const generations = `${a.ensureWorker()}-${b.ensureWorker()}`;
    if (this.links.get(key) === generations) return;
    const channel = new MessageChannel();
    a.post({ op: 'link', worker: b.index, port: channel.port1 }, [channel.port1]);
    b.post({ op: 'link', worker: a.index, port: channel.port2 }, [channel.port2]);
    this.links.set(key, generations);
  }

  /** Worker indexes, fewest sessions (open and opening) first; ties go round in turn. */
  private byLoad(): number[] {
    const start = this.next++ % this.relays.length;
    const load = (index: number): number => (this.relays[index]?.sessionCount ?? 0) + (this.opening[index] ?? 0);
    const indexes = this.relays.map((_, i) => (start + i) % this.relays.length);
    return indexes.sort((x, y) => load(x) - load(y));
  }
}
