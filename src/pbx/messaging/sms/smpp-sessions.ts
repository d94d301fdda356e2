// The node's SMPP sessions, one per SMPP provider row (keyed by pr_id; a row whose settings changed gets a new
// session), kept bound so receipts and inbound SMS can arrive at any time. Delivery receipts go to onReceipt (the SMS
// use case sets it), mobile-originated SMS (joined when concatenated) to onInbound (the composition root plugs in
// inbound SMS on DIDs); close() at shutdown. Without a callback a deliver_sm is answered ESME_ROK, dropped and logged.
import type { ObjectRow } from '../../../domain/index.ts';
import { err, ok, PbxError, type Logger, type Result } from '../../../shared/index.ts';
import { InboundAssembler, deliverText, type InboundSms } from './smpp-inbound.ts';
import { ESME_RINVDSTADR, ESME_ROK, ESME_RX_P_APPN, ESME_RX_T_APPN, type SmppPdu } from './smpp-library.ts';
import { isReceipt, parseReceipt, type SmppReceipt } from './smpp-receipt.ts';
import { SmppSession, type SessionState } from './smpp-session.ts';
import { parseSmppProvider, settingsKey } from './smpp-settings.ts';

export type InboundSmsHandler = (providerId: number, sms: InboundSms) => Promise<void>;
export type ReceiptHandler = (providerId: number, receipt: SmppReceipt) => Promise<void>;

/** True for a provider row the SMPP driver serves (pr_tech SMS, pr_smsprotocol SMPP). */
export const isSmppRow = (row: ObjectRow): boolean =>
  String(row.pr_tech ?? '').toUpperCase() === 'SMS' && String(row.pr_smsprotocol ?? '').trim().toUpperCase() === 'SMPP';

export class SmppSessions {
  /**
   * Called with each inbound (non-receipt) SMS, its parts joined. A PbxError not_found (no such DID) is answered
   * ESME_RINVDSTADR and another PbxError ESME_RX_P_APPN (permanent: the SMSC must not retry); any other rejection
   * ESME_RX_T_APPN, so the SMSC retries later.
   */
  onInbound: InboundSmsHandler | undefined;
  /** Called with each delivery receipt. */
  onReceipt: ReceiptHandler | undefined;
  private readonly sessions = new Map<number, { readonly key: string; readonly session: SmppSession }>();
  private readonly assembler = new InboundAssembler();
  private closed = false;

  constructor(private readonly options: { readonly logger?: Logger } = {}) {}

  /** The running session of a provider row (started on first use), or why the row cannot send. */
  driver(row: ObjectRow): Result<SmppSession, string> {
    if (this.closed) return err('SMPP sessions are closed (the node is stopping)');
    const parsed = parseSmppProvider(row);
    if (!parsed.ok) return parsed;
    const key = settingsKey(parsed.value);
    const known = this.sessions.get(parsed.value.providerId);
    if (known !== undefined && known.key === key) return ok(known.session);
    if (known !== undefined) void known.session.close();
    const session = new SmppSession(parsed.value, (providerId, pdu) => this.deliver(providerId, pdu), this.options.logger);
    this.sessions.set(parsed.value.providerId, { key, session });
    session.start();
    return ok(session);
  }

  /**
   * Binds a session for each SMPP row of `rows` (so receipts and inbound SMS arrive before anything is sent) and
   * closes those of providers no longer listed. Answers why rows could not bind.
   */
  async sync(rows: readonly ObjectRow[]): Promise<string[]> {
    const problems: string[] = [];
    const wanted = new Set<number>();
    for (const row of rows.filter(isSmppRow)) {
      const made = this.driver(row);
      if (made.ok) wanted.add(Number(row.pr_id));
      else problems.push(made.error);
    }
    const gone = [...this.sessions].filter(([id]) => !wanted.has(id));
    for (const [id] of gone) this.sessions.delete(id);
    await Promise.all(gone.map(([, known]) => known.session.close()));
    return problems;
  }

  /** Each session's provider and state (bound, connecting). */
  states(): Array<{ readonly providerId: number; readonly state: SessionState }> {
    return [...this.sessions].map(([providerId, known]) => ({ providerId, state: known.session.state }));
  }

  /** Unbinds and closes every session; later sends are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((known) => known.session.close()));
  }

  /** A deliver_sm: a receipt or an inbound SMS (part). The answer is the deliver_sm_resp status. */
  private async deliver(providerId: number, pdu: SmppPdu): Promise<number> {
    const esmClass = typeof pdu.esm_class === 'number' ? pdu.esm_class : 0;
    if (isReceipt(esmClass)) {
      const receiptedMessageId = typeof pdu.receipted_message_id === 'string' ? pdu.receipted_message_id : undefined;
      const messageState = typeof pdu.message_state === 'number' ? pdu.message_state : undefined;
      const receipt = parseReceipt(deliverText(pdu), { ...(receiptedMessageId === undefined ? {} : { receiptedMessageId }), ...(messageState === undefined ? {} : { messageState }) });
      // A receipt we cannot use is still taken: answering an error would only make the SMSC send it again.
      if (receipt === undefined || this.onReceipt === undefined) {
        this.options.logger?.warn({ providerId }, receipt === undefined ? 'smpp: receipt without a message id dropped' : 'smpp: receipt dropped (no receipt handler)');
        return ESME_ROK;
      }
      try {
        await this.onReceipt(providerId, receipt);
      } catch (error) {
        this.options.logger?.error({ err: error, providerId }, 'smpp: recording a receipt failed');
      }
      return ESME_ROK;
    }
    const sms = this.assembler.add(pdu);
    if (sms === undefined) return ESME_ROK;
    if (this.onInbound === undefined) {
      this.options.logger?.warn({ providerId }, 'smpp: inbound SMS dropped (no inbound handler)');
      this.assembler.done(sms, pdu);
      return ESME_ROK;
    }
    try {
      await this.onInbound(providerId, sms);
      this.assembler.done(sms, pdu);
      return ESME_ROK;
    } catch (error) {
      if (error instanceof PbxError) {
        this.assembler.done(sms, pdu);
        this.options.logger?.warn({ providerId, reason: error.message }, 'smpp: inbound SMS refused');
        return error.code === 'not_found' ? ESME_RINVDSTADR : ESME_RX_P_APPN;
      }
      this.options.logger?.error({ err: error, providerId }, 'smpp: inbound SMS not taken; the SMSC will retry');
      return ESME_RX_T_APPN;
    }
  }
}
