// A CdrSink that stores the rows handed over together in one transaction (group commit): a call's CDR rows and its
// simple CDR, and those of every call that ended in the same pass of the event loop or while the previous batch
// was being written. Each commit writes the touched pages of the CDR tables and their indexes once, so the cost of
// a row is shared by the batch: at a few hundred calls a second, one commit per row was the largest single cost of
// a call on the main thread. By default nothing waits for a timer, so a CDR can be read as soon as its call has
// ended (integrations ask for it right after the hang-up); `flushMs` trades that for larger batches.
import type { CdrBatchRow, CdrRepository } from '../../store/index.ts';
import type { CdrSink } from './cdr-writer.ts';

export type BatchCdrStore = Pick<CdrRepository, 'insert' | 'insertSimple' | 'insertBatch'>;

export interface BatchingCdrSinkOptions {
  /** How long a row may wait for others; default 0: written after the current pass of the event loop. */
  readonly flushMs?: number;
  /** A batch this large is written at once; default 200 rows. */
  readonly maxRows?: number;
}

interface Queued {
  readonly row: CdrBatchRow;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class BatchingCdrSink implements CdrSink {
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** The batch being written: batches go one after another, in the order their rows came. */
  private writing: Promise<void> = Promise.resolve();
  private readonly flushMs: number;
  private readonly maxRows: number;

  constructor(
    private readonly store: BatchCdrStore,
    options: BatchingCdrSinkOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 0;
    this.maxRows = options.maxRows ?? 200;
    if (!(this.flushMs >= 0) || !Number.isInteger(this.maxRows) || this.maxRows < 1) throw new RangeError('flushMs must be >= 0 and maxRows a positive integer');
  }

  insert(tenantId: number, row: Parameters<CdrSink['insert']>[1]): Promise<void> {
    return this.enqueue({ kind: 'cdr', tenantId, row });
  }

  insertSimple(tenantId: number, row: Parameters<CdrSink['insertSimple']>[1]): Promise<void> {
    return this.enqueue({ kind: 'simple', tenantId, row });
  }

  /** Writes what is queued now; resolves when it is stored (or refused row by row). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    clearImmediate(this.immediate);
    this.immediate = undefined;
    const batch = this.queue;
    this.queue = [];
    this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  private enqueue(row: CdrBatchRow): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (this.queue.length >= this.maxRows) void this.flush();
      else if (this.timer === undefined && !this.immediate) {
        if (this.flushMs > 0) this.timer = setTimeout(() => void this.flush(), this.flushMs);
        else this.immediate = setImmediate(() => void this.flush());
      }
    });
  }

  private async write(batch: readonly Queued[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      await this.store.insertBatch(batch.map((q) => q.row));
      for (const queued of batch) queued.resolve();
      return;
    } catch {
      // The transaction stored nothing and does not say which row it refused: each row alone, so one bad row
      // fails by itself (with its own error) and the others are kept.
    }
    for (const { row, resolve, reject } of batch) {
      try {
        await (row.kind === 'cdr' ? this.store.insert(row.tenantId, row.row) : this.store.insertSimple(row.tenantId, row.row));
        resolve();
      } catch (error) {
        reject(error);
      }
    }
  }
}
