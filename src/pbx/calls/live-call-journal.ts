// The live-call journal: while a call runs, its row in lc_livecalls holds its CDR record so far, its confirmed
// dialogs and the INVITEs still ringing a callee, and a heartbeat says until when the node knew it alive. A node killed without warning finds its rows
// when it starts again (pbx/recovery/orphaned-calls.ts). Writes never touch the call's path: they are queued per
// call, coalesced (a rewrite waiting to run takes the state of when it runs), and a failure is logged, never thrown.
import type { Dialog, Endpoint, SipRequest } from '../../sip/index.ts';
import type { Clock, Logger } from '../../shared/index.ts';
import type { LiveCallRepository } from '../../store/index.ts';
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

export type LiveCallStore = Pick<LiveCallRepository, 'put' | 'beat' | 'remove'>;

export interface LiveCallJournalOptions {
  readonly nodeName: string;
  /** How often the heartbeat is written while calls run; default 5 s. The bound on a recovered call's lost time. */
  readonly heartbeatMs?: number;
}

export const DEFAULT_HEARTBEAT_MS = 5_000;

export class LiveCallJournal {
  /** Each call's queued writes, in order: a row is put before it is rewritten, rewritten before it is removed. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Calls whose rewrite is queued and not started: another change needs no write of its own. */
  private readonly rewriteQueued = new Set<string>();
  /** Calls between opened and closed. */
  private readonly live = new Map<string, JournaledCall>();
  /** The ringing INVITEs (their Call-IDs) each call's row holds: a heartbeat rewrites the rows where they changed. */
  private readonly savedRinging = new Map<string, string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  readonly heartbeatMs: number;
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
    this.rewrite(call);
  }

  /** A call was answered or got a new leg: its row is rewritten with what it is now. */
  changed(call: JournaledCall): void {
    if (this.live.has(call.linkedId)) this.rewrite(call);
  }

  /** The call ended: its row goes once `cdrWritten` settles (a row deleted before its CDR is stored could lose both). */
  closed(linkedId: string, cdrWritten: Promise<unknown>): void {
    if (!this.live.delete(linkedId)) return;
    this.rewriteQueued.delete(linkedId);
    this.savedRinging.delete(linkedId);
    this.enqueue(linkedId, async () => {
      await cdrWritten.catch(() => undefined);
      await this.store.remove(linkedId);
    });
  }

  /**
   * Waits for the writes still queued (a graceful stop leaves no row to recover), at most `limitMs`: a store that
   * hangs must not hang the shutdown; rows left behind are ended by the next start, as after a crash.
   */
  async stop(limitMs = 10_000): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    const drained = (async () => {
      while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
      return true;
    })();
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), limitMs);
      timer.unref();
    });
    const done = await Promise.race([drained, limit]);
    clearTimeout(timer);
    if (!done) this.logger.warn({ pending: this.queues.size }, 'live-call journal: writes still pending at stop; the next start ends those calls');
  }

  /**
   * Writes the heartbeat now; exported for the timer and for tests. A call whose ringing callees changed since its
   * row was written is rewritten too: no hook tells the journal of each INVITE a call sends, so a callee that
   * starts ringing is in the row within one heartbeat (and a crash sooner leaves it to its own timeout).
   */
  async beat(): Promise<void> {
    if (this.live.size === 0) return;
    for (const call of this.live.values()) if (ringingKey(ringing(call)) !== (this.savedRinging.get(call.linkedId) ?? '')) this.rewrite(call);
    try {
      await this.store.beat(this.options.nodeName, this.clock.now().getTime());
    } catch (error) {
      this.failed++;
      this.logger.warn({ err: error }, 'live-call journal: heartbeat not written');
    }
  }

  private rewrite(call: JournaledCall): void {
    const id = call.linkedId;
    if (this.rewriteQueued.has(id)) return;
    this.rewriteQueued.add(id);
    this.enqueue(id, async () => {
      // Closed meanwhile, or already covered by a later rewrite: nothing to write.
      if (!this.rewriteQueued.delete(id) || !this.live.has(id)) return;
      const now = this.clock.now();
      const invites = ringing(call);
      this.savedRinging.set(id, ringingKey(invites));
      await this.store.put({
        lc_linkedid: id,
        lc_node: this.options.nodeName,
        lc_te_id: call.tenantId,
        lc_cdr: snapshotText(call.recordSoFar()),
        lc_legs: legsText(confirmedLegs(call), invites),
        lc_heartbeat: now.getTime(),
      });
    });
  }

  private enqueue(id: string, write: () => Promise<void>): void {
    const before = this.queues.get(id) ?? Promise.resolve();
    const next = before
      .then(write)
      .catch((error: unknown) => {
        this.failed++;
        this.logger.warn({ err: error, linkedId: id }, 'live-call journal: write failed; the call goes on');
      })
      .finally(() => {
        if (this.queues.get(id) === next) this.queues.delete(id);
      });
    this.queues.set(id, next);
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
