// A SIP carrier for tests of the SIP MESSAGE SMS driver: real UDP and TCP sockets on loopback, each request parsed
// with the stack's parser and answered by the test's handler. It answers a retransmission with the same response, as
// a server transaction would (RFC 3261 §17.2.2), and records each request once.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { systemClock } from '../../../shared/index.ts';
import { DigestAuthenticator, buildResponse, parseMessage, serializeMessage, type SipRequest } from '../../../sip/index.ts';

export interface CarrierAnswer {
  readonly status: number;
  readonly reason: string;
  readonly headers?: Array<[string, string]>;
}

/** How the carrier answers one request (undefined: it never answers). */
export type CarrierHandler = (request: SipRequest) => Promise<CarrierAnswer | undefined> | CarrierAnswer | undefined;

export interface ReceivedRequest {
  readonly request: SipRequest;
  readonly protocol: 'udp' | 'tcp';
  /** The datagram's (or the framed message's) size in bytes. */
  readonly size: number;
}

export class TestSipCarrier {
  readonly received: ReceivedRequest[] = [];
  handler: CarrierHandler = () => ({ status: 202, reason: 'Accepted' });
  private readonly answered = new Map<string, Buffer | null>();
  private udp: Socket | undefined;
  private tcp: Server | undefined;
  private readonly connections = new Set<TcpSocket>();

  async listen(): Promise<{ udpPort: number; tcpPort: number }> {
    const udp = createSocket('udp4');
    this.udp = udp;
    udp.on('message', (data, rinfo) => void this.take(data, 'udp', (out) => udp.send(out, rinfo.port, rinfo.address)));
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const tcp = createServer((socket) => {
      this.connections.add(socket);
      socket.on('close', () => this.connections.delete(socket));
      socket.on('error', () => undefined);
      let pending = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        for (;;) {
          const end = pending.indexOf('\r\n\r\n');
          if (end === -1) return;
          const length = Number(/\r\n(?:content-length|l)\s*:\s*(\d+)/i.exec(pending.subarray(0, end).toString('latin1'))?.[1] ?? 0);
          if (pending.length < end + 4 + length) return;
          const message = pending.subarray(0, end + 4 + length);
          pending = pending.subarray(end + 4 + length);
          void this.take(message, 'tcp', (out) => socket.write(out));
        }
      });
    });
    this.tcp = tcp;
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const tcpAddress = tcp.address();
    return { udpPort: udp.address().port, tcpPort: typeof tcpAddress === 'object' && tcpAddress !== null ? tcpAddress.port : 0 };
  }

  /** A handler that challenges (401 WWW-Authenticate, or 407) until the request carries `user`/`password`'s digest. */
  static digest(realm: string, user: string, password: string, then: CarrierAnswer, status: 401 | 407 = 401): CarrierHandler {
    const server = new DigestAuthenticator({ secret: 'the carrier test secret, long enough', clock: systemClock, algorithms: ['MD5'] });
    return async (request) => {
      const authorization = request.headers.get(status === 401 ? 'authorization' : 'proxy-authorization');
      const verdict = authorization === undefined ? undefined : await server.verify({ authorization, method: request.method, requestUri: request.uri, realm, lookup: (u) => (u === user ? password : undefined) });
      if (verdict?.outcome === 'ok') return then;
      const name = status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
      return { status, reason: status === 401 ? 'Unauthorized' : 'Proxy Authentication Required', headers: server.challenge(realm).map((c) => [name, c]) };
    };
  }

  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await Promise.all([
      new Promise<void>((resolve) => (this.udp === undefined ? resolve() : this.udp.close(() => resolve()))),
      new Promise<void>((resolve) => (this.tcp === undefined ? resolve() : this.tcp.close(() => resolve()))),
    ]);
  }

  private async take(data: Buffer, protocol: 'udp' | 'tcp', reply: (out: Buffer) => void): Promise<void> {
    const parsed = parseMessage(data);
    if (!parsed.ok || parsed.value.type !== 'request') return;
    const request = parsed.value;
    const key = `${request.headers.get('via') ?? ''}|${request.headers.get('cseq') ?? ''}`;
    if (this.answered.has(key)) {
      const again = this.answered.get(key);
      if (again) reply(again);
      return;
    }
    this.answered.set(key, null);
    this.received.push({ request, protocol, size: data.length });
    const answer = await this.handler(request);
    if (answer === undefined) return;
    const out = serializeMessage(buildResponse(request, answer.status, answer.reason, { headers: answer.headers ?? [] }));
    this.answered.set(key, out);
    reply(out);
  }
}
