// The live-call journal: while a call runs, its row in lc_livecalls holds its CDR record so far, its confirmed
// dialogs and the INVITEs still ringing a callee, and a heartbeat says until when the node knew it alive. A node killed without warning finds its rows
// when it starts again (pbx/recovery/orphaned-calls.ts). Writes never touch the call's path: changes are gathered
// for a few milliseconds and written together in one transaction (a call's row takes its state of when the batch is
// written), and a failure is logged, never thrown.
import type { Dialog, Endpoint, SipRequest } from '../../sip/index.ts';
import type { Clock, Logger } from '../../shared/index.ts';
import type { LiveCallRepository, LiveCallRow } from '../../store/index.ts';
import { legsText, savedInvite, savedLeg, snapshotText, type SavedInvite, type SavedLeg } from '../recovery/live-call-snapshot.ts';
import type { CallRecord } from '../cdr/index.ts';

/** What the journal reads of a call (call.ts satisfies it). */
export interface JournaledCall {
  readonly linkedId: string;
  readonly tenantId: number;
  readonly caller: { readonly leg: { readonly dialog: Dialog | undefined } };
  readonly answeredLeg: { readonly dialog: Dialog | undefined } | undefined;
  recordSoFar(): { readonly record: CallRecord; readonly openAttempt: boolean };
  /**
   * The INVITEs sent to callees that have no final answer yet, as sent (with our Via): a restarted node CANCELs
   * them (recovery/orphaned-calls.ts). Optional: a call that does not tell leaves its ringing callees to time out.
   */
  ringingInvites?(): ReadonlyArray<{ readonly request: SipRequest; readonly peer: Endpoint }>;
}

export type LiveCallStore = Pick<LiveCallRepository, 'apply' | 'beat'>;

export interface LiveCallJournalOptions {
  readonly nodeName: string;
  /** How often the heartbeat is written while calls run; default 5 s. The bound on a recovered call's lost time. */
  readonly heartbeatMs?: number;
  /**
   * How long a change may wait for others before they are written together in one transaction; default 50 ms.
   * A call is in the store that long after it starts at the latest: a crash sooner leaves it to its callees' timeouts.
   */
  readonly flushMs?: number;
}

export const DEFAULT_HEARTBEAT_MS = 5_000;
export const DEFAULT_JOURNAL_FLUSH_MS = 50;

export class LiveCallJournal {
  /**
   * What each call's row needs at the next flush: `put` writes the call as it is then (so the changes of one
   * flush window cost one write), `remove` deletes its row. A call set up and ended within one window, CDR
   * stored, never gets a row.
   */
  private readonly pending = new Map<string, 'put' | 'remove'>();
  /** Calls whose row is in the store, or being written by the flush under way. */
  private readonly stored = new Set<string>();
  /** Calls between opened and closed. */
  private readonly live = new Map<string, JournaledCall>();
  /** Closed calls waiting for their CDR before their row may go. */
  private readonly closing = new Set<Promise<void>>();
  /** The ringing INVITEs (their Call-IDs) each call's row holds: a heartbeat rewrites the rows where they changed. */
  private readonly savedRinging = new Map<string, string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** The flush under way: flushes run one after another, so a row is put before it is removed. */
  private writing: Promise<void> = Promise.resolve();
  readonly heartbeatMs: number;
  private readonly flushMs: number;
  /** Journal writes that failed (logged); the calls went on. */
  failed = 0;

  constructor(
    private readonly store: LiveCallStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: LiveCallJournalOptions,
  ) {
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    if (!Number.isInteger(this.heartbeatMs) || this.heartbeatMs <= 0) throw new RangeError(`heartbeatMs must be a positive integer, got ${String(options.heartbeatMs)}`);
    this.flushMs = options.flushMs ?? DEFAULT_JOURNAL_FLUSH_MS;
    if (!Number.isInteger(this.flushMs) || this.flushMs < 0) throw new RangeError(`flushMs must be a non-negative integer, got ${String(options.flushMs)}`);
  }

  /** Starts the heartbeat: one UPDATE of all this node's rows each interval, and none while no call runs. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.beat(), this.heartbeatMs);
    this.timer.unref();
  }

  /** A call was set up: its row is created. */
  opened(call: JournaledCall): void {
    this.live.set(call.linkedId, call);
    this.mark(call.linkedId, 'put');
  }

  /** A call was answered or got a new leg: its row is rewritten with what it is now. */
  changed(call: JournaledCall): void {
    if (!this.live.has(call.linkedId)) return;
    this.live.set(call.linkedId, call);
    this.mark(call.linkedId, 'put');
  }

