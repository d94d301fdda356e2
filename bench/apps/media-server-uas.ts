// The SIP side of the rtpengine "PBX answers the call" peer: a minimal UDP UAS (RFC 3261 §17.2.1 INVITE server
// transaction, no forking, no auth) that answers each caller itself and has rtpengine play a prompt to it, as a PBX
// built on rtpengine would (the role Kamailio or a SIP app server plays in front of rtpengine in production):
//   INVITE -> 100, ng `offer` (caller's SDP, from-tag = caller's tag) and ng `answer` (the PBX endpoint's SDP, whose
//   media address is a discard socket here: the endpoint only plays and listens) -> 200 with rtpengine's SDP;
//   ACK -> ng `play media` (file, repeat-times) to the caller's tag; BYE -> 200 and ng `delete`.
// DTMF the caller presses reaches rtpengine, which reports it to --dtmf-log-dest (a UDP socket here), so the bench
// counts the calls whose key the "PBX" heard.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import type { NgClient } from './ng-client.ts';
import { replySdp } from './ng-client.ts';
import { DTMF_EVENT } from './timing-sink.ts';

interface Request {
  readonly method: string;
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly body: string;
}

interface Dialog {
  readonly fromTag: string;
  readonly toTag: string;
  /** The last response sent, resent on a retransmitted INVITE and until the ACK comes (RFC 3261 §17.2.1). */
  last?: Buffer;
  timer?: NodeJS.Timeout;
  acked: boolean;
  ended: boolean;
}

export interface UasCounters {
  answered: number;
  playing: number;
  deleted: number;
  /** Calls whose DTMF key rtpengine reported. */
  dtmfHeard: number;
  /** Packets the PBX endpoint's discard socket got (what the caller sent, forwarded by rtpengine). */
  discarded: number;
  /** What went wrong, counted by message. */
  readonly problems: Map<string, number>;
}

// A compact-form header name and its full form (RFC 3261 §7.3.3); SIPp writes full names, but be lenient.
const COMPACT: Readonly<Record<string, string>> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type' };

function parse(data: Buffer): Request | undefined {
  const text = data.toString('utf8');
  const split = text.search(/\r?\n\r?\n/);
  const head = split >= 0 ? text.slice(0, split) : text;
  const body = split >= 0 ? text.slice(split).replace(/^\r?\n\r?\n/, '') : '';
  const [first, ...lines] = head.split(/\r?\n/);
  const method = /^([A-Z]+) \S+ SIP\/2\.0$/.exec(first ?? '')?.[1];
  if (!method) return undefined; // a response, or not SIP
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { method, headers, body };
}

const tagOf = (header: string | undefined) => /;\s*tag=([^;\s]+)/i.exec(header ?? '')?.[1];

export class MediaServerUas {
  readonly counters: UasCounters = { answered: 0, playing: 0, deleted: 0, dtmfHeard: 0, discarded: 0, problems: new Map() };
  private readonly dialogs = new Map<string, Dialog>();
  private readonly heard = new Set<string>();

  /** Set by useRtpengine(): the UAS is started first, since rtpengine is told where the UAS hears DTMF. */
  private ngClient: NgClient | undefined;

  private constructor(
    private readonly sip: Socket,
    private readonly discard: Socket,
    private readonly dtmfLog: Socket,
    private readonly prompt: { readonly file: string; readonly repeatTimes: number },
  ) {
    sip.on('message', (data, from) => {
      try {
        this.onMessage(data, from);
      } catch (error) {
        this.problem(`SIP handling: ${(error as Error).message}`);
      }
    });
    discard.on('message', () => this.counters.discarded++);
    dtmfLog.on('message', (data) => this.onDtmfLog(data));
  }

