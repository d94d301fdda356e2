// Test peers for inbound SMS over real UDP on loopback, written from RFC 3261 / 3428 text (test/support/sip-text.ts,
// none of Callgrid's SIP code): a phone that registers with an MD5 digest answer and takes every MESSAGE with 200, and
// a carrier trunk that sends MESSAGEs to the PBX from its own socket (the provider's pr_host) and reads the answers.
import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { SipText, type SipTextMessage } from '../../../test/support/sip-text.ts';

const HOST = '127.0.0.1';
const hex = (n: number): string => randomBytes(n).toString('hex');
const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

async function bind(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, HOST, () => resolve(socket));
  });
}

/** One UDP socket that sends requests, matches their final answers by branch and hands other requests to `onRequest`. */
class UdpPeer {
  private readonly waiters = new Map<string, (m: SipTextMessage) => void>();
  protected onRequest: (m: SipTextMessage) => void = () => {};

  protected constructor(protected readonly socket: Socket, protected readonly pbxPort: number) {
    socket.on('message', (data) => {
      const m = SipText.parse(data);
      if (m === undefined) return;
      if (m.status === undefined) return this.onRequest(m);
      if (m.status < 200) return;
      const branch = SipText.branch(m);
      this.waiters.get(branch)?.(m);
      this.waiters.delete(branch);
    });
  }

  get port(): number {
    return this.socket.address().port;
  }

  protected via(): [string, string] {
    return ['Via', `SIP/2.0/UDP ${HOST}:${String(this.port)};branch=z9hG4bK${hex(6)};rport`];
  }

  protected send(m: SipTextMessage): Promise<SipTextMessage> {
    const answer = new Promise<SipTextMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${m.method ?? ''}`)), 8000);
      this.waiters.set(SipText.branch(m), (r) => (clearTimeout(timer), resolve(r)));
    });
    this.transmit(m);
    return answer;
  }

  protected transmit(m: SipTextMessage): void {
    this.socket.send(SipText.serialize(m), this.pbxPort, HOST);
  }

  close(): void {
    this.socket.close();
  }
}

/** A phone: REGISTERs as `username`, answers every MESSAGE 200 and keeps it. */
export class MessagePhone extends UdpPeer {
  readonly messages: SipTextMessage[] = [];
  private readonly seen = new Set<string>();

  static async open(username: string, password: string, pbxPort: number): Promise<MessagePhone> {
    return new MessagePhone(await bind(), pbxPort, username, password);
  }

  private constructor(socket: Socket, pbxPort: number, readonly username: string, private readonly password: string) {
    super(socket, pbxPort);
    this.onRequest = (m) => {
      if (m.method !== 'MESSAGE' && m.method !== 'OPTIONS') return;
      this.transmit(SipText.response(m, 200, 'OK', [['To', `${m.header('to') ?? ''};tag=${hex(3)}`]]));
      // A retransmission is answered again but kept once.
      if (m.method === 'MESSAGE' && !this.seen.has(SipText.branch(m))) {
        this.seen.add(SipText.branch(m));
        this.messages.push(m);
      }
    };
  }

  async register(): Promise<void> {
    const aor = `sip:${this.username}@${HOST}`;
    const [callId, tag] = [hex(8), hex(4)];
    const build = (cseq: number, auth: Array<[string, string]>) =>
      SipText.request('REGISTER', `sip:${HOST}`, [this.via(), ['From', `<${aor}>;tag=${tag}`], ['To', `<${aor}>`], ['Call-ID', callId], ['CSeq', `${String(cseq)} REGISTER`], ['Contact', `<sip:${this.username}@${HOST}:${String(this.port)}>`], ['Expires', '600'], ['Max-Forwards', '70'], ...auth]);
    const first = await this.send(build(1, []));
    const final = first.status === 401 ? await this.send(build(2, [['Authorization', this.digest(first.header('www-authenticate') ?? '', `sip:${HOST}`)]])) : first;
    if (final.status !== 200) throw new Error(`${this.username}: REGISTER answered ${String(final.status)}`);
  }

  /** Resolves with the MESSAGEs once there are `count` of them (or after `limitMs`). */
  async waitFor(count: number, limitMs = 8000): Promise<SipTextMessage[]> {
    const deadline = Date.now() + limitMs;
    while (this.messages.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.messages;
  }

  /** RFC 2617 §3.2.2 MD5, qop=auth when offered. */
  private digest(challenge: string, uri: string): string {
    const field = (name: string) => new RegExp(`${name}="?([^",]*)"?`, 'i').exec(challenge)?.[1];
    const [realm, nonce, opaque, qop] = [field('realm') ?? '', field('nonce') ?? '', field('opaque'), field('qop')];
    const cnonce = hex(4);
    const ha1 = md5(`${this.username}:${realm}:${this.password}`);
    const ha2 = md5(`REGISTER:${uri}`);
    const response = qop ? md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
    const parts = [`username="${this.username}"`, `realm="${realm}"`, `nonce="${nonce}"`, `uri="${uri}"`, `response="${response}"`, 'algorithm=MD5', ...(qop ? ['qop=auth', 'nc=00000001', `cnonce="${cnonce}"`] : []), ...(opaque ? [`opaque="${opaque}"`] : [])];
    return `Digest ${parts.join(', ')}`;
  }
}

/** A carrier's SIP trunk: sends SMS as MESSAGEs to a DID from its own address. */
export class CarrierTrunk extends UdpPeer {
  static async open(pbxPort: number): Promise<CarrierTrunk> {
    return new CarrierTrunk(await bind(), pbxPort);
  }

  /** One MESSAGE from `from` to the DID `to`; its final answer. */
  sms(from: string, to: string, text: string): Promise<SipTextMessage> {
    const uri = `sip:${to}@${HOST}:${String(this.pbxPort)}`;
    return this.send(SipText.request('MESSAGE', uri, [this.via(), ['Max-Forwards', '70'], ['From', `<sip:${from}@${HOST}>;tag=${hex(4)}`], ['To', `<${uri}>`], ['Call-ID', hex(8)], ['CSeq', '1 MESSAGE'], ['Content-Type', 'text/plain;charset=UTF-8']], text));
  }
}
