// WebSocket connections between their TCP (or TLS) accept and the first SIP request (RFC 7118 §4 over RFC 6455 §4):
// those still in the HTTP handshake are capped in number like the flows, as they hold sockets too, and each has the
// first-request deadline of connection-gate.ts, which the flow takes over when the upgrade completes.
import type { Duplex } from 'node:stream';
import type { CancelTimer, Clock } from '../../shared/index.ts';

interface Pending {
  /** Counts the connection out of the handshakes (once). */
  readonly upgraded: () => void;
  readonly cancelDeadline: CancelTimer;
}

export class WsHandshakes {
  private readonly pending = new WeakMap<Duplex, Pending>();
  private count = 0;

  constructor(
    private readonly clock: Clock,
    /** Connections in their handshake at once. */
    private readonly max: number,
    /** 0 = no deadline. */
    private readonly deadlineMs: number,
    /** Tells of a refused or closed connection (counted as refused). */
    private readonly refused: (message: string) => void,
    /** Runs a timer handler so that nothing it throws escapes. */
    private readonly guard: (where: string, handler: () => void) => void,
  ) {}

  /** Starts counting `socket` (the one the upgrade request will come on) and its deadline; over the cap it is closed. */
  start(socket: Duplex): void {
    if (socket.destroyed) return;
    if (this.count >= this.max) {
      this.refused(`refused connection: ${this.count} connections in their handshake`);
      socket.destroy();
      return;
    }
    this.count++;
    let counted = true;
    const upgraded = (): void => {
      if (counted) this.count--;
      counted = false;
    };
    const ms = this.deadlineMs;
    const cancelDeadline =
      ms > 0 && Number.isFinite(ms)
        ? this.clock.setTimer(ms, () =>
            this.guard('first request timeout', () => {
              this.refused(`closed: no SIP request within ${ms} ms`);
              socket.destroy();
            }),
          )
        : () => undefined;
    this.pending.set(socket, { upgraded, cancelDeadline });
    socket.once('close', () => {
      upgraded();
      cancelDeadline();
    });
  }

  /** The upgrade on `socket` completed: it leaves the count; the returned function ends its deadline (first request). */
  upgraded(socket: Duplex): CancelTimer | undefined {
    const pending = this.pending.get(socket);
    this.pending.delete(socket);
    pending?.upgraded();
    return pending?.cancelDeadline;
  }
}
