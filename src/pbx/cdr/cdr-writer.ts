// Stores a finished call's CDR rows and simple-CDR row. A store failure is logged and counted, never thrown:
// the call has already ended and nothing the caller does can repair a lost row.
import type { NewSimpleCdr } from '../../domain/index.ts';
import { silentLogger, type Logger } from '../../shared/index.ts';
import type { CallRecord } from './call-record.ts';
import { cdrRows, type CdrRow } from './cdr-rows.ts';

/** Where rows go; the store's CdrRepository satisfies it. */
export interface CdrSink {
  insert(tenantId: number, cdr: CdrRow): Promise<unknown>;
  insertSimple(tenantId: number, row: NewSimpleCdr): Promise<unknown>;
}

export class CdrWriter {
  /** Rows stored (CDR and simple-CDR rows alike). */
  written = 0;
  /** Rows that could not be stored, plus records that could not be turned into rows. */
  failed = 0;

  constructor(
    private readonly sink: CdrSink,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** Writes every row of the call; resolves when all were tried. Never rejects. */
  async write(record: CallRecord): Promise<void> {
    let rows: ReturnType<typeof cdrRows>;
    try {
      rows = cdrRows(record);
    } catch (error) {
      this.failed++;
      this.logger.error({ err: error, tenantId: record.tenantId, linkedId: record.linkedId }, 'cdr: call record could not be turned into rows');
      return;
    }
    // Each row on its own, handed over in order and all at once (a batching sink commits them together): one
    // refused row must not lose the others.
    await Promise.all([
      ...rows.cdrs.map((cdr) => this.attempt(record, cdr.uniqueid, () => this.sink.insert(record.tenantId, cdr))),
      this.attempt(record, rows.simple.sc_uniqueid, () => this.sink.insertSimple(record.tenantId, rows.simple)),
    ]);
  }

  private async attempt(record: CallRecord, uniqueId: string, insert: () => Promise<unknown>): Promise<void> {
    try {
      await insert();
      this.written++;
    } catch (error) {
      this.failed++;
      this.logger.error({ err: error, tenantId: record.tenantId, linkedId: record.linkedId, uniqueId }, 'cdr: storing a row failed');
    }
  }
}
