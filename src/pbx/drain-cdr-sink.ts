// A CdrSink that knows which row writes are still running, so a stopping node closes its store only after the CDRs of
// the calls it just ended are in: a call hung up at shutdown writes its rows asynchronously, and a store closed under
// them would lose exactly the calls a drain promises to record.
import type { CdrSink } from './cdr/index.ts';

export class SettlingCdrSink implements CdrSink {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly sink: CdrSink) {}

  insert(...args: Parameters<CdrSink['insert']>): Promise<unknown> {
    return this.track(this.sink.insert(...args));
  }

  insertSimple(...args: Parameters<CdrSink['insertSimple']>): Promise<unknown> {
    return this.track(this.sink.insertSimple(...args));
  }

  /** Resolves once every write begun so far has ended (stored or failed), or after `limitMs`. */
  async settled(limitMs: number): Promise<void> {
    const deadline = Date.now() + limitMs;
    // A record writes its rows one after another: a new one can begin as the last one ends, so look again.
    while (this.pending.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.pending]), new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now())))]);
      clearTimeout(timer);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private track(write: Promise<unknown>): Promise<unknown> {
    this.pending.add(write);
    const forget = () => this.pending.delete(write);
    write.then(forget, forget);
    return write;
  }
}