  /** The call ended: its row goes once `cdrWritten` settles (a row deleted before its CDR is stored could lose both). */
  closed(linkedId: string, cdrWritten: Promise<unknown>): void {
    if (!this.live.delete(linkedId)) return;
    this.savedRinging.delete(linkedId);
    this.pending.delete(linkedId);
    // Never written (set up and ended within one flush window): nothing to remove.
    if (!this.stored.has(linkedId)) return;
    const waiting = cdrWritten
      .catch(() => undefined)
      .then(() => {
        this.closing.delete(waiting);
        this.mark(linkedId, 'remove');
      });
    this.closing.add(waiting);
  }

  /**
   * Writes everything still to write, the rows of calls whose CDRs are being stored included (a graceful stop
   * leaves no row to recover), waiting at most `limitMs`: a store that hangs must not hang the shutdown; rows left
   * behind are ended by the next start, as after a crash.
   */
  async stop(limitMs = 10_000): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    const drained = (async () => {
      while (this.closing.size > 0) await Promise.all([...this.closing]);
      await this.flush();
      return true;
    })();
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), limitMs);
      timer.unref();
    });
    const done = await Promise.race([drained, limit]);
    clearTimeout(timer);
    if (!done) this.logger.warn({ pending: this.pending.size + this.closing.size }, 'live-call journal: writes still pending at stop; the next start ends those calls');
  }

  /**
   * Writes the heartbeat now; exported for the timer and for tests. A call whose ringing callees changed since its
   * row was written is rewritten too: no hook tells the journal of each INVITE a call sends, so a callee that
   * starts ringing is in the row within one heartbeat (and a crash sooner leaves it to its own timeout).
   */
  async beat(): Promise<void> {
    if (this.live.size === 0) return;
    for (const call of this.live.values()) if (ringingKey(ringing(call)) !== (this.savedRinging.get(call.linkedId) ?? '')) this.mark(call.linkedId, 'put');
    try {
      await this.store.beat(this.options.nodeName, this.clock.now().getTime());
    } catch (error) {
      this.failed++;
      this.logger.warn({ err: error }, 'live-call journal: heartbeat not written');
    }
  }

  /** Writes the changes waiting now, in one transaction; resolves when they are written (or failed, logged). */
  flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.writing = this.writing.then(() => this.write());
    return this.writing;
  }

  private mark(id: string, change: 'put' | 'remove'): void {
    this.pending.set(id, change);
    this.flushTimer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const now = this.clock.now().getTime();
    const put: LiveCallRow[] = [];
    const remove: string[] = [];
    for (const [id, change] of this.pending) {
      const call = this.live.get(id);
      if (change === 'remove') remove.push(id);
      else if (call !== undefined) put.push(this.row(call, now));
    }
    this.pending.clear();
    for (const row of put) this.stored.add(row.lc_linkedid);
    try {
      await this.store.apply({ put, remove });
    } catch (error) {
      this.failed++;
      this.logger.warn({ err: error, calls: put.length + remove.length }, 'live-call journal: write failed; the calls go on');
      // Nothing of the transaction was stored: those rows are not there to remove (a live call's next change
      // writes it again).
      for (const row of put) this.stored.delete(row.lc_linkedid);
    }
    for (const id of remove) this.stored.delete(id);
  }

  private row(call: JournaledCall, now: number): LiveCallRow {
    const invites = ringing(call);
    this.savedRinging.set(call.linkedId, ringingKey(invites));
    return {
      lc_linkedid: call.linkedId,
      lc_node: this.options.nodeName,
      lc_te_id: call.tenantId,
      lc_cdr: snapshotText(call.recordSoFar()),
      lc_legs: legsText(confirmedLegs(call), invites),
      lc_heartbeat: now,
    };
  }
}

/** The call's dialogs a BYE can be sent in: confirmed ones only (an early dialog ends with its INVITE's answer). */
function confirmedLegs(call: JournaledCall): SavedLeg[] {
  const dialogs = [call.caller.leg.dialog, call.answeredLeg?.dialog];
  return dialogs.filter((d): d is Dialog => d !== undefined && d.state === 'confirmed').map(savedLeg);
}

/** The call's INVITEs still waiting for an answer, as saved; none when the call does not tell or has been answered. */
function ringing(call: JournaledCall): SavedInvite[] {
  if (call.answeredLeg !== undefined || call.ringingInvites === undefined) return [];
  return call.ringingInvites().flatMap(({ request, peer }) => savedInvite(request, peer) ?? []);
}

const ringingKey = (invites: readonly SavedInvite[]) => invites.map((i) => `${i.callId}/${i.cseq}`).join(' ');
