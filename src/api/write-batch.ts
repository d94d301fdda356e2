// Answers computed during one event-loop turn, written together when its I/O phase ends.
// Why: on a busy server each socket read is its own callback, so writing each answer as soon as
// it is ready sends one packet per callback, and each one wakes a client that went idle after
// the previous one; the kernel charges that wake-up to our write (measured with perf under
// `npm run bench:api`: about a fifth of the server's CPU in sock_def_readable). Writing the
// turn's answers back to back (setImmediate runs right after the poll phase) lets one wake-up
// cover several answers, as servers that cork until the loop's end do. The bytes are the same;
// an idle server's answer waits only for the rest of the current turn.

export type Write = () => void;

export class WriteBatch {
  private pending: Write[] = [];
  private readonly flush = (): void => {
    const writes = this.pending;
    this.pending = [];
    for (const write of writes) {
      try {
        write();
      } catch (error) {
        // One failed write (a socket torn down under it) must not keep the others' answers back.
        this.onError(error);
      }
    }
  };

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Queues a write for the end of this turn's I/O phase. */
  add(write: Write): void {
    if (this.pending.length === 0) setImmediate(this.flush);
    this.pending.push(write);
  }
}
