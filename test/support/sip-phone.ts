// A scripted SIP phone for tests: one UDP socket for SIP and one for RTP on loopback, written from RFC 3261 text
// alone (none of Callgrid's SIP code), so it is an independent peer. It registers and answers digest challenges
// (MD5, RFC 2617), places and answers calls, sends requests inside its dialogs (re-INVITE, REFER, BYE), answers
// the PBX's BYE and NOTIFY with 200, and sends and counts RTP. Enough for the transfer tests, nothing more.
import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { SipText, type SipTextMessage } from './sip-text.ts';

export interface PhoneAccount {
  readonly username: string;
  readonly password: string;
  readonly number: string;
}

/** A dialog as this phone sees it (RFC 3261 §12): its tag is `localTag`, the PBX's is `remoteTag`. */
export interface PhoneDialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly localUri: string;
  readonly remoteUri: string;
  readonly remoteTarget: string;
  localSeq: number;
  /** Where the PBX wants this dialog's RTP (from its SDP). */
  media: { address: string; port: number };
}

const HOST = '127.0.0.1';
const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

export class SipPhone {
  /** Every request the PBX sent this phone, in order (retransmissions once). */
  readonly received: SipTextMessage[] = [];
  /** RTP packets received, by the payload's first byte (each test phone sends its own byte value). */
  readonly rtpIn = new Map<number, number>();
  /** RTP packets received, by the port they came from (whose media port sent them: the relay's, rtpengine's). */
  readonly rtpFrom = new Map<number, number>();
  private readonly waiters = new Map<string, (message: SipTextMessage) => void>();
  private readonly requestWaiters: Array<{ match: (m: SipTextMessage) => boolean; resolve: (m: SipTextMessage) => void }> = [];
  private readonly seenBranches = new Set<string>();
  private readonly talking = new Set<() => void>();

  private constructor(
    readonly account: PhoneAccount,
    private readonly sip: Socket,
    private readonly rtp: Socket,
    private readonly pbxPort: number,
  ) {
    sip.on('message', (data) => this.onSip(data));
    rtp.on('message', (data, from) => {
      this.rtpFrom.set(from.port, (this.rtpFrom.get(from.port) ?? 0) + 1);
      const marker = data[12];
      if (data.length > 12 && marker !== undefined) this.rtpIn.set(marker, (this.rtpIn.get(marker) ?? 0) + 1);
    });
  }

