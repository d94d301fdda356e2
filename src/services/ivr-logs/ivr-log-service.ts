// IVR logs (spec §2.12 INFO ivrlogs): the PBX reports each choice a caller makes in a voice menu (the IvrLog port
// of pbx/apps/ivr) and this keeps its row, stamped now; INFO ivrlogs reads a tenant's rows in a date window.
import { formatDateTime, type Clock } from '../../shared/index.ts';
import type { IvrLogRow, Store } from '../../store/index.ts';
import { parseDateWindow } from '../date-window.ts';

/** What the menu reports; the same shape as pbx/apps/ivr's IvrChoice. */
export interface IvrLogEntry {
  readonly tenantId: number;
  readonly linkedId: string;
  readonly ivrId: number;
  readonly ivrName: string;
  readonly callerNumber: string;
  readonly callerName: string;
  readonly round: number;
  readonly keys: string;
  readonly choice: string;
  readonly destination: string;
}

// Callers' numbers and names come from other parties' headers: they are cut to the columns' sizes, which
// PostgreSQL enforces, rather than losing the row.
const clip = (text: string, max: number) => text.slice(0, max);

export class IvrLogService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Keeps one choice, dated now (UTC). */
  async record(entry: IvrLogEntry): Promise<IvrLogRow> {
    return this.store.ivrLogs.add(entry.tenantId, {
      il_date: formatDateTime(this.clock.now()),
      il_linkedid: clip(entry.linkedId, 96),
      il_iv_id: entry.ivrId,
      il_ivrname: clip(entry.ivrName, 255),
      il_callerid: clip(entry.callerNumber, 64),
      il_calleridname: clip(entry.callerName, 255),
      il_round: entry.round,
      il_keys: clip(entry.keys, 32),
      il_choice: clip(entry.choice, 16),
      il_destination: clip(entry.destination, 64),
    });
  }

  /** A tenant's choices dated in [start, end]; neither given means today (UTC), as INFO cdrs and recordings. */
  async list(tenantId: number, text: { readonly start?: string | undefined; readonly end?: string | undefined }): Promise<IvrLogRow[]> {
    return this.store.ivrLogs.list(tenantId, parseDateWindow(text, this.clock));
  }
}
