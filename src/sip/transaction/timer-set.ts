// The named timers (A, B, D, E, ...) one transaction runs on the injected Clock (RFC 3261 §17).
import type { CancelTimer, Clock } from '../../shared/index.ts';

export class TimerSet<Name extends string> {
  private readonly active = new Map<Name, CancelTimer>();

  constructor(private readonly clock: Clock) {}

  /** Starts (or restarts) the timer `name`; a timer of the same name is cancelled first. */
  start(name: Name, ms: number, callback: () => void): void {
    this.stop(name);
    const cancel = this.clock.setTimer(ms, () => {
      this.active.delete(name);
      callback();
    });
    this.active.set(name, cancel);
  }

  stop(name: Name): void {
    const cancel = this.active.get(name);
    if (!cancel) return;
    this.active.delete(name);
    cancel();
  }

  stopAll(): void {
    for (const cancel of this.active.values()) cancel();
    this.active.clear();
  }

  get size(): number {
    return this.active.size;
  }
}
