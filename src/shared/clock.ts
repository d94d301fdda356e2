// Time as a dependency, so timers and date arithmetic can be driven by tests
// (SIP transaction timers run on a FakeClock in tests: RFC 3261 §17).

export type CancelTimer = () => void;

export interface Clock {
  now(): Date;
  /** Runs `callback` once after `ms`; the returned function cancels it. */
  setTimer(ms: number, callback: () => void): CancelTimer;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimer(ms, callback) {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return () => clearTimeout(handle);
  },
};

interface PendingTimer {
  readonly due: number;
  readonly seq: number;
  readonly callback: () => void;
}

export class FakeClock implements Clock {
  private current: number;
  private timers: PendingTimer[] = [];
  private seq = 0;

  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimer(ms: number, callback: () => void): CancelTimer {
    const timer = { due: this.current + Math.max(0, ms), seq: this.seq++, callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward, firing due timers in order (timers set by callbacks fire too if due). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.due <= target).sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      // A timer already overdue (the time was set past it) fires now: time never runs backwards.
      this.current = Math.max(this.current, next.due);
      next.callback();
    }
    this.current = target;
  }

  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }

  pendingTimers(): number {
    return this.timers.length;
  }
}