  static async open(account: PhoneAccount, pbxPort: number): Promise<SipPhone> {
    const bind = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = createSocket('udp4');
        socket.once('error', reject);
        socket.bind(0, HOST, () => resolve(socket));
      });
    return new SipPhone(account, await bind(), await bind(), pbxPort);
  }

  get sipPort(): number {
    return this.sip.address().port;
  }

  get rtpPort(): number {
    return this.rtp.address().port;
  }

  private get aor(): string {
    return `sip:${this.account.username}@${HOST}`;
  }

  private get contact(): string {
    return `<sip:${this.account.username}@${HOST}:${String(this.sipPort)}>`;
  }

  /** REGISTER, 401, REGISTER with digest, 200. */
  async register(): Promise<void> {
    const callId = hex(8);
    const tag = hex(4);
    const build = (cseq: number, auth: Array<[string, string]>): SipTextMessage =>
      SipText.request('REGISTER', `sip:${HOST}`, [this.via(), ['From', `<${this.aor}>;tag=${tag}`], ['To', `<${this.aor}>`], ['Call-ID', callId], ['CSeq', `${String(cseq)} REGISTER`], ['Contact', this.contact], ['Expires', '3600'], ['Max-Forwards', '70'], ...auth]);
    const first = await this.send(build(1, []));
    const final = first.status === 401 ? await this.send(build(2, [this.authorization(first, 'REGISTER', `sip:${HOST}`)])) : first;
    if (final.status !== 200) throw new Error(`${this.account.username}: REGISTER answered ${String(final.status)}`);
  }

  /** Calls `number` through the PBX (answering its 407 once) and ACKs the 200 (unless `ack` is false); the new dialog. */
  async call(number: string, options: { readonly ack?: boolean } = {}): Promise<PhoneDialog> {
    const uri = `sip:${number}@${HOST}:${String(this.pbxPort)}`;
    const callId = hex(8);
    const tag = hex(4);
    const sdp = this.sdp('sendrecv');
    const build = (cseq: number, auth: Array<[string, string]>, via = this.via()): SipTextMessage =>
      SipText.request('INVITE', uri, [via, ['From', `<${this.aor}>;tag=${tag}`], ['To', `<${uri}>`], ['Call-ID', callId], ['CSeq', `${String(cseq)} INVITE`], ['Contact', this.contact], ['Max-Forwards', '70'], ['Content-Type', 'application/sdp'], ...auth], sdp);
    const firstVia = this.via();
    const first = await this.send(build(1, [], firstVia));
    let final = first;
    if (first.status === 407) {
      // §17.1.1.3: the ACK of a non-2xx answer is part of the INVITE transaction: same branch, the answer's To.
      this.transmit(SipText.request('ACK', uri, [firstVia, ['From', `<${this.aor}>;tag=${tag}`], ['To', first.header('to') ?? ''], ['Call-ID', callId], ['CSeq', '1 ACK'], ['Max-Forwards', '70']]));
      final = await this.send(build(2, [this.authorization(first, 'INVITE', uri, 'Proxy-Authorization')]));
    }
    if (final.status !== 200) throw new Error(`${this.account.username}: INVITE to ${number} answered ${String(final.status)}`);
    const dialog: PhoneDialog = {
      callId,
      localTag: tag,
      remoteTag: SipText.tag(final.header('to') ?? ''),
      localUri: this.aor,
      remoteUri: uri,
      remoteTarget: SipText.uriOf(final.header('contact') ?? '') ?? uri,
      localSeq: final.status === 200 && first.status === 407 ? 2 : 1,
      media: SipText.mediaOf(final.body),
    };
    if (options.ack !== false) this.ack(dialog);
    return dialog;
  }

  /** The ACK for the 2xx that confirmed `dialog` (§13.2.2.4), for a test that holds it back. */
  ack(dialog: PhoneDialog): void {
    this.transmit(this.inDialog(dialog, 'ACK', [], undefined, dialog.localSeq));
  }

  /** Waits for the PBX's INVITE, answers 180 then 200 with our SDP, and waits for the ACK. */
  async answer(): Promise<PhoneDialog> {
    const invite = await this.nextRequest((m) => m.method === 'INVITE' && SipText.tag(m.header('to') ?? '') === '');
    const tag = hex(4);
    this.transmit(SipText.response(invite, 180, 'Ringing', [['To', `${invite.header('to') ?? ''};tag=${tag}`], ['Contact', this.contact]]));
    const dialog: PhoneDialog = {
      callId: invite.header('call-id') ?? '',
      localTag: tag,
      remoteTag: SipText.tag(invite.header('from') ?? ''),
      localUri: SipText.uriOf(invite.header('to') ?? '') ?? '',
      remoteUri: SipText.uriOf(invite.header('from') ?? '') ?? '',
      remoteTarget: SipText.uriOf(invite.header('contact') ?? '') ?? '',
      localSeq: 0,
      media: SipText.mediaOf(invite.body),
    };
    const acked = this.nextRequest((m) => m.method === 'ACK' && m.header('call-id') === dialog.callId);
    this.transmit(SipText.response(invite, 200, 'OK', [['To', `${invite.header('to') ?? ''};tag=${tag}`], ['Contact', this.contact], ['Content-Type', 'application/sdp']], this.sdp('sendrecv')));
    await acked;
    return dialog;
  }

  /** A request inside `dialog`; resolves with its final answer. */
  request(dialog: PhoneDialog, method: string, headers: Array<[string, string]> = [], body?: string): Promise<SipTextMessage> {
    dialog.localSeq++;
    return this.send(this.inDialog(dialog, method, headers, body, dialog.localSeq));
  }

  /** Puts the other party on hold (re-INVITE with a=sendonly, RFC 3264 §8.4) and ACKs the answer. */
  async hold(dialog: PhoneDialog): Promise<SipTextMessage> {
    const answer = await this.request(dialog, 'INVITE', [['Contact', this.contact], ['Content-Type', 'application/sdp']], this.sdp('sendonly'));
    if (answer.status === 200) this.transmit(this.inDialog(dialog, 'ACK', [], undefined, dialog.localSeq));
    return answer;
  }

  /** Waits for a request from the PBX (already answered 200 when it is a BYE or NOTIFY). */
  nextRequest(match: (message: SipTextMessage) => boolean): Promise<SipTextMessage> {
    const seen = this.received.find(match);
    if (seen !== undefined) {
      this.received.splice(this.received.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve) => this.requestWaiters.push({ match, resolve }));
  }

  /**
   * Streams RTP (PCMU, one packet per 20 ms) on `dialog` until the phone closes or the returned function is called;
   * every payload byte is `mark`, so the receiving phone can tell whose audio reached it.
   */
  talk(dialog: PhoneDialog, mark: number): () => void {
    let seq = 0;
    const ssrc = randomBytes(4).readUInt32BE(0);
    const timer = setInterval(() => {
      const packet = Buffer.alloc(12 + 160, mark);
      packet.writeUInt8(0x80, 0);
      packet.writeUInt8(0, 1);
      packet.writeUInt16BE(++seq & 0xffff, 2);
      packet.writeUInt32BE((seq * 160) >>> 0, 4);
      packet.writeUInt32BE(ssrc, 8);
      if (dialog.media.port > 0) this.rtp.send(packet, dialog.media.port, dialog.media.address);
    }, 20);
    const stop = (): void => {
      clearInterval(timer);
      this.talking.delete(stop);
    };
    this.talking.add(stop);
    return stop;
  }

  close(): void {
    for (const stop of [...this.talking]) stop();
    this.sip.close();
    this.rtp.close();
  }

  private sdp(direction: string): string {
    return ['v=0', `o=${this.account.username} 1 1 IN IP4 ${HOST}`, 's=-', `c=IN IP4 ${HOST}`, 't=0 0', `m=audio ${String(this.rtpPort)} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', `a=${direction}`, ''].join('\r\n');
  }

  private via(): [string, string] {
    return ['Via', `SIP/2.0/UDP ${HOST}:${String(this.sipPort)};branch=z9hG4bK${hex(6)};rport`];
  }

  private inDialog(dialog: PhoneDialog, method: string, headers: Array<[string, string]>, body: string | undefined, seq: number): SipTextMessage {
    return SipText.request(
      method,
      dialog.remoteTarget,
      [this.via(), ['From', `<${dialog.localUri}>;tag=${dialog.localTag}`], ['To', `<${dialog.remoteUri}>;tag=${dialog.remoteTag}`], ['Call-ID', dialog.callId], ['CSeq', `${String(seq)} ${method}`], ['Max-Forwards', '70'], ...headers],
      body,
    );
  }

  /** RFC 2617 §3.2.2 digest response to the challenge in `challenge`. */
  private authorization(challenge: SipTextMessage, method: string, uri: string, name = 'Authorization'): [string, string] {
    const text = challenge.header(name === 'Authorization' ? 'www-authenticate' : 'proxy-authenticate') ?? '';
    const param = (key: string): string | undefined => new RegExp(`${key}="?([^",]+)"?`, 'i').exec(text)?.[1];
    const realm = param('realm') ?? '';
    const nonce = param('nonce') ?? '';
    const qop = param('qop')?.split(/\s*,\s*/).includes('auth') ? 'auth' : undefined;
    const ha1 = md5(`${this.account.username}:${realm}:${this.account.password}`);
    const ha2 = md5(`${method}:${uri}`);
    const cnonce = hex(4);
    const response = qop ? md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
    const opaque = param('opaque');
    const fields = [`username="${this.account.username}"`, `realm="${realm}"`, `nonce="${nonce}"`, `uri="${uri}"`, `response="${response}"`, 'algorithm=MD5', ...(qop ? [`qop=auth`, 'nc=00000001', `cnonce="${cnonce}"`] : []), ...(opaque ? [`opaque="${opaque}"`] : [])];
    return [name, `Digest ${fields.join(', ')}`];
  }

  private transmit(message: SipTextMessage): void {
    this.sip.send(SipText.serialize(message), this.pbxPort, HOST);
  }

  /** Sends a request and resolves with its final answer (provisional answers are skipped). */
  private send(message: SipTextMessage): Promise<SipTextMessage> {
    const branch = SipText.branch(message);
    const answer = new Promise<SipTextMessage>((resolve) => this.waiters.set(branch, resolve));
    this.transmit(message);
    return answer;
  }

  private onSip(data: Buffer): void {
    const message = SipText.parse(data);
    if (message === undefined) return;
    if (message.status !== undefined) {
      if (message.status < 200) return;
      const waiter = this.waiters.get(SipText.branch(message));
      this.waiters.delete(SipText.branch(message));
      waiter?.(message);
      return;
    }
    if (message.method === 'BYE' || message.method === 'NOTIFY' || message.method === 'OPTIONS') this.transmit(SipText.response(message, 200, 'OK'));
    // Retransmissions (the same branch; the PBX's 2xx to our INVITE is answered by our ACK above) are counted once.
    const key = `${SipText.branch(message)} ${message.method ?? ''}`;
    if (this.seenBranches.has(key)) return;
    this.seenBranches.add(key);
    const waiter = this.requestWaiters.find((w) => w.match(message));
    if (waiter === undefined) return void this.received.push(message);
    this.requestWaiters.splice(this.requestWaiters.indexOf(waiter), 1);
    waiter.resolve(message);
  }
}
