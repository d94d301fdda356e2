// One persistent SMPP 3.4 transceiver session to an SMSC, for one provider row: bind_transceiver, enquire_link
// keep-alive (no answer within a period drops and rebinds), reconnect with doubling back-off, submit_sm paced by a
// token bucket and a window, ESME_RTHROTTLED / ESME_RMSGQFUL answered by pausing and retrying, and each incoming
// deliver_sm handed to the registry, whose status is answered in deliver_sm_resp. Sends are values, never throws.
import type { Logger } from '../../../shared/index.ts';
import type { OutboundSms, SmsDriver, SmsSendResult } from './sms-driver.ts';
import { TokenBucket, Window } from './smpp-flow.ts';
import { connectSmpp, ESME_RMSGQFUL, ESME_ROK, ESME_RTHROTTLED, ESME_RX_T_APPN, smppPdu, smppStatusName, type SmppLibrarySession, type SmppPdu } from './smpp-library.ts';
import { smppAddress, type SmppSettings } from './smpp-settings.ts';
import { smppParts, type SmppPart } from './smpp-text.ts';

export type SessionState = 'connecting' | 'bound' | 'closed';

/** What the session does with a deliver_sm: answers the command_status to put in deliver_sm_resp. */
export type DeliverHandler = (providerId: number, pdu: SmppPdu) => Promise<number>;

type Answer = { readonly kind: 'answer'; readonly pdu: SmppPdu } | { readonly kind: 'lost'; readonly reason: string } | { readonly kind: 'timeout' };
type PartResult = { readonly ok: true; readonly id: string } | { readonly ok: false; readonly error: string };

export class SmppSession implements SmsDriver {
  private conn: SmppLibrarySession | undefined;
  private bound = false;
  private closed = false;
  private lastError = 'not connected yet';
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private readonly bucket: TokenBucket;
  private readonly window: Window;
  private readonly boundWaiters = new Set<() => void>();
  /** Fails every request awaiting an answer on the current connection. */
  private readonly pending = new Set<(reason: string) => void>();
  private ref = Math.floor(Math.random() * 0x10000);

  constructor(private readonly settings: SmppSettings, private readonly onDeliver: DeliverHandler, private readonly logger?: Logger) {
    this.bucket = new TokenBucket(settings.tps);
    this.window = new Window(settings.window);
  }

  get state(): SessionState {
    return this.closed ? 'closed' : this.bound ? 'bound' : 'connecting';
  }

  private get where(): string {
    return `SMSC ${this.settings.host}:${this.settings.port}`;
  }

  start(): void {
    if (this.conn === undefined && !this.closed) this.connect();
  }

  /** Unbinds (waiting a moment for unbind_resp), closes the socket and stops reconnecting; pending sends fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.keepAlive);
    const conn = this.conn;
    if (conn !== undefined && this.bound) await this.request(smppPdu('unbind', {}), 1000);
    this.bound = false;
    conn?.destroy();
    for (const fail of [...this.pending]) fail('session closed');
    for (const wake of [...this.boundWaiters]) wake();
    this.bucket.drain();
  }

  private connect(): void {
    const { host, port } = this.settings;
    const conn = connectSmpp(host, port);
    this.conn = conn;
    let gone = false;
    let reason = '';
    const lost = (why: string) => {
      if (gone) return;
      gone = true;
      this.bound = false;
      clearInterval(this.keepAlive);
      conn.destroy();
      this.lastError = reason || why;
      for (const fail of [...this.pending]) fail(this.lastError);
      if (this.closed) return;
      const delay = Math.min(this.settings.reconnectMaxMs, this.settings.reconnectMs * 2 ** Math.min(this.failures, 16));
      this.failures += 1;
      this.logger?.warn({ providerId: this.settings.providerId, smsc: `${host}:${port}`, reason: this.lastError, retryMs: delay }, 'smpp: session lost, reconnecting');
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
      this.reconnectTimer.unref();
    };
    conn.on('error', (error: NodeJS.ErrnoException) => lost(`connection error: ${error.code ?? error.message}`));
    conn.on('close', () => lost('connection closed by the SMSC'));
    conn.on('connect', () => {
      const bind = smppPdu('bind_transceiver', { system_id: this.settings.systemId, password: this.settings.password, system_type: this.settings.systemType, interface_version: 0x34 });
      void this.request(bind, this.settings.submitTimeoutMs).then((answer) => {
        if (answer.kind !== 'answer') return lost(answer.kind === 'lost' ? answer.reason : 'no bind_transceiver_resp');
        if (answer.pdu.command_status !== ESME_ROK) {
          reason = `bind_transceiver refused: ${smppStatusName(answer.pdu.command_status)}`;
          return lost(reason);
        }
        this.bound = true;
        this.failures = 0;
        this.lastError = '';
        this.startKeepAlive(conn, lost);
        for (const wake of [...this.boundWaiters]) wake();
      });
    });
    conn.on('enquire_link', (pdu: SmppPdu) => conn.send(pdu.response()));
    conn.on('unbind', (pdu: SmppPdu) => {
      conn.send(pdu.response());
      lost('the SMSC unbound');
    });
    conn.on('deliver_sm', (pdu: SmppPdu) => {
      this.onDeliver(this.settings.providerId, pdu).then(
        (status) => conn.send(pdu.response({ command_status: status })),
        () => conn.send(pdu.response({ command_status: ESME_RX_T_APPN })),
      );
    });
  }

  private startKeepAlive(conn: SmppLibrarySession, lost: (why: string) => void): void {
    let waiting = false;
    this.keepAlive = setInterval(() => {
      if (waiting) return lost(`no enquire_link_resp within ${this.settings.enquireLinkMs} ms`);
      waiting = true;
      conn.send(smppPdu('enquire_link', {}), () => (waiting = false));
    }, this.settings.enquireLinkMs);
    this.keepAlive.unref();
  }

  /** Sends a request on the current connection and awaits its answer, the connection's loss, or the timeout. */
  private request(pdu: SmppPdu, timeoutMs: number): Promise<Answer> {
    return new Promise((resolve) => {
      const conn = this.conn;
      let settled = false;
      const finish = (answer: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pending.delete(fail);
        resolve(answer);
      };
      const fail = (reason: string) => finish({ kind: 'lost', reason });
      const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
      this.pending.add(fail);
      if (conn === undefined || !conn.send(pdu, (answer) => finish({ kind: 'answer', pdu: answer }))) fail('not connected');
    });
  }

