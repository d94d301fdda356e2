// RFC 3261 §18.3 framing on byte streams (TCP, TLS): Content-Length delimits each
// message; CRLF keep-alives between messages follow RFC 5626 §3.5.1. Never throws.
import { err, ok, type Result } from '../../shared/index.ts';

export interface StreamFramerLimits {
  /** Header section plus body. */
  readonly maxMessageBytes: number;
  /** Start line and headers, including the blank line that ends them. */
  readonly maxHeaderBytes: number;
}

export const DEFAULT_STREAM_LIMITS: StreamFramerLimits = { maxMessageBytes: 65_536, maxHeaderBytes: 16_384 };

export type FramerOutput =
  | { readonly kind: 'message'; readonly data: Buffer }
  /** A double CRLF: the peer asks for a single CRLF back (RFC 5626 §3.5.1). */
  | { readonly kind: 'ping' }
  /** A single CRLF before a message: a pong, or a stray CRLF that §7.5 says to ignore. */
  | { readonly kind: 'pong' }
  /** The stream cannot be framed any more; the connection must be closed. */
  | { readonly kind: 'error'; readonly reason: string };

const CR = 0x0d;
const LF = 0x0a;
const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*(.*)$/i;
const DIGITS = /^\d{1,10}$/;

/** The Content-Length of a header section (start line excluded), compact form `l` included. */
export function readContentLength(header: string): Result<number, string> {
  // Unfold continuation lines first (RFC 3261 §7.3.1) so a folded value is seen whole.
  const lines = header.replace(/\r\n[ \t]+/g, ' ').split('\r\n').slice(1);
  let found: number | undefined;
  for (const line of lines) {
    const match = CONTENT_LENGTH.exec(line);
    if (!match) continue;
    const value = (match[1] ?? '').trim();
    if (!DIGITS.test(value)) return err(`invalid Content-Length '${value.slice(0, 20)}'`);
    const length = Number(value);
    // Two different lengths would let two parsers frame the stream differently.
    if (found !== undefined && found !== length) return err('conflicting Content-Length headers');
    found = length;
  }
  // RFC 3261 §18.3: "In the case of stream-oriented transports such as TCP, the Content-Length header field indicates the size of the body. ... MUST be used with stream oriented transports."
  if (found === undefined) return err('missing Content-Length on a stream transport (RFC 3261 §18.3)');
  return ok(found);
}

const EMPTY = Buffer.alloc(0);
const MIN_STORAGE = 4096;

export class StreamFramer {
  /** The bytes not yet framed: the caller's chunk itself, or a view into `storage`. */
  private buffer: Buffer = EMPTY;
  /** Grows by doubling, so a peer trickling one byte per segment costs linear, not quadratic, copying. */
  private storage: Buffer = EMPTY;
  /** Where the search for the end of the header section resumes. */
  private scanFrom = 0;
  /** Length of the message being received, once its header section has been read. */
  private expected: number | undefined;
  private failed = false;

  constructor(private readonly limits: StreamFramerLimits = DEFAULT_STREAM_LIMITS) {}

  get broken(): boolean {
    return this.failed;
  }

  get buffered(): number {
    return this.buffer.length;
  }

  /** Feeds a chunk; returns what it completed, in order. After an error it returns nothing more. */
  push(chunk: Buffer): FramerOutput[] {
    if (this.failed) return [];
    this.append(chunk);
    const out: FramerOutput[] = [];
    for (;;) {
      const step = this.next();
      if (step === undefined) break;
      out.push(step);
      if (step.kind === 'error') break;
    }
    // An idle connection should not keep a large buffer alive.
    if (this.buffer.length === 0) this.storage = this.buffer = EMPTY;
    return out;
  }

  private append(chunk: Buffer): void {
    const used = this.buffer.length;
    if (used === 0) {
      this.buffer = chunk;
      return;
    }
    const offset = this.buffer.byteOffset - this.storage.byteOffset;
    const inStorage = this.storage.length > 0 && this.buffer.buffer === this.storage.buffer;
    if (inStorage && offset + used + chunk.length <= this.storage.length) {
      chunk.copy(this.storage, offset + used);
      this.buffer = this.storage.subarray(offset, offset + used + chunk.length);
      return;
    }
    // Buffer.alloc never hands out a slice of the shared pool, so `storage` owns its memory.
    const storage = Buffer.alloc(Math.max(2 * (used + chunk.length), MIN_STORAGE));
    this.buffer.copy(storage, 0);
    chunk.copy(storage, used);
    this.storage = storage;
    this.buffer = storage.subarray(0, used + chunk.length);
  }

  private next(): FramerOutput | undefined {
    if (this.expected === undefined) {
      const keepAlive = this.keepAlive();
      if (keepAlive !== 'message') return keepAlive;
      const header = this.readHeader();
      if (header !== undefined) return header;
      if (this.expected === undefined) return undefined;
    }
    const expected = this.expected;
    if (this.buffer.length < expected) return undefined;
    const data = Buffer.from(this.buffer.subarray(0, expected));
    this.buffer = this.buffer.subarray(expected);
    this.expected = undefined;
    this.scanFrom = 0;
    return { kind: 'message', data };
  }

  /** Consumes a keep-alive at a message boundary; 'message' when the buffer starts a message. */
  private keepAlive(): FramerOutput | undefined | 'message' {
    const b = this.buffer;
    if (b.length === 0) return undefined;
    if (b[0] !== CR) return 'message';
    if (b.length < 2) return undefined;
    if (b[1] !== LF) return 'message';
    if (b.length < 3) return undefined;
    if (b[2] !== CR) {
      this.buffer = b.subarray(2);
      return { kind: 'pong' };
    }
    if (b.length < 4) return undefined;
    if (b[3] !== LF) return 'message';
    this.buffer = b.subarray(4);
    return { kind: 'ping' };
  }

  /** Finds the end of the header section and the message length; an error output, or undefined. */
  private readHeader(): FramerOutput | undefined {
    const end = this.buffer.indexOf(HEADER_END, this.scanFrom);
    if (end < 0) {
      if (this.buffer.length >= this.limits.maxHeaderBytes) return this.fail(`header section exceeds ${this.limits.maxHeaderBytes} bytes`);
      this.scanFrom = Math.max(0, this.buffer.length - (HEADER_END.length - 1));
      return undefined;
    }
    const headerBytes = end + HEADER_END.length;
    if (headerBytes > this.limits.maxHeaderBytes) return this.fail(`header section exceeds ${this.limits.maxHeaderBytes} bytes`);
    const length = readContentLength(this.buffer.subarray(0, end).toString('latin1'));
    if (!length.ok) return this.fail(length.error);
    const total = headerBytes + length.value;
    // Refuse before buffering the body, so a huge Content-Length costs nothing.
    if (total > this.limits.maxMessageBytes) return this.fail(`message of ${total} bytes exceeds ${this.limits.maxMessageBytes} bytes`);
    this.expected = total;
    return undefined;
  }

  private fail(reason: string): FramerOutput {
    this.failed = true;
    this.storage = this.buffer = EMPTY;
    return { kind: 'error', reason };
  }
}
