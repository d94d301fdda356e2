// SipStack: the facade of the SIP stack (RFC 3261 §8, §17, §18): transports + parser + transaction layer + UA
// cores, talking up through a SipStackDelegate. The only class the PBX layer needs to speak SIP.
import { err, ok, type Logger, type Result } from '../../shared/index.ts';
import { serializeMessage, type SipRequest, type SipResponse } from '../message/index.ts';
import { TransactionLayer, type SendFunction, type ServerTransaction } from '../transaction/index.ts';
import type { Endpoint, TransportProtocol } from '../transport/index.ts';
import { Inbound } from './inbound.ts';
import { prepareRequest } from './outgoing-request.ts';
import type { HeaderList } from './response-builder.ts';
import { copyCounters, newCounters } from './stack-counters.ts';
import type { InboundSource, OutgoingRequest, SipStackDelegate, SipStackOptions, SipStackSnapshot } from './stack-types.ts';
import { TransportSet } from './transport-set.ts';
import { UasCore } from './uas-core.ts';
import { uasPolicy } from './uas-checks.ts';

export class SipStack {
  private readonly counters = newCounters();
  private readonly sources = new WeakMap<SipRequest, InboundSource>();
  private readonly core: UasCore;
  private readonly inbound: Inbound;
  private readonly transactions: TransactionLayer;
  private readonly logger: Logger;
  private readonly userAgent: string | undefined;
  private readonly supported: readonly string[];
  private readonly allowHeader: string;
  private transportSet: TransportSet | undefined;
  private closed = false;

  /** Opens the configured transports and starts answering. Rejects if a transport cannot bind. */
  static async start(options: SipStackOptions, delegate: SipStackDelegate): Promise<SipStack> {
    const stack = new SipStack(options, delegate);
    stack.transportSet = await TransportSet.open(options, stack.inbound);
    return stack;
  }

  private constructor(options: SipStackOptions, delegate: SipStackDelegate) {
    this.logger = options.logger;
    this.userAgent = options.userAgent;
    this.supported = options.supported ?? [];
    const policy = uasPolicy(options.allow, this.supported);
    this.allowHeader = policy.allowHeader;
    this.core = new UasCore({
      delegate,
      policy,
      counters: this.counters,
      logger: options.logger,
      server: options.userAgent,
      sources: this.sources,
      transactions: () => this.transactions,
    });
    const send: SendFunction = (message, destination) => this.transmit(message, destination);
    this.transactions = new TransactionLayer({
      send,
      clock: options.clock,
      user: this.core,
      ...(options.timers ? { timers: options.timers } : {}),
      ...(options.readPendingInputFirst === true ? { afterPendingInput: (retransmit: () => void) => void setImmediate(retransmit) } : {}),
    });
    this.inbound = new Inbound({
      counters: this.counters,
      logger: options.logger,
      delegate,
      forceRport: options.forceRport ?? false,
      server: options.userAgent,
      sources: this.sources,
      ready: () => (this.closed || this.transportSet === undefined ? undefined : { transports: this.transportSet, transactions: this.transactions }),
    });
  }

  /**
   * Sends a request through a new client transaction (§17.1). Adds our top Via (fresh z9hG4bK branch, rport,
   * sent-by of the transport serving `destination.protocol`), Max-Forwards 70 when missing and User-Agent; the
   * serializer writes Content-Length. A CANCEL that already carries a Via keeps it: §9.1 wants the INVITE's.
   * `flowId` sends over that connection (RFC 5626) while it lasts. Returns the transaction and a promise of the
   * final outcome; provisional and further responses also reach `delegate.onResponse`. The request is changed in
   * place: a retry (e.g. with credentials, §22.2) is a new request with a new CSeq, not this object sent again.
   */
  sendRequest(request: SipRequest, destination: Endpoint, flowId?: string): Result<OutgoingRequest, string> {
    if (this.closed || this.transportSet === undefined) return err('the SIP stack is closed');
    if (request.method === 'ACK') return err('an ACK goes out with sendAck (§13.2.2.4), not through a transaction');
    const transport = this.transportSet.get(destination.protocol);
    if (transport === undefined) return err(`no ${destination.protocol} transport is open`);
    const keepVia = request.method === 'CANCEL' && request.headers.has('via');
    prepareRequest(request, { protocol: transport.protocol, host: this.transportSet.sentByHost, port: transport.local.port }, this.userAgent, keepVia);
    const pinned = this.transportSet.pin(destination, { transport, flowId });
    const final = this.core.expectFinal(request);
    const started = this.transactions.sendRequest(request, pinned);
    if (!started.ok) {
      this.core.forget(request);
      return err(started.error);
    }
    return ok({ request, transaction: started.value, final });
  }

