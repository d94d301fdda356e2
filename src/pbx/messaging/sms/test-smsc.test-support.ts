// A small SMPP 3.4 SMSC for tests and the SMS benchmark, written on node:net with its own PDU coding (independent of
// the `smpp` library the product uses): binds transceivers, answers submit_sm with message ids in hex (or decimal),
// can answer ESME_RTHROTTLED to the first N submits, records each part (data_coding, UDH, SAR TLVs, body), sends a
// delivery receipt per part naming the id in the other base, sends inbound deliver_sm, and can drop its connections.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { GSM_BASIC } from './sms-text.ts';

export interface SmscOptions {
  readonly systemId?: string;
  readonly password?: string;
  /** How submit_sm_resp writes ids (default hex, upper case, zero-padded to 8). */
  readonly idFormat?: 'hex' | 'decimal';
  /** How receipts write them (default: the other base). 'none' sends no receipts. */
  readonly receiptIdFormat?: 'hex' | 'decimal' | 'none';
  /** Also carry the id in the receipted_message_id TLV (in receiptIdFormat) and message_state. */
  readonly receiptTlv?: boolean;
  /** The receipt's stat for a destination (default DELIVRD). */
  readonly stat?: (destination: string) => string;
  /** Answer ESME_RTHROTTLED to this many submit_sm first. */
  throttleFirst?: number;
}

export interface SubmittedPart {
  readonly systemId: string;
  readonly sourceTon: number;
  readonly sourceNpi: number;
  readonly source: string;
  readonly destTon: number;
  readonly destNpi: number;
  readonly dest: string;
  readonly esmClass: number;
  readonly registeredDelivery: number;
  readonly dataCoding: number;
  /** The UDH octets when esm_class has UDHI, else empty. */
  readonly udh: Buffer;
  readonly body: Buffer;
  /** The body decoded (GSM 7-bit unpacked or UCS-2 BE). */
  readonly text: string;
  readonly sar?: { readonly ref: number; readonly total: number; readonly seq: number };
  readonly messageId: string;
}

const BIND_TRANSCEIVER = 0x09;
const SUBMIT_SM = 0x04;
const DELIVER_SM = 0x05;
const UNBIND = 0x06;
const ENQUIRE_LINK = 0x15;
const RESP = 0x80000000;
const cstring = (s: string) => Buffer.concat([Buffer.from(s, 'latin1'), Buffer.from([0])]);

function pdu(commandId: number, status: number, sequence: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(16 + body.length, 0);
  head.writeUInt32BE(commandId >>> 0, 4);
  head.writeUInt32BE(status, 8);
  head.writeUInt32BE(sequence, 12);
  return Buffer.concat([head, body]);
}

/** Reads the fields of a body in order. */
class Reader {
  private at = 0;
  constructor(private readonly buffer: Buffer) {}
  cstring(): string {
    const end = this.buffer.indexOf(0, this.at);
    const value = this.buffer.toString('latin1', this.at, end < 0 ? this.buffer.length : end);
    this.at = end < 0 ? this.buffer.length : end + 1;
    return value;
  }
  u8(): number {
    return this.buffer[this.at++] ?? 0;
  }
  bytes(n: number): Buffer {
    const value = this.buffer.subarray(this.at, this.at + n);
    this.at += n;
    return value;
  }
  tlvs(): Map<number, Buffer> {
    const found = new Map<number, Buffer>();
    while (this.at + 4 <= this.buffer.length) {
      const tag = this.buffer.readUInt16BE(this.at);
      const len = this.buffer.readUInt16BE(this.at + 2);
      found.set(tag, this.buffer.subarray(this.at + 4, this.at + 4 + len));
      this.at += 4 + len;
    }
    return found;
  }
}

export function decodeBody(body: Buffer, dataCoding: number): string {
  if (dataCoding === 8) return Buffer.from(body).swap16().toString('utf16le');
  const ext: Record<number, string> = { 0x14: '^', 0x28: '{', 0x29: '}', 0x2f: '\\', 0x3c: '[', 0x3d: '~', 0x3e: ']', 0x40: '|', 0x65: '€', 0x0a: '\f' };
  const basic = [...GSM_BASIC];
  let out = '';
  for (let i = 0; i < body.length; i++) out += body[i] === 0x1b ? (ext[body[++i] ?? 0] ?? '?') : (basic[body[i] ?? 0] ?? '?');
  return out;
}

function deliverSmBody(source: string, dest: string, esmClass: number, dataCoding: number, message: Buffer, tlvs: Array<[number, Buffer]> = []): Buffer {
  const fixed = Buffer.concat([cstring(''), Buffer.from([1, 1]), cstring(source), Buffer.from([1, 1]), cstring(dest), Buffer.from([esmClass, 0, 0]), cstring(''), cstring(''), Buffer.from([0, 0, dataCoding, 0, message.length]), message]);
  const extra = tlvs.map(([tag, value]) => {
    const head = Buffer.alloc(4);
    head.writeUInt16BE(tag, 0);
    head.writeUInt16BE(value.length, 2);
    return Buffer.concat([head, value]);
  });
  return Buffer.concat([fixed, ...extra]);
}

export class TestSmsc {
  readonly parts: SubmittedPart[] = [];
  readonly receiptsAnswered: number[] = [];
  binds = 0;
  enquireLinks = 0;
  private readonly bound = new Set<Socket>();
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private nextId = 0x0a1b00;
  private sequence = 1;
  private readonly waiting = new Map<number, (status: number) => void>();

  constructor(readonly options: SmscOptions = {}) {
    this.server = createServer((socket) => this.accept(socket));
  }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** Cuts every connection at once, as a crashed SMSC or a broken link would. */
  drop(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise((resolve) => this.server.close(resolve));
  }