  /** Binds the SIP socket (given port), the discard socket and the DTMF log socket, all on 127.0.0.1. */
  static async start(options: { sipPort: number; promptFile: string; repeatTimes: number }): Promise<MediaServerUas> {
    const bind = (port: number) =>
      new Promise<Socket>((resolve, reject) => {
        const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
        socket.once('error', reject);
        socket.bind(port, '127.0.0.1', () => {
          socket.removeListener('error', reject);
          socket.on('error', () => {
            // an ICMP error for an earlier send: nothing to do
          });
          resolve(socket);
        });
      });
    const [sip, discard, dtmfLog] = await Promise.all([bind(options.sipPort), bind(0), bind(0)]);
    return new MediaServerUas(sip, discard, dtmfLog, { file: options.promptFile, repeatTimes: options.repeatTimes });
  }

  useRtpengine(ng: NgClient): void {
    this.ngClient = ng;
  }

  private get ng(): NgClient {
    if (!this.ngClient) throw new Error('no rtpengine attached to the UAS');
    return this.ngClient;
  }

  get port(): number {
    return this.sip.address().port;
  }

  /** Where rtpengine's --dtmf-log-dest must point. */
  get dtmfLogPort(): number {
    return this.dtmfLog.address().port;
  }

  /** Clears the counters between steps; dialogs of a previous step are long gone (BYE'd) by then. */
  resetCounters(): void {
    Object.assign(this.counters, { answered: 0, playing: 0, deleted: 0, dtmfHeard: 0, discarded: 0 });
    this.counters.problems.clear();
    this.heard.clear();
  }

  close(): void {
    for (const dialog of this.dialogs.values()) clearTimeout(dialog.timer);
    this.dialogs.clear();
    for (const socket of [this.sip, this.discard, this.dtmfLog]) socket.close();
  }

  private readonly failed = (error: unknown) => this.problem(`SIP handling: ${(error as Error).message}`);

  private problem(text: string): void {
    this.counters.problems.set(text, (this.counters.problems.get(text) ?? 0) + 1);
  }

  private onDtmfLog(data: Buffer): void {
    try {
      const event = JSON.parse(data.toString('utf8')) as { callid?: unknown; event?: unknown };
      if (typeof event.callid !== 'string' || event.event !== DTMF_EVENT || this.heard.has(event.callid)) return;
      this.heard.add(event.callid);
      this.counters.dtmfHeard++;
    } catch {
      this.problem('unreadable DTMF log line');
    }
  }

  private onMessage(data: Buffer, from: RemoteInfo): void {
    const request = parse(data);
    if (!request) return;
    const callId = request.headers.get('call-id')?.[0];
    if (!callId) return;
    const dialog = this.dialogs.get(callId);
    switch (request.method) {
      case 'INVITE':
        if (dialog) {
          if (dialog.last && !dialog.acked) this.sip.send(dialog.last, from.port, from.address);
          return;
        }
        this.onInvite(callId, request, from).catch(this.failed);
        return;
      case 'ACK':
        if (dialog && !dialog.acked) {
          dialog.acked = true;
          clearTimeout(dialog.timer);
          this.play(callId, dialog).catch(this.failed);
        }
        return;
      case 'BYE':
        // A resent BYE (our 200 was slow) finds the ended dialog, kept a while for that, and gets its 200 again.
        this.respond(request, from, dialog ? '200 OK' : '481 Call/Transaction Does Not Exist');
        if (dialog && !dialog.ended) this.end(callId, dialog).catch(this.failed);
        return;
      case 'OPTIONS':
        this.respond(request, from, '200 OK');
        return;
      default:
        this.respond(request, from, '405 Method Not Allowed');
    }
  }

