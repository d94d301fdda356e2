// Flow control of one SMPP session: a token bucket that keeps submit_sm to the provider's rate (and can be paused
// for an ESME_RTHROTTLED back-off), and a window bounding the submit_sm awaiting their answer. Waiters are served
// first come, first served, so one long message cannot be overtaken forever.

export class TokenBucket {
  private tokens: number;
  private last = Date.now();
  private pausedUntil = 0;
  private readonly waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly capacity: number;

  /** `perSecond` 0 = unlimited. The burst is a tenth of a second's worth (at least 1), so the rate holds over any second. */
  constructor(private readonly perSecond: number) {
    this.capacity = Math.max(1, Math.floor(perSecond / 10));
    this.tokens = this.capacity;
  }

  take(): Promise<void> {
    if (this.perSecond === 0 && Date.now() >= this.pausedUntil && this.waiters.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.serve();
    });
  }

  /** No token is given before `ms` from now (the SMSC asked us to slow down). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
    this.serve();
  }

  /** Lets every waiter go (the session is closing; they will find it closed). */
  drain(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  private serve(): void {
    if (this.timer !== undefined) return;
    const now = Date.now();
    if (this.perSecond > 0) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    }
    this.last = now;
    if (now < this.pausedUntil) return this.wake(this.pausedUntil - now);
    while (this.waiters.length > 0) {
      if (this.perSecond > 0) {
        if (this.tokens < 1) return this.wake(Math.ceil(((1 - this.tokens) * 1000) / this.perSecond));
        this.tokens -= 1;
      }
      this.waiters.shift()?.();
    }
  }

  private wake(ms: number): void {
    if (this.waiters.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.serve();
    }, Math.max(1, ms));
  }
}

export class Window {
  private used = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async acquire(): Promise<void> {
    if (this.used < this.size && this.waiters.length === 0) {
      this.used += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    // The slot passes straight to the next waiter.
    if (next !== undefined) next();
    else this.used = Math.max(0, this.used - 1);
  }
}
