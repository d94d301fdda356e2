// The named timers (A, B, D, E, ...) one transaction runs on the injected Clock (RFC 3261 §17).
import type { CancelTimer, Clock } from '../../shared/index.ts';

interface Running<Name> {
  readonly name: Name;
  readonly cancel: CancelTimer;
}

export class TimerSet<Name extends string> {
  // An exact-size array (a transaction runs one or two timers at a time), not a Map: a Map's hash table is a few
  // hundred bytes, and a server transaction keeps its set through the 32 s of Timer J, so under load they add up.
  private running: ReadonlyArray<Running<Name>> = [];

  constructor(private readonly clock: Clock) {}

  /** Starts (or restarts) the timer `name`; a timer of the same name is cancelled first. */
  start(name: Name, ms: number, callback: () => void): void {
    this.stop(name);
    const entry: Running<Name> = {
      name,
      cancel: this.clock.setTimer(ms, () => {
        this.running = this.running.filter((other) => other !== entry);
        callback();
      }),
    };
    this.running = this.running.length === 0 ? [entry] : [...this.running, entry];
  }

  stop(name: Name): void {
    const entry = this.running.find((other) => other.name === name);
    if (entry === undefined) return;
    this.running = this.running.filter((other) => other !== entry);
    entry.cancel();
  }

  stopAll(): void {
    const running = this.running;
    this.running = [];
    for (const entry of running) entry.cancel();
  }

  get size(): number {
    return this.running.length;
  }
}
