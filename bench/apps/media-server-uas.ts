// The SIP side of the rtpengine "PBX answers the call" peer: a minimal UDP UAS (RFC 3261 §17.2.1 INVITE server
// transaction, no forking, no auth) that answers each caller itself and has rtpengine play a prompt to it, as a PBX
// built on rtpengine would (the role Kamailio or a SIP app server plays in front of rtpengine in production):
//   INVITE -> 100, ng `offer` (caller's SDP, from-tag = caller's tag) and ng `answer` (the PBX endpoint's SDP, whose
//   media address is a discard socket here: the endpoint only plays and listens) -> 200 with rtpengine's SDP;
//   ACK -> ng `play media` (file, repeat-times) to the caller's tag; BYE -> 200 and ng `delete`.
// Early mode (a ring group's music as early media): 183 with rtpengine's SDP instead of the 200 and `play media` at
// once; the caller's CANCEL -> 200, 487 for the INVITE (resent until its ACK) and ng `delete`.
// DTMF the caller presses reaches rtpengine, which reports it to --dtmf-log-dest (a UDP socket here), so the bench
// counts the calls whose key the "PBX" heard.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import type { NgClient, NgDictionary } from '../../src/media/rtpengine/index.ts';
import { parseRequest as parse, responseTo, tagOf, type SipRequest as Request } from './sip-request.ts';
import { DTMF_EVENT } from './timing-sink.ts';

interface Dialog {
  readonly fromTag: string;
  readonly toTag: string;
  /** The last response sent, resent on a retransmitted INVITE and until the ACK comes (RFC 3261 §17.2.1). */
  last?: Buffer;
  timer?: NodeJS.Timeout;
  acked: boolean;
  ended: boolean;
  /** Early mode: the INVITE, answered 487 when the caller cancels. */
  invite?: Request;
  cancelled?: boolean;
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
    /** Early mode: 183 and play at once, never 200 (see the header). */
    private readonly early: boolean,
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
  static async start(options: { sipPort: number; promptFile: string; repeatTimes: number; early?: boolean }): Promise<MediaServerUas> {
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
    return new MediaServerUas(sip, discard, dtmfLog, { file: options.promptFile, repeatTimes: options.repeatTimes }, options.early ?? false);
  }

  useRtpengine(ng: NgClient): void {
    this.ngClient = ng;
  }

