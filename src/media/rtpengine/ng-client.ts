// A client of rtpengine's ng control protocol over UDP: each request is `<cookie> <bencoded dictionary>` and the
// answer repeats the cookie. rtpengine keeps its answers by cookie for a while, so re-sending the same bytes after
// a timeout is safe (a retransmission gets the cached answer, never a second offer).
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { err, ok, type Result } from '../../shared/index.ts';
import { bdecode, bencode, type BencodeValue } from './bencode.ts';

export interface NgAddress {
  readonly host: string;
  readonly port: number;
}

/** Parses `udp:HOST:PORT`, `HOST:PORT`, `udp:[V6]:PORT` (an IP literal: the node does not resolve names here). */
export function parseNgAddress(text: string): Result<NgAddress, string> {
  const match = /^(?:udp:)?(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):([0-9]{1,5})$/.exec(text.trim());
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (match === null || host === undefined || isIP(host) === 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    return err(`expected udp:IP:PORT (e.g. udp:127.0.0.1:2223), got '${text}'`);
  }
  return ok({ host, port });
}

/** Why a request got no usable answer. `error` is rtpengine's own refusal (result: error), with its reason. */
export type NgFailure =
  | { readonly kind: 'timeout'; readonly message: string }
  | { readonly kind: 'busy'; readonly message: string }
  | { readonly kind: 'closed'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string; readonly reason: string };

export type NgDictionary = { readonly [key: string]: BencodeValue };

export interface NgClientOptions {
  /** How long one try waits for the answer (default 1,000 ms). */
  readonly timeoutMs?: number;
  /** Tries after the first before the request fails `timeout` (default 2). */
  readonly retries?: number;
  /** Requests waiting for an answer at once; more fail `busy` at once instead of queueing without bound (default 1,024). */
  readonly maxPending?: number;
}

interface Pending {
  readonly command: string;
  readonly packet: Buffer;
  triesLeft: number;
  timer: NodeJS.Timeout;
  readonly settle: (result: Result<NgDictionary, NgFailure>) => void;
}

export class NgClient {
  private readonly pending = new Map<string, Pending>();
  private readonly cookiePrefix = randomBytes(4).toString('hex');
  private sequence = 0;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly maxPending: number;
  /** Answers that matched no pending request (late after a timeout, or garbage): counted, never thrown. */
  strayAnswers = 0;

  private constructor(
    private readonly socket: Socket,
    readonly address: NgAddress,
    options: NgClientOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.retries = options.retries ?? 2;
    this.maxPending = options.maxPending ?? 1024;
    socket.on('message', (data) => this.received(data));
    // A refused send (ICMP port unreachable) surfaces here on some systems: the request just times out.
    socket.on('error', () => undefined);
  }

  /** Binds an ephemeral UDP socket connected to rtpengine at `address`. */
  static async open(address: NgAddress, options: NgClientOptions = {}): Promise<NgClient> {
    const socket = createSocket(isIP(address.host) === 6 ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      // Connected: the kernel then takes datagrams from rtpengine's address and port only, so nobody else on the
      // network can answer an offer (and point a call's media elsewhere) by guessing a cookie.
      socket.bind(0, () => {
        socket.connect(address.port, address.host, () => {
          socket.removeListener('error', reject);
          resolve();
        });
      });
    });
    socket.unref();
    return new NgClient(socket, address, options);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Sends `command` with its parameters; resolves with rtpengine's answer dictionary (result ok/pong) or why not. */
  request(command: string, params: NgDictionary = {}): Promise<Result<NgDictionary, NgFailure>> {
    if (this.closed) return Promise.resolve(err({ kind: 'closed', message: `ng ${command}: the client is closed` }));
    if (this.pending.size >= this.maxPending) {
      return Promise.resolve(err({ kind: 'busy', message: `ng ${command}: ${this.pending.size} requests already wait for rtpengine` }));
    }
    const cookie = `${this.cookiePrefix}_${(this.sequence++).toString(36)}`;
    const packet = Buffer.concat([Buffer.from(`${cookie} `, 'latin1'), bencode({ ...params, command })]);
    return new Promise((resolve) => {
      const entry: Pending = {
        command,
        packet,
        triesLeft: this.retries,
        timer: setTimeout(() => this.expired(cookie), this.timeoutMs),
        settle: resolve,
      };
      this.pending.set(cookie, entry);
      this.send(entry);
    });
  }

  ping(): Promise<Result<NgDictionary, NgFailure>> {
    return this.request('ping');
  }

  /** Stops the client: every waiting request fails `closed`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [cookie, entry] of this.pending) {
      clearTimeout(entry.timer);
      this.pending.delete(cookie);
      entry.settle(err({ kind: 'closed', message: `ng ${entry.command}: the client was closed` }));
    }
    this.socket.close();
  }

  private send(entry: Pending): void {
    this.socket.send(entry.packet, () => undefined);
  }

  private expired(cookie: string): void {
    const entry = this.pending.get(cookie);
    if (entry === undefined) return;
    if (entry.triesLeft > 0) {
      entry.triesLeft--;
      entry.timer = setTimeout(() => this.expired(cookie), this.timeoutMs);
      this.send(entry);
      return;
    }
    this.pending.delete(cookie);
    const { host, port } = this.address;
    entry.settle(err({ kind: 'timeout', message: `ng ${entry.command}: no answer from rtpengine at ${host}:${port} after ${this.retries + 1} tries of ${this.timeoutMs} ms` }));
  }

  private received(data: Buffer): void {
    const space = data.indexOf(0x20);
    const cookie = space > 0 ? data.toString('latin1', 0, space) : '';
    const entry = this.pending.get(cookie);
    if (entry === undefined) {
      this.strayAnswers++;
      return;
    }
    let answer: BencodeValue;
    try {
      answer = bdecode(data.subarray(space + 1));
    } catch {
      // A garbled datagram for a known cookie: leave the request to its retry, which may get a clean copy.
      this.strayAnswers++;
      return;
    }
    clearTimeout(entry.timer);
    this.pending.delete(cookie);
    if (typeof answer !== 'object' || Array.isArray(answer)) {
      return entry.settle(err({ kind: 'error', message: `ng ${entry.command}: rtpengine answered something other than a dictionary`, reason: '' }));
    }
    const dict = answer as NgDictionary;
    const result = dict.result;
    if (result === 'ok' || result === 'pong') return entry.settle(ok(dict));
    const reason = typeof dict['error-reason'] === 'string' ? dict['error-reason'] : String(result ?? 'no result');
    entry.settle(err({ kind: 'error', message: `ng ${entry.command}: rtpengine refused: ${reason}`, reason }));
  }
}
