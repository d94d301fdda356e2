// A client of rtpengine's ng control protocol over UDP: `<cookie> <bencoded dictionary>` both ways, the reply carrying
// the request's cookie. A request is resent with the same cookie when no reply came (rtpengine answers a repeated
// cookie from its cache instead of acting twice). Commands and keys as in rtpengine 10.5's README ("The ng Control
// Protocol"); only what the apps bench uses is typed here.
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { decode, encode, type BValue } from './bencode.ts';

export type NgDict = { readonly [key: string]: BValue | undefined };

export interface NgReply {
  readonly result: string;
  readonly [key: string]: BValue | undefined;
}

/** An ng reply with result `error` (or a reply that never came), as an Error with rtpengine's reason. */
export class NgError extends Error {}

const RESEND_MS = 1_000;
const ATTEMPTS = 3;

export class NgClient {
  private readonly pending = new Map<string, (reply: NgReply) => void>();
  private readonly prefix = randomBytes(4).toString('hex');
  private next = 1;

  private constructor(private readonly socket: Socket, readonly host: string, readonly port: number) {
    socket.on('message', (data) => {
      const space = data.indexOf(0x20);
      if (space <= 0) return;
      const cookie = data.toString('latin1', 0, space);
      const resolve = this.pending.get(cookie);
      if (!resolve) return; // a late reply to a resent request
      try {
        const reply = decode(data.subarray(space + 1));
        if (typeof reply !== 'object' || Array.isArray(reply) || Buffer.isBuffer(reply) || typeof (reply as NgDict).result !== 'string') return;
        this.pending.delete(cookie);
        resolve(reply as NgReply);
      } catch {
        // not bencode: ignore, the request will time out
      }
    });
  }

  static async open(host: string, port: number): Promise<NgClient> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.removeListener('error', reject);
        resolve();
      });
    });
    socket.on('error', () => {
      // ICMP port unreachable while rtpengine restarts: the request times out instead.
    });
    return new NgClient(socket, host, port);
  }

  /** Sends `command` with `params`; resolves the reply, rejects with NgError on `error` or no reply. */
  async request(command: string, params: NgDict = {}): Promise<NgReply> {
    const cookie = `${this.prefix}_${this.next++}`;
    const packet = Buffer.concat([Buffer.from(`${cookie} `, 'latin1'), encode({ ...params, command })]);
    const reply = await new Promise<NgReply | undefined>((resolve) => {
      let attempts = 0;
      let timer: NodeJS.Timeout | undefined;
      const send = () => {
        if (attempts++ >= ATTEMPTS) {
          this.pending.delete(cookie);
          resolve(undefined);
          return;
        }
        this.socket.send(packet, this.port, this.host);
        timer = setTimeout(send, RESEND_MS);
      };
      this.pending.set(cookie, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      send();
    });
    if (!reply) throw new NgError(`rtpengine ${this.host}:${this.port} did not answer '${command}'`);
    if (reply.result === 'error') throw new NgError(`rtpengine '${command}': ${String(reply['error-reason'] ?? 'error')}`);
    return reply;
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.request('ping')).result === 'pong';
    } catch {
      return false;
    }
  }

  close(): void {
    for (const resolve of this.pending.values()) resolve({ result: 'error', 'error-reason': 'client closed' });
    this.pending.clear();
    this.socket.close();
  }
}

/** The SDP an `offer` or `answer` reply carries. */
export function replySdp(reply: NgReply): string {
  const sdp = reply.sdp;
  if (typeof sdp !== 'string') throw new NgError('rtpengine replied without an SDP');
  return sdp;
}
