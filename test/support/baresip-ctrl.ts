// The client side of baresip's ctrl_tcp module: netstring-framed JSON commands out, responses and events in.
import { connect, type Socket } from 'node:net';

/**
 * Event types baresip 1.0.0 reports over ctrl_tcp (any other string may still arrive). Seen in experiments:
 * - CALL_INCOMING only with answermode manual/early; an auto-answering phone goes straight to CALL_ESTABLISHED.
 * - A blind transfer is TRANSFER (param: the Refer-To URI, at the transferee, which then dials it by itself) and
 *   TRANSFER_FAILED (param: the final status, e.g. "404 Not Found", at the transferor); not CALL_TRANSFER.
 * - Hold and resume report nothing on either side (only the re-INVITE with a=sendonly/sendrecv in the SIP trace).
 * - CALL_LOCAL_SDP / CALL_REMOTE_SDP / CALL_RTPESTAB come with class "other" (the first local SDP without a call id).
 */
export type KnownEventType =
  | 'REGISTERING' | 'REGISTER_OK' | 'REGISTER_FAIL' | 'UNREGISTERING' | 'UNREGISTER_OK' | 'UNREGISTER_FAIL'
  | 'CALL_INCOMING' | 'CALL_RINGING' | 'CALL_PROGRESS' | 'CALL_ESTABLISHED' | 'CALL_CLOSED' | 'TRANSFER'
  | 'TRANSFER_FAILED' | 'CALL_DTMF_START' | 'CALL_DTMF_END' | 'CALL_RTCP' | 'CALL_RTPESTAB' | 'CALL_LOCAL_SDP'
  | 'CALL_REMOTE_SDP' | 'CALL_MENC' | 'MWI_NOTIFY' | 'AUDIO_ERROR' | 'SHUTDOWN' | 'EXIT';
// `string & {}` keeps editor completion for the known names while accepting any other.
export type EventType = KnownEventType | (string & {});

export interface BaresipEvent {
  readonly type: EventType;
  /** "register", "call", "application", ... */
  readonly class: string | undefined;
  readonly accountaor: string | undefined;
  /** The reason on REGISTER_FAIL / CALL_CLOSED ("403 Forbidden"), the digit on DTMF, ... */
  readonly param: string | undefined;
  readonly peeruri: string | undefined;
  /** The call's SIP Call-ID (the same on both phones of a direct call); what `callfind` takes. */
  readonly callId: string | undefined;
  readonly direction: 'incoming' | 'outgoing' | undefined;
  /** Milliseconds since the phone was started. */
  readonly atMs: number;
  /** The whole JSON object, for fields this type does not name (direction, id, ...). */
  readonly raw: Readonly<Record<string, unknown>>;
}

export function encodeNetstring(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]);
}

/** Splits a byte stream into netstring payloads; lengths count bytes, so it works on Buffers, not strings. */
export class NetstringDecoder {
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): string[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const out: string[] = [];
    for (;;) {
      const colon = this.pending.indexOf(0x3a);
      if (colon < 0) {
        if (this.pending.length > 10) throw new Error(`netstring: no length prefix in ${JSON.stringify(this.pending.subarray(0, 40).toString())}`);
        return out;
      }
      const lengthText = this.pending.subarray(0, colon).toString();
      if (!/^\d+$/.test(lengthText)) throw new Error(`netstring: bad length ${JSON.stringify(lengthText)}`);
      const length = Number(lengthText);
      const end = colon + 1 + length;
      if (this.pending.length < end + 1) return out;
      if (this.pending[end] !== 0x2c) throw new Error('netstring: missing trailing comma');
      out.push(this.pending.subarray(colon + 1, end).toString('utf8'));
      this.pending = this.pending.subarray(end + 1);
    }
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export interface CtrlListeners {
  onEvent(event: BaresipEvent): void;
  /** Every frame in and out, for the phone's log. */
  onTraffic(line: string): void;
  onClose(reason: string): void;
}

interface Pending {
  readonly resolve: (data: string) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class BaresipCtrl {
  private readonly decoder = new NetstringDecoder();
  private readonly pending = new Map<string, Pending>();
  private nextToken = 1;
  private closedReason: string | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly startedAt: number,
    private readonly listeners: CtrlListeners,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.close(`ctrl_tcp socket error: ${error.message}`));
    socket.on('close', () => this.close('ctrl_tcp connection closed'));
  }

  /** Connects once; the caller retries while baresip is still starting. */
  static open(host: string, port: number, startedAt: number, listeners: CtrlListeners, timeoutMs: number): Promise<BaresipCtrl> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new BaresipCtrl(socket, startedAt, listeners));
      });
    });
  }

  /** Sends a command (its long name, without the slash of the console menu); resolves with the response's data text. */
  command(name: string, params: string, timeoutMs: number): Promise<string> {
    if (this.closedReason !== undefined) return Promise.reject(new Error(`command ${name}: ${this.closedReason}`));
    const token = String(this.nextToken++);
    const frame = JSON.stringify({ command: name, params, token });
    this.listeners.onTraffic(`ctrl> ${frame}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new Error(`command ${name} ${JSON.stringify(params)}: no response within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(token, { resolve, reject, timer });
      this.socket.write(encodeNetstring(frame));
    });
  }

  close(reason = 'ctrl_tcp connection closed by the test'): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    this.socket.destroy();
    for (const [token, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error(reason));
      this.pending.delete(token);
    }
    this.listeners.onClose(reason);
  }

  private receive(chunk: Buffer): void {
    let frames: string[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      this.close(String(error));
      return;
    }
    for (const frame of frames) {
      this.listeners.onTraffic(`ctrl< ${frame}`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(frame);
      } catch {
        continue; // logged above; a frame we cannot read is not worth killing the phone over
      }
      if (typeof parsed !== 'object' || parsed === null) continue;
      const message = parsed as Record<string, unknown>;
      if (message['event'] === true) this.listeners.onEvent(this.toEvent(message));
      else if (message['response'] === true) this.settle(message);
    }
  }

  private toEvent(message: Record<string, unknown>): BaresipEvent {
    return {
      type: text(message['type']) ?? '',
      class: text(message['class']),
      accountaor: text(message['accountaor']),
      param: text(message['param']),
      peeruri: text(message['peeruri']),
      callId: text(message['id']),
      direction: message['direction'] === 'incoming' || message['direction'] === 'outgoing' ? message['direction'] : undefined,
      atMs: Date.now() - this.startedAt,
      raw: message,
    };
  }

  private settle(message: Record<string, unknown>): void {
    const token = text(message['token']);
    const pending = token === undefined ? undefined : this.pending.get(token);
    if (token === undefined || pending === undefined) return;
    this.pending.delete(token);
    clearTimeout(pending.timer);
    const data = text(message['data']) ?? '';
    if (message['ok'] === true) pending.resolve(data);
    else pending.reject(new Error(`baresip refused the command: ${data.trim() || '(no reason given)'}`));
  }
}
