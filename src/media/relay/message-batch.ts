// Messages between the PBX's thread and a relay worker, sent in batches: what is queued in one turn of the event loop
// (a call's setRemote, pause and tone; a burst of sessions opened) leaves as one postMessage at its end, so one
// structured clone and one wake-up of the other thread instead of one each. Order is kept.
import type { Transferable } from 'node:worker_threads';

export class MessageBatch<T> {
  private items: T[] = [];
  private transfers: Transferable[] = [];

  /** `send` gets each batch (never empty) and the objects to transfer with it (MessagePorts). */
  constructor(private readonly send: (items: T[], transfer: Transferable[]) => void) {}

  push(item: T, transfer?: readonly Transferable[]): void {
    this.items.push(item);
    if (transfer !== undefined) this.transfers.push(...transfer);
    if (this.items.length === 1) queueMicrotask(this.flush);
  }

  /** Sends what is queued now (before the thread's port closes); the microtask then finds nothing. */
  readonly flush = (): void => {
    if (this.items.length === 0) return;
    const [items, transfers] = [this.items, this.transfers];
    this.items = [];
    this.transfers = [];
    this.send(items, transfers);
  };
}