  get boundSessions(): number {
    return this.bound.size;
  }

  /** Sends an inbound SMS part on a bound session; resolves with the deliver_sm_resp status. */
  deliver(source: string, dest: string, message: Buffer, options: { esmClass?: number; dataCoding?: number; tlvs?: Array<[number, Buffer]> } = {}): Promise<number> {
    const socket = [...this.bound].at(-1); // the session bound last
    if (socket === undefined) return Promise.reject(new Error('no bound session'));
    const sequence = this.sequence++;
    socket.write(pdu(DELIVER_SM, 0, sequence, deliverSmBody(source, dest, options.esmClass ?? 0, options.dataCoding ?? 0, message, options.tlvs)));
    return new Promise((resolve) => this.waiting.set(sequence, resolve));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    let buffered = Buffer.alloc(0);
    let systemId = '';
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.bound.delete(socket);
    });
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 16 && buffered.length >= buffered.readUInt32BE(0)) {
        const length = buffered.readUInt32BE(0);
        const [id, status, sequence] = [buffered.readUInt32BE(4), buffered.readUInt32BE(8), buffered.readUInt32BE(12)];
        const reader = new Reader(buffered.subarray(16, length));
        buffered = buffered.subarray(length);
        if (id === BIND_TRANSCEIVER) {
          systemId = reader.cstring();
          const password = reader.cstring();
          const refused = this.options.systemId !== undefined && systemId !== this.options.systemId ? 0x0f : this.options.password !== undefined && password !== this.options.password ? 0x0e : 0;
          socket.write(pdu(BIND_TRANSCEIVER | RESP, refused, sequence, cstring('TestSMSC')));
          if (refused === 0) {
            this.binds += 1;
            this.bound.add(socket);
          }
        } else if (id === ENQUIRE_LINK) {
          this.enquireLinks += 1;
          socket.write(pdu(ENQUIRE_LINK | RESP, 0, sequence));
        } else if (id === UNBIND) {
          socket.write(pdu(UNBIND | RESP, 0, sequence));
          socket.end();
        } else if (id === SUBMIT_SM) this.submit(socket, systemId, sequence, reader);
        else if (id === (DELIVER_SM | RESP) >>> 0) {
          this.receiptsAnswered.push(status);
          this.waiting.get(sequence)?.(status);
          this.waiting.delete(sequence);
        } else if ((id & RESP) === 0) socket.write(pdu(RESP, 0x03, sequence)); // generic_nack: ESME_RINVCMDID
      }
    });
  }

  private submit(socket: Socket, systemId: string, sequence: number, reader: Reader): void {
    if (!this.bound.has(socket)) return void socket.write(pdu(SUBMIT_SM | RESP, 0x04, sequence)); // ESME_RINVBNDSTS
    if ((this.options.throttleFirst ?? 0) > 0) {
      this.options.throttleFirst = (this.options.throttleFirst ?? 0) - 1;
      return void socket.write(pdu(SUBMIT_SM | RESP, 0x58, sequence));
    }
    reader.cstring(); // service_type
    const [sourceTon, sourceNpi, source] = [reader.u8(), reader.u8(), reader.cstring()];
    const [destTon, destNpi, dest] = [reader.u8(), reader.u8(), reader.cstring()];
    const esmClass = reader.u8();
    reader.u8(); // protocol_id
    reader.u8(); // priority_flag
    reader.cstring(); // schedule_delivery_time
    reader.cstring(); // validity_period
    const registeredDelivery = reader.u8();
    reader.u8(); // replace_if_present_flag
    const dataCoding = reader.u8();
    reader.u8(); // sm_default_msg_id
    const message = reader.bytes(reader.u8());
    const tlvs = reader.tlvs();
    const udh = esmClass & 0x40 ? message.subarray(0, 1 + (message[0] ?? 0)) : Buffer.alloc(0);
    const body = message.subarray(udh.length);
    const [ref, total, seq] = [tlvs.get(0x020c), tlvs.get(0x020e), tlvs.get(0x020f)];
    const sar = ref && total && seq ? { ref: ref.readUInt16BE(0), total: total[0] ?? 0, seq: seq[0] ?? 0 } : undefined;
    const n = this.nextId++;
    const hex = n.toString(16).toUpperCase().padStart(8, '0');
    const messageId = this.options.idFormat === 'decimal' ? String(n) : hex;
    this.parts.push({ systemId, sourceTon, sourceNpi, source, destTon, destNpi, dest, esmClass, registeredDelivery, dataCoding, udh, body, text: decodeBody(body, dataCoding), ...(sar === undefined ? {} : { sar }), messageId });
    socket.write(pdu(SUBMIT_SM | RESP, 0, sequence, cstring(messageId)));
    const receiptFormat = this.options.receiptIdFormat ?? (this.options.idFormat === 'decimal' ? 'hex' : 'decimal');
    if (receiptFormat === 'none' || (registeredDelivery & 0x03) === 0) return;
    const receiptId = receiptFormat === 'decimal' ? String(n) : n.toString(16);
    const stat = this.options.stat?.(dest) ?? 'DELIVRD';
    const text = `id:${receiptId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:2612051200 done date:2612051201 stat:${stat} err:${stat === 'DELIVRD' ? '000' : '001'} text:`;
    const states: Record<string, number> = { DELIVRD: 2, EXPIRED: 3, UNDELIV: 5, REJECTD: 8 };
    const tlvList: Array<[number, Buffer]> = this.options.receiptTlv ? [[0x001e, cstring(receiptId)], [0x0427, Buffer.from([states[stat] ?? 7])]] : [];
    socket.write(pdu(DELIVER_SM, 0, this.sequence++, deliverSmBody(dest, source, 0x04, 0, Buffer.from(text, 'latin1'), tlvList)));
  }
}
