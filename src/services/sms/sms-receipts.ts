// Delivery receipts of SMS sent through a provider (SMPP): each names a provider and its message id; the part is found
// (ids this node recorded lately from memory, else the store; the id as given first, then the same number in the
// other base), its receipt recorded, and once every part has a final one the SMS is marked delivered (all
// delivered) or undelivered (with the parts' stat and err in sm_error).
import { receiptIdCandidates, type SmppReceipt } from '../../pbx/index.ts';
import { formatDateTime, type Clock, type Logger } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';

interface PartRef {
  readonly tenantId: number;
  readonly smsId: number;
  readonly part: number;
}

/** How many recently sent parts are remembered (most receipts come within seconds). */
const RECENT_PARTS = 50_000;

export class SmsReceipts {
  /** Parts sent lately by this node, by `providerId|normalized id`. */
  private readonly recent = new Map<string, PartRef>();
  /** Receipts waiting for the ids they name to be recorded, by `providerId|id`, or for no send to be in flight. */
  private readonly idWaiters = new Map<string, Set<() => void>>();
  private readonly idleWaiters = new Set<() => void>();

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly logger?: Logger) {}

  /** The parts of an SMS were recorded with these (normalized) ids: receipts naming them can now find it. */
  recorded(tenantId: number, smsId: number, providerId: number, ids: readonly string[]): void {
    ids.forEach((id, i) => {
      const key = `${providerId}|${id}`;
      this.recent.set(key, { tenantId, smsId, part: i + 1 });
      for (const wake of [...(this.idWaiters.get(key) ?? [])]) wake();
    });
    for (const key of this.recent.keys()) {
      if (this.recent.size <= RECENT_PARTS) break;
      this.recent.delete(key);
    }
  }

  /** No send is in flight any more: a receipt still waiting names no SMS being sent. */
  idle(): void {
    for (const wake of [...this.idleWaiters]) wake();
  }

  /** `sending` says whether SMS are being sent (whose ids may not be recorded yet). */
  async handle(providerId: number, receipt: SmppReceipt, sending: () => boolean): Promise<void> {
    const candidates = receiptIdCandidates(receipt.messageId);
    let found = this.remembered(providerId, candidates) ?? (await this.stored(providerId, candidates));
    // A receipt may overtake the recording of the ids it names (the SMSC answers at once).
    if (found === undefined && sending()) {
      await this.recordingOf(providerId, candidates);
      found = this.remembered(providerId, candidates) ?? (await this.stored(providerId, candidates));
    }
    if (found === undefined) {
      this.logger?.warn({ providerId, messageId: receipt.messageId.slice(0, 72) }, 'sms: receipt for no known SMS');
      return;
    }
    const { ref, key } = found;
    const now = formatDateTime(this.clock.now());
    const parts = await this.store.sms.setPartStatus(ref.tenantId, ref.smsId, ref.part, { sp_status: receipt.outcome, sp_stat: receipt.stat, sp_error: receipt.error, sp_updated: now });
    if (receipt.outcome !== 'pending' && key !== undefined) this.recent.delete(key);
    if (parts.length === 0 || parts.some((p) => p.sp_status !== 'delivered' && p.sp_status !== 'undelivered')) return;
    const failed = parts.filter((p) => p.sp_status === 'undelivered');
    const error = failed.map((p) => `${parts.length > 1 ? `part ${p.sp_part}/${parts.length}: ` : ''}${p.sp_stat}${p.sp_error === '' ? '' : ` err:${p.sp_error}`}`).join('; ');
    await this.store.sms.update(ref.tenantId, ref.smsId, { sm_status: failed.length === 0 ? 'delivered' : 'undelivered', ...(failed.length === 0 ? {} : { sm_error: `receipt: ${error}`.slice(0, 1024) }), sm_updated: now });
  }

  private remembered(providerId: number, candidates: readonly string[]): { ref: PartRef; key: string } | undefined {
    for (const id of candidates) {
      const key = `${providerId}|${id}`;
      const ref = this.recent.get(key);
      if (ref !== undefined) return { ref, key };
    }
    return undefined;
  }

  private async stored(providerId: number, candidates: readonly string[]): Promise<{ ref: PartRef; key?: string } | undefined> {
    const part = await this.store.sms.findPart(providerId, candidates);
    return part === undefined ? undefined : { ref: { tenantId: part.sp_te_id, smsId: part.sp_sm_id, part: part.sp_part } };
  }

  /** Resolves once one of `ids` of the provider is recorded, or nothing is being sent, or after 30 s. */
  private recordingOf(providerId: number, ids: readonly string[]): Promise<void> {
    return new Promise((resolve) => {
      const keys = ids.map((id) => `${providerId}|${id}`);
      const done = () => {
        for (const key of keys) {
          const waiters = this.idWaiters.get(key);
          waiters?.delete(done);
          if (waiters?.size === 0) this.idWaiters.delete(key);
        }
        this.idleWaiters.delete(done);
        resolve();
      };
      for (const key of keys) this.idWaiters.set(key, (this.idWaiters.get(key) ?? new Set()).add(done));
      // Not a wait on each send in flight: under load thousands are, and every receipt would watch them all.
      this.idleWaiters.add(done);
      setTimeout(done, 30_000).unref();
    });
  }
}
