// The subscription journal: each active subscription's dialog (RFC 6665 §4.1.3 dialog state: Call-ID, tags, route
// set, remote target, our CSeq) is kept in lc_livecalls beside the calls, so a node killed without warning can
// send each subscriber a NOTIFY terminated;reason=deactivated when it starts again (recovery/lost-subscriptions.ts),
// and the phones re-subscribe at once. Written at subscribe and refresh, again after every
// SUBSCRIPTION_RESAVE_STEP NOTIFYs (so the recovery CSeq stays above the last one sent), deleted when the
// subscription ends. Writes are queued per subscription and never thrown: a failure is logged and counted.
import type { Clock, Logger } from '../../shared/index.ts';
import type { Dialog } from '../../sip/index.ts';
import type { LiveCallRepository } from '../../store/index.ts';
import { legsText, savedLeg } from '../recovery/live-call-snapshot.ts';
import { SUBSCRIPTION_RESAVE_STEP, subscriptionRowId, subscriptionText } from '../recovery/lost-subscriptions.ts';

/** What the journal reads of a subscription (subscription.ts satisfies it). */
export interface JournaledSubscription {
  readonly dialog: Dialog;
  readonly eventHeader: string;
  readonly tenantId: number;
}

export type SubscriptionStore = Pick<LiveCallRepository, 'put' | 'remove'>;

export class SubscriptionJournal {
  private readonly queues = new Map<string, Promise<void>>();
  /** The CSeq each live subscription's row holds. */
  private readonly savedSeq = new Map<JournaledSubscription, number>();
  /** Writes that failed (logged). */
  failed = 0;

  constructor(
    private readonly store: SubscriptionStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: { readonly nodeName: string },
  ) {}

  /** The subscription is active (new, or refreshed: its remote target may have moved): its row is (re)written. */
  saved(subscription: JournaledSubscription): void {
    const { dialog } = subscription;
    this.savedSeq.set(subscription, dialog.localSeq);
    const row = {
      lc_linkedid: subscriptionRowId(dialog.id),
      lc_node: this.options.nodeName,
      lc_te_id: subscription.tenantId,
      lc_cdr: subscriptionText(subscription.eventHeader),
      lc_legs: legsText([savedLeg(dialog)]),
      lc_heartbeat: this.clock.now().getTime(),
    };
    this.enqueue(dialog.id, () => this.store.put(row));
  }

  /** A NOTIFY went out: the row is rewritten once the CSeq has moved SUBSCRIPTION_RESAVE_STEP past the saved one. */
  notified(subscription: JournaledSubscription): void {
    const saved = this.savedSeq.get(subscription);
    if (saved !== undefined && subscription.dialog.localSeq - saved >= SUBSCRIPTION_RESAVE_STEP) this.saved(subscription);
  }

  /** The subscription ended (or was never kept): its row goes. */
  removed(subscription: JournaledSubscription): void {
    if (!this.savedSeq.delete(subscription)) return;
    this.enqueue(subscription.dialog.id, async () => {
      await this.store.remove(subscriptionRowId(subscription.dialog.id));
    });
  }

  /** Waits for the queued writes, at most `limitMs` (rows left behind get a NOTIFY at the next start, answered 481). */
  async stop(limitMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), limitMs);
      timer.unref();
    });
    const drained = (async () => {
      while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
      return true;
    })();
    const done = await Promise.race([drained, limit]);
    clearTimeout(timer);
    if (!done) this.logger.warn({ pending: this.queues.size }, 'subscription journal: writes still pending at stop');
  }

  private enqueue(key: string, write: () => Promise<void>): void {
    const next = (this.queues.get(key) ?? Promise.resolve())
      .then(write)
      .catch((error: unknown) => {
        this.failed++;
        this.logger.warn({ err: error }, 'subscription journal: write failed; the subscription goes on');
      })
      .finally(() => {
        if (this.queues.get(key) === next) this.queues.delete(key);
      });
    this.queues.set(key, next);
  }
}
