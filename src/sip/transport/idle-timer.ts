// Fires once a connection has been quiet for `ms` (RFC 3261 §18.3 lets either side close
// an idle connection; RFC 5626 CRLF keep-alives count as traffic). Re-arms lazily, so
// touch() on every packet costs a clock read, not a timer.
import type { CancelTimer, Clock } from '../../shared/index.ts';

export class IdleTimer {
  private last: number;
  private cancel: CancelTimer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly ms: number,
    private readonly onIdle: () => void,
  ) {
    this.last = clock.now().getTime();
    // 0 or Infinity switch it off.
    if (ms > 0 && Number.isFinite(ms)) this.arm(ms);
  }

  touch(): void {
    this.last = this.clock.now().getTime();
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  private arm(delay: number): void {
    this.cancel = this.clock.setTimer(delay, () => {
      const quiet = this.clock.now().getTime() - this.last;
      if (quiet >= this.ms) {
        this.cancel = undefined;
        this.onIdle();
      } else {
        this.arm(this.ms - quiet);
      }
    });
  }
}
