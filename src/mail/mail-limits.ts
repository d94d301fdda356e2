// Bounds on outbound mail, so one tenant cannot flood the node's mail server nor queue work without end: messages
// being sent at once (the rest wait in a bounded line, beyond which they are refused), and messages per tenant in a
// sliding minute.
import { err, ok, type CancelTimer, type Clock, type Result } from '../shared/index.ts';

export interface MailLimitSettings {
  /** Messages handed to the server at once (default 4). */
  readonly maxInFlight?: number;
  /** Messages waiting for a turn beyond those; more are refused (default 100). */
  readonly maxWaiting?: number;
  /** Messages one tenant may send in any 60 s (default 30). */
  readonly perTenantPerMinute?: number;
  /** Longest wait for a turn before the message is refused (default 60 s): a stop never waits on a long line. */
  readonly maxWaitMs?: number;
}

const MINUTE_MS = 60_000;
/** Past this many tenants tracked, idle ones are swept (the map never outgrows the tenants that mail). */
const SWEEP_AT = 1024;

/** Release of a turn: call once when the message is done (again is harmless). */
export type MailTurn = () => void;

export class MailLimits {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** Tenant key -> send times (ms) within the last minute, oldest first. */
  private readonly recent = new Map<string, number[]>();
  private readonly maxInFlight: number;
  private readonly maxWaiting: number;
  private readonly perTenant: number;
  private readonly maxWaitMs: number;

  constructor(private readonly clock: Clock, settings: MailLimitSettings = {}) {
    this.maxInFlight = settings.maxInFlight ?? 4;
    this.maxWaiting = settings.maxWaiting ?? 100;
    this.perTenant = settings.perTenantPerMinute ?? 30;
    this.maxWaitMs = settings.maxWaitMs ?? 60_000;
  }

  /** A turn to send, after waiting if needed; refused (as a value) over the tenant's rate or a full line. */
  async acquire(tenantId: number | null): Promise<Result<MailTurn>> {
    const now = this.clock.now().getTime();
    const key = tenantId === null ? 'node' : String(tenantId);
    const times = this.recentOf(key, now);
    if (times.length >= this.perTenant) return err(`not sent: ${tenantId === null ? 'the node' : `tenant ${tenantId}`} sent ${this.perTenant} e-mails in the last minute (the limit)`);
    if (this.active >= this.maxInFlight && this.waiting.length >= this.maxWaiting) return err(`not sent: ${this.maxWaiting} e-mails are already waiting for the mail server`);
    times.push(now);
    this.recent.set(key, times);
    if (this.active < this.maxInFlight) {
      this.active++;
      return ok(this.turn());
    }
    // The turn is handed over by release() without changing `active`: a waiting message takes the slot as it is freed.
    return new Promise((resolve) => {
      let cancel: CancelTimer | undefined;
      const wake = (): void => {
        cancel?.();
        resolve(ok(this.turn()));
      };
      this.waiting.push(wake);
      cancel = this.clock.setTimer(this.maxWaitMs, () => {
        const at = this.waiting.indexOf(wake);
        if (at < 0) return;
        this.waiting.splice(at, 1);
        resolve(err(`not sent: no turn at the mail server within ${this.maxWaitMs / 1000} s`));
      });
    });
  }

  private turn(): MailTurn {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next === undefined) this.active--;
      else next();
    };
  }

  private recentOf(key: string, now: number): number[] {
    if (this.recent.size > SWEEP_AT) {
      for (const [k, list] of this.recent) if ((list.at(-1) ?? 0) <= now - MINUTE_MS) this.recent.delete(k);
    }
    return (this.recent.get(key) ?? []).filter((t) => t > now - MINUTE_MS);
  }
}
