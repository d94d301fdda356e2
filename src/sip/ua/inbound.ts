// Every packet the transports hand up (RFC 3261 §18.1.2, §18.2.1): parse it, answer or drop what does not
// parse, stamp the top Via of requests (RFC 3581), and pass messages to the transaction layer.
import type { Logger } from '../../shared/index.ts';
import { parseMessage, parseVia, serializeMessage, type SipParseError, type SipRequest, type SipResponse } from '../message/index.ts';
import type { TransactionLayer } from '../transaction/index.ts';
import type { Endpoint, InboundPacket, TransportErrorEvent, TransportListener } from '../transport/index.ts';
import { responseDestination, stampTopVia } from './inbound-via.ts';
import { buildResponse } from './response-builder.ts';
import { countAnswer } from './stack-counters.ts';
import type { InboundSource, SipStackCounters, SipStackDelegate } from './stack-types.ts';
import type { TransportSet } from './transport-set.ts';

export interface InboundOptions {
  readonly counters: SipStackCounters;
  readonly logger: Logger;
  readonly delegate: SipStackDelegate;
  readonly forceRport: boolean;
  readonly server: string | undefined;
  readonly sources: WeakMap<SipRequest, InboundSource>;
  /** Undefined until every transport is open, and again once the stack closes: packets are then dropped. */
  readonly ready: () => { readonly transports: TransportSet; readonly transactions: TransactionLayer } | undefined;
}

export class Inbound implements TransportListener {
  constructor(private readonly options: InboundOptions) {}

  onPacket(packet: InboundPacket): void {
    // "No exception may escape a socket handler" (docs/architecture.md): the transports guard too, but the
    // stack counts and logs its own failures here.
    try {
      this.take(packet);
    } catch (error) {
      this.options.counters.delegateErrors++;
      this.options.logger.error({ err: error, source: packet.source }, 'SipStack: packet handling failed');
    }
  }

  onError(error: TransportErrorEvent): void {
    this.options.logger.debug({ kind: error.kind, flowId: error.flowId, remote: error.remote }, `SIP transport: ${error.message}`);
  }

  onFlowClosed(flowId: string, remote: Endpoint): void {
    const onFlowClosed = this.options.delegate.onFlowClosed;
    if (!onFlowClosed) return;
    try {
      onFlowClosed.call(this.options.delegate, flowId, remote);
    } catch (error) {
      this.options.counters.delegateErrors++;
      this.options.logger.error({ err: error }, 'SipStack delegate onFlowClosed threw');
    }
  }

  private take(packet: InboundPacket): void {
    const { counters } = this.options;
    counters.received++;
    const stack = this.options.ready();
    if (stack === undefined) {
      counters.malformedDropped++; // not malformed, but unanswerable: the stack is starting or closing
      return;
    }
    const parsed = parseMessage(packet.data);
    if (!parsed.ok) {
      this.refuse(parsed.error, packet, stack.transports);
      return;
    }
    const message = parsed.value;
    if (message.type === 'response') {
      counters.responses++;
      this.response(message, stack.transports, stack.transactions);
      return;
    }
    counters.requests++;
    const via = stampTopVia(message, packet.source, this.options.forceRport);
    if (via === undefined) {
      counters.malformedDropped++;
      return;
    }
    const source: InboundSource = { endpoint: packet.source, flowId: packet.flowId, local: packet.local };
    this.options.sources.set(message, source);
    const transport = stack.transports.get(packet.local.protocol);
    if (transport === undefined) return;
    // The transaction keeps this endpoint as its peer; pinned to the transport and flow the request came on,
    // so every response (and retransmission) goes back over them (§18.2.2, RFC 5626 §5.3).
    const target = stack.transports.pin(responseDestination(via, packet.source), { transport, flowId: packet.flowId });
    stack.transactions.receiveRequest(message, target);
  }

  /** §18.1.2: a response whose top Via is not ours "MUST be silently discarded". */
  private response(response: SipResponse, transports: TransportSet, transactions: TransactionLayer): void {
    const first = response.headers.getAll('via')[0];
    const via = first === undefined ? undefined : parseVia(first);
    if (via === undefined || !via.ok || !transports.isOurSentBy(via.value.host, via.value.port, via.value.transport)) {
      this.options.counters.responsesDiscarded++;
      return;
    }
    transactions.receiveResponse(response);
  }

  /**
   * A packet that did not parse. A request the parser could read far enough (method and a top Via) is answered
   * statelessly with the parser's status and reason (RFC 4475 §3.1.2, §3.3.1 want the 400); anything else —
   * a response, an ACK, garbage — is dropped and counted (§17: ACK is never answered).
   */
  private refuse(error: SipParseError, packet: InboundPacket, transports: TransportSet): void {
    const { counters } = this.options;
    const partial = error.partial;
    const transport = transports.get(packet.local.protocol);
    const via = partial === undefined ? undefined : stampTopVia(partial, packet.source, this.options.forceRport);
    if (partial === undefined || partial.method === 'ACK' || via === undefined || transport === undefined) {
      counters.malformedDropped++;
      this.options.logger.debug({ source: packet.source, status: error.status, reason: error.reason }, 'SipStack: malformed packet dropped');
      return;
    }
    const response = buildResponse(partial, error.status, error.reason, this.options.server === undefined ? {} : { server: this.options.server });
    const destination = responseDestination(via, packet.source);
    counters.malformedAnswered++;
    countAnswer(counters, error.status);
    transport.send(serializeMessage(response), destination, packet.flowId).catch((sendError: unknown) => {
      counters.sendErrors++;
      this.options.logger.debug({ err: sendError }, 'SipStack: could not send the answer to a malformed request');
    });
  }
}
