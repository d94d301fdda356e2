// Test support for the transaction tests: hand-built messages, a recording send function and a recording TU.
import { FakeClock } from '../../shared/index.ts';
import { Headers } from '../message/headers.ts';
import type { SipMessage, SipRequest, SipResponse } from '../message/sip-message.ts';
import type { Endpoint } from '../transport/endpoint.ts';
import { TransactionLayer } from './transaction-layer.ts';
import type { ClientTransaction, ServerTransaction, Transaction, TransactionUser } from './transaction-user.ts';

export const UDP_PEER: Endpoint = { protocol: 'udp', address: '192.0.2.10', port: 5060 };
export const TCP_PEER: Endpoint = { protocol: 'tcp', address: '192.0.2.10', port: 5060 };

export interface RequestOptions {
  branch?: string;
  sentBy?: string;
  transport?: string;
  seq?: number;
  uri?: string;
  callId?: string;
  fromTag?: string;
  toTag?: string;
  routes?: string[];
  extraVia?: string;
}

export function makeRequest(method: string, options: RequestOptions = {}): SipRequest {
  const branch = options.branch ?? 'z9hG4bK-test-1';
  const headers = new Headers([
    ['Via', `SIP/2.0/${options.transport ?? 'UDP'} ${options.sentBy ?? 'client.example.com:5060'};branch=${branch}`],
    ...(options.extraVia === undefined ? [] : ([['Via', options.extraVia]] as const)),
    ['Max-Forwards', '70'],
    ['From', `"Alice" <sip:alice@example.com>;tag=${options.fromTag ?? 'from-1'}`],
    ['To', `<sip:bob@example.com>${options.toTag === undefined ? '' : `;tag=${options.toTag}`}`],
    ['Call-ID', options.callId ?? 'call-1@client.example.com'],
    ['CSeq', `${options.seq ?? 1} ${method}`],
    ...(options.routes ?? []).map((route) => ['Route', route] as const),
    ['Content-Length', '0'],
  ]);
  return { type: 'request', method, uri: options.uri ?? 'sip:bob@example.com', version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

/** A response to `request` the way a UAS builds one (§8.2.6): Via, From, Call-ID, CSeq copied, To tagged. */
export function makeResponse(request: SipRequest, status: number, toTag = 'to-1'): SipResponse {
  const headers = new Headers();
  for (const [name, value] of request.headers.entries()) {
    if (name === 'via' || name === 'from' || name === 'call-id' || name === 'cseq') headers.append(name, value);
    if (name === 'to') headers.append(name, status === 100 || value.includes(';tag=') ? value : `${value};tag=${toTag}`);
  }
  return { type: 'response', status, reason: `Status ${status}`, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

export interface Sent {
  readonly message: SipMessage;
  readonly destination: Endpoint;
  readonly at: number;
}

export interface Harness {
  readonly clock: FakeClock;
  readonly layer: TransactionLayer;
  readonly sent: Sent[];
  readonly user: RecordingUser;
  /** Milliseconds since the harness started. */
  elapsed(): number;
  /** The times (ms since start) at which messages matching `test` were sent. */
  sendTimes(test: (message: SipMessage) => boolean): number[];
  /** Makes the next send() calls throw, as a failing transport does. */
  failSends(fail: boolean): void;
}

export class RecordingUser implements TransactionUser {
  readonly requests: Array<{ transaction: ServerTransaction; request: SipRequest }> = [];
  readonly responses: Array<{ response: SipResponse; transaction: ClientTransaction | undefined }> = [];
  readonly acks: SipRequest[] = [];
  readonly timeouts: Transaction[] = [];
  readonly transportErrors: Transaction[] = [];
  readonly terminated: Transaction[] = [];
  /** Called on each new request, e.g. to answer synchronously. */
  answer: ((transaction: ServerTransaction, request: SipRequest) => void) | undefined;

  onRequest(transaction: ServerTransaction, request: SipRequest): void {
    this.requests.push({ transaction, request });
    this.answer?.(transaction, request);
  }
  onResponse(response: SipResponse, transaction: ClientTransaction | undefined): void {
    this.responses.push({ response, transaction });
  }
  onAck(request: SipRequest): void {
    this.acks.push(request);
  }
  onTimeout(transaction: Transaction): void {
    this.timeouts.push(transaction);
  }
  onTransportError(transaction: Transaction): void {
    this.transportErrors.push(transaction);
  }
  onTerminated(transaction: Transaction): void {
    this.terminated.push(transaction);
  }
}

export function createHarness(options: { readonly afterPendingInput?: (retransmit: () => void) => void } = {}): Harness {
  const clock = new FakeClock();
  const start = clock.now().getTime();
  const sent: Sent[] = [];
  const user = new RecordingUser();
  let failing = false;
  const layer = new TransactionLayer({
    clock,
    user,
    ...(options.afterPendingInput ? { afterPendingInput: options.afterPendingInput } : {}),
    send: (message, destination) => {
      if (failing) throw new Error('transport down');
      sent.push({ message, destination, at: clock.now().getTime() - start });
    },
  });
  return {
    clock,
    layer,
    sent,
    user,
    elapsed: () => clock.now().getTime() - start,
    sendTimes: (test) => sent.filter((s) => test(s.message)).map((s) => s.at),
    failSends: (fail) => {
      failing = fail;
    },
  };
}

export const isRequest = (method: string) => (message: SipMessage) => message.type === 'request' && message.method === method;
export const isStatus = (status: number) => (message: SipMessage) => message.type === 'response' && message.status === status;

/** The layer holds nothing and no timer is pending: nothing leaked. */
export function isEmpty(h: Harness): boolean {
  return h.layer.clientCount === 0 && h.layer.serverCount === 0 && h.clock.pendingTimers() === 0;
}
