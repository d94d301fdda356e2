// Test support for the SipStack tests: a small SIP peer built from the real transports (UDP or TCP on
// 127.0.0.1), hand-written request text, and bounded waits for the answers.
import { randomBytes } from 'node:crypto';
import { silentLogger, systemClock } from '../../shared/index.ts';
import { Headers, parseMessage, type SipMessage, type SipRequest, type SipResponse } from '../message/index.ts';
import { TcpTransport, UdpTransport, type Endpoint, type InboundPacket, type Transport, type TransportListener } from '../transport/index.ts';
import { SipStack } from './sip-stack.ts';
import type { SipStackDelegate, SipStackOptions } from './stack-types.ts';

/** Polls until `condition` holds; fails after `timeoutMs` instead of hanging the test. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class TestClient implements TransportListener {
  readonly packets: InboundPacket[] = [];
  private transport!: Transport;

  static async udp(): Promise<TestClient> {
    const client = new TestClient();
    client.transport = await UdpTransport.listen({ host: '127.0.0.1', port: 0 }, client);
    return client;
  }

  static async tcp(): Promise<TestClient> {
    const client = new TestClient();
    client.transport = await TcpTransport.listen({ host: '127.0.0.1', port: 0, clock: systemClock }, client);
    return client;
  }

  onPacket(packet: InboundPacket): void {
    this.packets.push(packet);
  }

  get local(): Endpoint {
    return this.transport.local;
  }

  get protocol(): Transport['protocol'] {
    return this.transport.protocol;
  }

  counters(): ReturnType<Transport['counters']> {
    return this.transport.counters();
  }

  async send(text: string | Buffer, destination: Endpoint, flowId?: string): Promise<void> {
    await this.transport.send(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, destination, flowId);
  }

  /** Every message received so far, parsed (unparseable ones left out). */
  messages(): SipMessage[] {
    return this.packets.flatMap((packet) => {
      const parsed = parseMessage(packet.data);
      return parsed.ok ? [parsed.value] : [];
    });
  }

  /** The first response with this Call-ID, waiting for it. */
  async response(callId: string, timeoutMs = 3000): Promise<SipResponse> {
    let found: SipResponse | undefined;
    await waitFor(() => {
      found = this.messages().find((m): m is SipResponse => m.type === 'response' && m.headers.get('call-id') === callId && m.status >= 200);
      return found !== undefined;
    }, `a final response for ${callId}`, timeoutMs);
    if (found === undefined) throw new Error('unreachable');
    return found;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

export interface RequestOptions {
  readonly method?: string;
  readonly uri?: string;
  readonly callId?: string;
  readonly maxForwards?: string;
  /** The whole Via value; default names the client's own address, port and transport, with rport. */
  readonly via?: string;
  readonly extra?: readonly string[];
  readonly body?: string;
  readonly cseqMethod?: string;
}

export const newCallId = (): string => `${randomBytes(6).toString('hex')}@test.invalid`;

export function requestText(client: { local: Endpoint }, options: RequestOptions = {}): string {
  const method = options.method ?? 'OPTIONS';
  const { protocol, address, port } = client.local;
  const via = options.via ?? `SIP/2.0/${protocol.toUpperCase()} ${address}:${port};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`;
  const body = options.body ?? '';
  return [
    `${method} ${options.uri ?? 'sip:pbx@127.0.0.1'} SIP/2.0`,
    `Via: ${via}`,
    `Max-Forwards: ${options.maxForwards ?? '70'}`,
    'From: "Alice" <sip:alice@test.invalid>;tag=a1',
    'To: <sip:pbx@127.0.0.1>',
    `Call-ID: ${options.callId ?? newCallId()}`,
    `CSeq: 1 ${options.cseqMethod ?? method}`,
    ...(options.extra ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/** A stack on 127.0.0.1 with UDP and TCP on free ports, real clock, no logs. */
export async function startStack(delegate: SipStackDelegate, overrides: Partial<SipStackOptions> = {}): Promise<SipStack> {
  return SipStack.start(
    {
      udp: { host: '127.0.0.1', port: 0 },
      tcp: { host: '127.0.0.1', port: 0 },
      clock: systemClock,
      logger: silentLogger,
      userAgent: 'callgrid-test',
      allow: ['INVITE', 'BYE', 'OPTIONS', 'REGISTER', 'MESSAGE'],
      supported: ['replaces', 'timer'],
      ...overrides,
    },
    delegate,
  );
}

export function parseText(text: string): SipMessage {
  const parsed = parseMessage(Buffer.from(text, 'utf8'));
  if (!parsed.ok) throw new Error(`test message does not parse: ${parsed.error.status} ${parsed.error.reason}`);
  return parsed.value;
}

/** A request as an upper layer hands it to sendRequest: no Via yet (the parser would refuse it). */
export function outgoingRequest(method: string, uri: string, callId: string, extra: ReadonlyArray<readonly [string, string]> = []): SipRequest {
  const headers = new Headers([
    ['From', '<sip:pbx@127.0.0.1>;tag=p1'],
    ['To', `<${uri}>`],
    ['Call-ID', callId],
    ['CSeq', `1 ${method}`],
    ...extra,
  ]);
  return { type: 'request', method, uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

/** A UAS answer to `request` as a test peer writes it: Via, From, To (plus a tag), Call-ID and CSeq copied. */
export function answerText(request: SipMessage, status: number, reason: string, toTag = 'c1'): string {
  const h = request.headers;
  return [
    `SIP/2.0 ${status} ${reason}`,
    ...h.getAll('via').map((v) => `Via: ${v}`),
    `From: ${h.get('from') ?? ''}`,
    `To: ${h.get('to') ?? ''};tag=${toTag}`,
    `Call-ID: ${h.get('call-id') ?? ''}`,
    `CSeq: ${h.get('cseq') ?? ''}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
