// Counters and guarded up-calls shared by every transport: no exception may escape
// a socket handler, so listener and handler failures are caught, counted and reported.
import { PbxError, type ErrorCode, type Logger } from '../../shared/index.ts';
import type { Endpoint, TransportProtocol } from './endpoint.ts';
import type { InboundPacket, TransportCounters, TransportErrorEvent, TransportErrorKind, TransportListener } from './transport.ts';

const COUNTER_OF: Readonly<Record<TransportErrorKind, keyof TransportCounters>> = {
  framing: 'framingErrors',
  oversize: 'oversizeDropped',
  socket: 'socketErrors',
  refused: 'connectionsRefused',
  listener: 'listenerErrors',
  internal: 'internalErrors',
};

function zeroCounters(): TransportCounters {
  return {
    packetsIn: 0,
    packetsOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    keepAlivesIn: 0,
    keepAlivesOut: 0,
    framingErrors: 0,
    oversizeDropped: 0,
    sendErrors: 0,
    socketErrors: 0,
    listenerErrors: 0,
    internalErrors: 0,
    connectionsOpened: 0,
    connectionsClosed: 0,
    connectionsRefused: 0,
    connectionsOpen: 0,
  };
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class TransportStats {
  readonly counters: TransportCounters = zeroCounters();

  constructor(
    private readonly protocol: TransportProtocol,
    private readonly listener: TransportListener,
    private readonly logger: Logger,
  ) {}

  snapshot(): TransportCounters {
    return { ...this.counters };
  }

  deliver(packet: InboundPacket): void {
    this.counters.packetsIn++;
    this.counters.bytesIn += packet.data.length;
    try {
      this.listener.onPacket(packet);
    } catch (error) {
      this.report({ kind: 'listener', message: `onPacket threw: ${describeError(error)}`, flowId: packet.flowId, remote: packet.source });
    }
  }

  sent(bytes: number): void {
    this.counters.packetsOut++;
    this.counters.bytesOut += bytes;
  }

  /** Counts a failed send and builds the rejection for it (RFC 3261 §18.4: the layer above sees a transport error). */
  sendFailed(message: string, code: ErrorCode = 'internal'): PbxError {
    this.counters.sendErrors++;
    return new PbxError(code, message);
  }

  /** Counts the event under its kind and tells the listener; a throwing onError is swallowed. */
  report(event: TransportErrorEvent): void {
    this.counters[COUNTER_OF[event.kind]]++;
    this.logger.debug({ protocol: this.protocol, ...event }, 'sip transport error');
    try {
      this.listener.onError?.(event);
    } catch (error) {
      this.counters.listenerErrors++;
      this.logger.warn({ protocol: this.protocol, err: describeError(error) }, 'sip transport onError threw');
    }
  }

  flowClosed(flowId: string, remote: Endpoint): void {
    this.counters.connectionsClosed++;
    this.counters.connectionsOpen--;
    try {
      this.listener.onFlowClosed?.(flowId, remote);
    } catch (error) {
      this.report({ kind: 'listener', message: `onFlowClosed threw: ${describeError(error)}`, flowId, remote });
    }
  }

  /** Runs a socket or timer handler; what it throws is counted as internal, never rethrown. */
  guard(where: string, handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.report({ kind: 'internal', message: `${where}: ${describeError(error)}` });
    }
  }
}