  /**
   * Sends an ACK for a 2xx (§13.2.2.4: the UAC core sends it directly, not through a transaction). Our Via with a
   * new branch is added unless the ACK has one already, so a resent ACK is the same ACK.
   */
  async sendAck(ack: SipRequest, destination: Endpoint, flowId?: string): Promise<Result<SipRequest, string>> {
    if (this.closed || this.transportSet === undefined) return err('the SIP stack is closed');
    if (ack.method !== 'ACK') return err(`sendAck got a ${ack.method}`);
    const transport = this.transportSet.get(destination.protocol);
    if (transport === undefined) return err(`no ${destination.protocol} transport is open`);
    prepareRequest(ack, { protocol: transport.protocol, host: this.transportSet.sentByHost, port: transport.local.port }, this.userAgent, ack.headers.has('via'));
    try {
      await transport.send(serializeMessage(ack), destination, flowId);
      return ok(ack);
    } catch (error) {
      this.counters.sendErrors++;
      return err(error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * Answers a request the delegate got (§8.2.6): Via, From, Call-ID and CSeq copied, To with our tag (the same
   * for every response of the transaction), Server, then `extraHeaders` and `body`. False when the transaction no
   * longer takes a response (e.g. a second final answer).
   */
  respond(transaction: ServerTransaction, status: number, reason: string, extraHeaders?: HeaderList, body?: Buffer | string): boolean {
    return this.core.respond(transaction, status, reason, extraHeaders, body);
  }

  /** Sends a response the upper layer built itself (it must keep the §8.2.6 rules). */
  respondWith(transaction: ServerTransaction, response: SipResponse): boolean {
    return this.core.respondWith(transaction, response);
  }

  /** The To tag our responses to this transaction carry: the local tag of a dialog it creates (§12.1.1). */
  toTag(transaction: ServerTransaction): string {
    return this.core.toTag(transaction);
  }

  /** Allow and Supported, as an answer to OPTIONS lists them (§11.2). */
  capabilityHeaders(): Array<[string, string]> {
    const headers: Array<[string, string]> = [['Allow', this.allowHeader]];
    if (this.supported.length > 0) headers.push(['Supported', this.supported.join(', ')]);
    return headers;
  }

  /** The address and port a transport listens on (the real port after binding port 0). */
  localEndpoint(protocol: TransportProtocol): Endpoint | undefined {
    return this.transportSet?.get(protocol)?.local;
  }

  /** Our end of the way to `destination` (Transport.localToward): what a multi-homed node should name to that peer. */
  localToward(destination: Endpoint, flowId?: string): Endpoint | undefined {
    return this.transportSet?.get(destination.protocol)?.localToward?.(destination, flowId);
  }

  /** The sent-by we write into Via for a protocol, also fit for a Contact host:port. */
  sentBy(protocol: TransportProtocol): { readonly host: string; readonly port: number } | undefined {
    const transport = this.transportSet?.get(protocol);
    return transport === undefined || this.transportSet === undefined ? undefined : { host: this.transportSet.sentByHost, port: transport.local.port };
  }

  snapshot(): SipStackSnapshot {
    return {
      stack: copyCounters(this.counters),
      transports: this.transportSet?.counters() ?? {},
      transactions: { clients: this.transactions.clientCount, servers: this.transactions.serverCount, dropped: this.transactions.dropped },
    };
  }

  /** Terminates every transaction (pending `final` promises settle as 'terminated') and closes the transports. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.transactions.close();
    await this.transportSet?.close();
  }

  /** The transaction layer's send: throwing means the transport failed at once (§17.1.4, §17.2.4). */
  private transmit(message: SipRequest | SipResponse, destination: Endpoint): void {
    const route = this.transportSet?.route(destination);
    if (route === undefined) throw new Error(`no ${destination.protocol} transport for ${destination.address}:${destination.port}`);
    route.transport.send(serializeMessage(message), destination, route.flowId).catch((error: unknown) => {
      // A failure after send() returned (a refused connection, a closed flow): the transaction ends with it.
      this.counters.sendErrors++;
      this.logger.debug({ err: error, destination }, 'SipStack: send failed');
      this.transactions.transportFailed(message);
    });
  }
}