  private waitBound(ms: number): Promise<boolean> {
    if (this.bound) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.boundWaiters.delete(wake);
        resolve(this.bound);
      };
      const timer = setTimeout(wake, ms);
      this.boundWaiters.add(wake);
    });
  }

  async send(sms: OutboundSms): Promise<SmsSendResult> {
    this.start();
    this.ref = (this.ref + 1) & 0xffff;
    const parts = smppParts(sms.text, this.settings.concat, this.ref);
    const ids: string[] = [];
    for (const [i, part] of parts.entries()) {
      const result = await this.submit(part, sms);
      if (!result.ok) return { ok: false, error: parts.length > 1 ? `part ${i + 1}/${parts.length}: ${result.error}` : result.error };
      ids.push(result.id);
    }
    return { ok: true, providerIds: ids };
  }

  private submitPdu(part: SmppPart, sms: OutboundSms): SmppPdu {
    const s = this.settings;
    const source = smppAddress(sms.from, s.sourceTon, s.sourceNpi);
    const dest = smppAddress(sms.to, s.destTon, s.destNpi);
    return smppPdu('submit_sm', {
      source_addr_ton: source.ton,
      source_addr_npi: source.npi,
      source_addr: source.addr,
      dest_addr_ton: dest.ton,
      dest_addr_npi: dest.npi,
      destination_addr: dest.addr,
      esm_class: part.esmClass,
      registered_delivery: s.registeredDelivery,
      data_coding: part.dataCoding,
      short_message: part.shortMessage,
      ...(part.sar === undefined ? {} : { sar_msg_ref_num: part.sar.ref, sar_total_segments: part.sar.total, sar_segment_seqnum: part.sar.seq }),
    });
  }

  /** One part: paced, retried after a throttle answer or a lost connection (at most twice: the SMSC may have it). */
  private async submit(part: SmppPart, sms: OutboundSms): Promise<PartResult> {
    let throttled = 0;
    let lostTimes = 0;
    for (;;) {
      if (this.closed) return { ok: false, error: 'SMPP session closed' };
      await this.bucket.take();
      if (!(await this.waitBound(this.settings.bindWaitMs))) {
        return { ok: false, error: this.closed ? 'SMPP session closed' : `${this.where} not bound within ${this.settings.bindWaitMs} ms: ${this.lastError || 'connecting'}` };
      }
      await this.window.acquire();
      let answer: Answer;
      try {
        answer = await this.request(this.submitPdu(part, sms), this.settings.submitTimeoutMs);
      } finally {
        this.window.release();
      }
      if (answer.kind === 'timeout') return { ok: false, error: `${this.where} gave no submit_sm_resp within ${this.settings.submitTimeoutMs} ms` };
      if (answer.kind === 'lost') {
        lostTimes += 1;
        if (lostTimes > 2) return { ok: false, error: `${this.where}: connection lost before the answer (${answer.reason})` };
        continue;
      }
      const status = answer.pdu.command_status;
      if (status === ESME_ROK) {
        const id = typeof answer.pdu.message_id === 'string' ? answer.pdu.message_id : '';
        return { ok: true, id };
      }
      if (status === ESME_RTHROTTLED || status === ESME_RMSGQFUL) {
        throttled += 1;
        if (throttled > this.settings.throttleRetries) return { ok: false, error: `${this.where} kept answering ${smppStatusName(status)} (${throttled} times)` };
        this.bucket.pause(this.settings.throttleMs * 2 ** Math.min(throttled - 1, 4));
        continue;
      }
      return { ok: false, error: `${this.where} refused it: ${smppStatusName(status)}` };
    }
  }
}