  private async onInvite(callId: string, request: Request, from: RemoteInfo): Promise<void> {
    const fromTag = tagOf(request.headers.get('from')?.[0]);
    if (!fromTag || !request.body.includes('m=audio')) {
      this.respond(request, from, '400 Bad Request');
      return;
    }
    const dialog: Dialog = { fromTag, toTag: randomBytes(6).toString('hex'), acked: false, ended: false };
    this.dialogs.set(callId, dialog);
    dialog.last = this.respond(request, from, '100 Trying');
    try {
      const replace = ['origin', 'session-connection'];
      const offered = await this.ng.request('offer', { 'call-id': callId, 'from-tag': fromTag, sdp: request.body, replace });
      // The PBX endpoint's own SDP: it takes what rtpengine offers (PCMU, telephone-event if the caller had it).
      const events = /telephone-event/i.test(replySdp(offered));
      const endpoint = [
        'v=0', `o=bench-pbx ${Date.now()} 1 IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
        `m=audio ${this.discard.address().port} RTP/AVP 0${events ? ' 101' : ''}`, 'a=rtpmap:0 PCMU/8000',
        ...(events ? ['a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16'] : []), 'a=ptime:20', 'a=sendrecv', '',
      ].join('\r\n');
      const answered = await this.ng.request('answer', { 'call-id': callId, 'from-tag': fromTag, 'to-tag': dialog.toTag, sdp: endpoint, replace });
      if (dialog.ended) return;
      this.counters.answered++;
      dialog.last = this.respond(request, from, '200 OK', replySdp(answered), dialog.toTag);
      // Resend the 200 at T1, 2*T1, ... capped at T2, until the ACK (§13.3.1.4); give up after 64*T1.
      let interval = 500;
      let spent = 0;
      const resend = () => {
        if (dialog.acked || dialog.ended || !dialog.last) return;
        if (spent >= 32_000) {
          this.problem('no ACK for the 200');
          return;
        }
        this.sip.send(dialog.last, from.port, from.address);
        spent += interval;
        interval = Math.min(interval * 2, 4000);
        dialog.timer = setTimeout(resend, interval);
      };
      dialog.timer = setTimeout(resend, interval);
    } catch (error) {
      this.problem((error as Error).message);
      dialog.last = this.respond(request, from, '500 Server Internal Error', undefined, dialog.toTag);
      this.dialogs.delete(callId);
      void this.ngClient?.request('delete', { 'call-id': callId }).catch(() => undefined);
    }
  }

  private async play(callId: string, dialog: Dialog): Promise<void> {
    try {
      // from-tag selects the participant the media is played to: the caller (rtpengine 10.5 media_player_play_init
      // sends on that monologue's own stream).
      await this.ng.request('play media', { 'call-id': callId, 'from-tag': dialog.fromTag, file: this.prompt.file, 'repeat-times': this.prompt.repeatTimes });
      if (!dialog.ended) this.counters.playing++;
    } catch (error) {
      this.problem((error as Error).message);
    }
  }

  private async end(callId: string, dialog: Dialog): Promise<void> {
    dialog.ended = true;
    clearTimeout(dialog.timer);
    // Forgotten after 64*T1, when no retransmission of the BYE can come any more.
    dialog.timer = setTimeout(() => this.dialogs.delete(callId), 32_000);
    dialog.timer.unref();
    try {
      await this.ng.request('delete', { 'call-id': callId });
      this.counters.deleted++;
    } catch (error) {
      this.problem((error as Error).message);
    }
  }

  /** Sends a response built from the request (Via, From, To (+ tag), Call-ID, CSeq); returns it for resending. */
  private respond(request: Request, to: RemoteInfo, status: string, sdp?: string, toTag?: string): Buffer {
    const header = (name: string) => request.headers.get(name) ?? [];
    const toHeader = header('to')[0] ?? '';
    const lines = [
      `SIP/2.0 ${status}`,
      ...header('via').map((via) => `Via: ${via}`),
      `From: ${header('from')[0] ?? ''}`,
      `To: ${toTag && !tagOf(toHeader) && !status.startsWith('100') ? `${toHeader};tag=${toTag}` : toHeader}`,
      `Call-ID: ${header('call-id')[0] ?? ''}`,
      `CSeq: ${header('cseq')[0] ?? ''}`,
      ...header('record-route').map((route) => `Record-Route: ${route}`),
      ...(status.startsWith('200') && request.method === 'INVITE' ? [`Contact: <sip:pbx@127.0.0.1:${this.port}>`] : []),
      'Server: callgrid-bench-rtpengine-pbx',
      ...(sdp ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(sdp ?? '')}`,
      '',
      sdp ?? '',
    ];
    const packet = Buffer.from(lines.join('\r\n'), 'utf8');
    this.sip.send(packet, to.port, to.address);
    return packet;
  }
}