  /** One ng request; the product's client answers refusals and timeouts as values, which the UAS counts as problems. */
  private async ng(command: string, params: NgDictionary): Promise<NgDictionary> {
    if (!this.ngClient) throw new Error('no rtpengine attached to the UAS');
    const answer = await this.ngClient.request(command, params);
    if (!answer.ok) throw new Error(answer.error.message);
    return answer.value;
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
          if (dialog.cancelled) this.forget(callId, dialog);
          else this.play(callId, dialog).catch(this.failed);
        }
        return;
      case 'CANCEL':
        this.respond(request, from, dialog ? '200 OK' : '481 Call/Transaction Does Not Exist');
        if (dialog?.invite && !dialog.cancelled && !dialog.acked) this.cancel(callId, dialog, dialog.invite, from).catch(this.failed);
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
      const offered = await this.ng('offer', { 'call-id': callId, 'from-tag': fromTag, sdp: request.body, replace });
      // The PBX endpoint's own SDP: it takes what rtpengine offers (PCMU, telephone-event if the caller had it).
      const events = /telephone-event/i.test(replySdp(offered));
      const endpoint = [
        'v=0', `o=bench-pbx ${Date.now()} 1 IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
        `m=audio ${this.discard.address().port} RTP/AVP 0${events ? ' 101' : ''}`, 'a=rtpmap:0 PCMU/8000',
        ...(events ? ['a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16'] : []), 'a=ptime:20', 'a=sendrecv', '',
      ].join('\r\n');
      const answered = await this.ng('answer', { 'call-id': callId, 'from-tag': fromTag, 'to-tag': dialog.toTag, sdp: endpoint, replace });
      if (dialog.ended) return;
      this.counters.answered++;
      if (this.early) {
        // Resent on each INVITE retransmission (onMessage) until the CANCEL: no reliable provisionals here.
        dialog.invite = request;
        dialog.last = this.respond(request, from, '183 Session Progress', replySdp(answered), dialog.toTag);
        await this.play(callId, dialog);
        return;
      }
      dialog.last = this.respond(request, from, '200 OK', replySdp(answered), dialog.toTag);
      this.resendUntilAck(dialog, from, '200');
    } catch (error) {
      this.problem((error as Error).message);
      dialog.last = this.respond(request, from, '500 Server Internal Error', undefined, dialog.toTag);
      this.dialogs.delete(callId);
      void this.ngClient?.request('delete', { 'call-id': callId });
    }
  }

  /** Resends the last final response at T1, 2*T1, ... capped at T2, until the ACK (§13.3.1.4, §17.2.1); gives up after 64*T1. */
  private resendUntilAck(dialog: Dialog, to: RemoteInfo, what: string): void {
    let interval = 500;
    let spent = 0;
    const resend = () => {
      if (dialog.acked || !dialog.last) return;
      if (spent >= 32_000) {
        this.problem(`no ACK for the ${what}`);
        return;
      }
      this.sip.send(dialog.last, to.port, to.address);
      spent += interval;
      interval = Math.min(interval * 2, 4000);
      dialog.timer = setTimeout(resend, interval);
    };
    dialog.timer = setTimeout(resend, interval);
  }

  /** Early mode: the caller gave up; its INVITE gets 487 (resent until the ACK) and rtpengine forgets the call. */
  private async cancel(callId: string, dialog: Dialog, invite: Request, from: RemoteInfo): Promise<void> {
    dialog.cancelled = true;
    dialog.ended = true;
    dialog.last = this.respond(invite, from, '487 Request Terminated', undefined, dialog.toTag);
    this.resendUntilAck(dialog, from, '487');
    try {
      await this.ng('delete', { 'call-id': callId });
      this.counters.deleted++;
    } catch (error) {
      this.problem((error as Error).message);
    }
  }

  private async play(callId: string, dialog: Dialog): Promise<void> {
    try {
      // from-tag selects the participant the media is played to: the caller (rtpengine 10.5 media_player_play_init
      // sends on that monologue's own stream).
      await this.ng('play media', { 'call-id': callId, 'from-tag': dialog.fromTag, file: this.prompt.file, 'repeat-times': this.prompt.repeatTimes });
      if (!dialog.ended) this.counters.playing++;
    } catch (error) {
      this.problem((error as Error).message);
    }
  }

  private async end(callId: string, dialog: Dialog): Promise<void> {
    dialog.ended = true;
    clearTimeout(dialog.timer);
    this.forget(callId, dialog);
    try {
      await this.ng('delete', { 'call-id': callId });
      this.counters.deleted++;
    } catch (error) {
      this.problem((error as Error).message);
    }
  }

  /** Forgotten after 64*T1, when no retransmission of the BYE (or the INVITE) can come any more. */
  private forget(callId: string, dialog: Dialog): void {
    dialog.timer = setTimeout(() => this.dialogs.delete(callId), 32_000);
    dialog.timer.unref();
  }

  /** Sends a response built from the request (Via, From, To (+ tag), Call-ID, CSeq); returns it for resending. */
  private respond(request: Request, to: RemoteInfo, status: string, sdp?: string, toTag?: string): Buffer {
    const contact = status.startsWith('200') && request.method === 'INVITE' ? `<sip:pbx@127.0.0.1:${this.port}>` : undefined;
    const packet = responseTo(request, status, { ...(sdp ? { sdp } : {}), ...(toTag ? { toTag } : {}), ...(contact ? { contact } : {}) });
    this.sip.send(packet, to.port, to.address);
    return packet;
  }
}

/** The SDP an `offer` or `answer` reply carries. */
function replySdp(reply: NgDictionary): string {
  const sdp = reply.sdp;
  if (typeof sdp !== 'string') throw new Error('rtpengine replied without an SDP');
  return sdp;
}
