// Unit tests of RFC 3261 §18.3 stream framing and RFC 5626 CRLF keep-alives.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sipMessage } from './recording-listener.ts';
import { readContentLength, StreamFramer, type FramerOutput } from './stream-framer.ts';

const messages = (outputs: FramerOutput[]): string[] => outputs.flatMap((o) => (o.kind === 'message' ? [o.data.toString()] : []));
const kinds = (outputs: FramerOutput[]): string[] => outputs.map((o) => o.kind);

describe('StreamFramer', () => {
  it('frames one message with a body', () => {
    const text = sipMessage('v=0\r\n');
    const out = new StreamFramer().push(Buffer.from(text));
    assert.deepEqual(messages(out), [text]);
  });

  it('reassembles a message delivered one byte at a time', () => {
    const framer = new StreamFramer();
    const text = sipMessage('hello body');
    const out: FramerOutput[] = [];
    for (const byte of Buffer.from(text)) out.push(...framer.push(Buffer.from([byte])));
    assert.deepEqual(messages(out), [text]);
    assert.equal(framer.buffered, 0);
  });

  it('splits two messages that arrive in one chunk, keeping a partial third', () => {
    const framer = new StreamFramer();
    const a = sipMessage('first', { callId: 'a' });
    const b = sipMessage('', { callId: 'b' });
    const c = sipMessage('third', { callId: 'c' });
    const out = framer.push(Buffer.from(a + b + c.slice(0, 30)));
    assert.deepEqual(messages(out), [a, b]);
    assert.deepEqual(messages(framer.push(Buffer.from(c.slice(30)))), [c]);
  });

  it('answers a double-CRLF ping and ignores a single CRLF before a message', () => {
    const framer = new StreamFramer();
    const text = sipMessage();
    assert.deepEqual(kinds(framer.push(Buffer.from('\r\n\r\n'))), ['ping']);
    assert.deepEqual(kinds(framer.push(Buffer.from(`\r\n${text}`))), ['pong', 'message']);
    // A ping split across chunks is still one ping.
    assert.deepEqual(kinds(framer.push(Buffer.from('\r\n\r'))), []);
    assert.deepEqual(kinds(framer.push(Buffer.from('\n'))), ['ping']);
  });

  it('reads the compact form l:', () => {
    const text = sipMessage('abc', { compact: true });
    assert.deepEqual(messages(new StreamFramer().push(Buffer.from(text))), [text]);
  });

  it('reports a message without Content-Length as an error and then stays silent', () => {
    const framer = new StreamFramer();
    const out = framer.push(Buffer.from(sipMessage('', { contentLength: false })));
    assert.equal(out.length, 1);
    assert.equal(out[0]?.kind, 'error');
    assert.equal(framer.broken, true);
    assert.deepEqual(framer.push(Buffer.from(sipMessage())), []);
  });

  it('refuses an oversize message from its Content-Length, before the body arrives', () => {
    const framer = new StreamFramer({ maxMessageBytes: 1000, maxHeaderBytes: 500 });
    const head = sipMessage().replace('Content-Length: 0', 'Content-Length: 5000');
    const out = framer.push(Buffer.from(head));
    assert.deepEqual(kinds(out), ['error']);
  });

  it('refuses a header section that never ends', () => {
    const framer = new StreamFramer({ maxMessageBytes: 1000, maxHeaderBytes: 200 });
    assert.deepEqual(kinds(framer.push(Buffer.from(`OPTIONS sip:a SIP/2.0\r\nX: ${'y'.repeat(150)}\r\n`))), []);
    assert.deepEqual(kinds(framer.push(Buffer.from(`Z: ${'y'.repeat(100)}\r\n`))), ['error']);
  });
});

describe('readContentLength', () => {
  it('accepts one value, repeated equal values and folded lines', () => {
    assert.deepEqual(readContentLength('INVITE x SIP/2.0\r\nContent-Length: 12'), { ok: true, value: 12 });
    assert.deepEqual(readContentLength('INVITE x SIP/2.0\r\ncontent-length:3\r\nL : 3'), { ok: true, value: 3 });
    assert.deepEqual(readContentLength('INVITE x SIP/2.0\r\nContent-Length:\r\n  7'), { ok: true, value: 7 });
  });

  it('rejects missing, invalid and conflicting values', () => {
    assert.equal(readContentLength('INVITE x SIP/2.0\r\nVia: x').ok, false);
    assert.equal(readContentLength('INVITE x SIP/2.0\r\nContent-Length: -1').ok, false);
    assert.equal(readContentLength('INVITE x SIP/2.0\r\nContent-Length: 1\r\nl: 2').ok, false);
    // The start line is not a header, even if it looks like one.
    assert.equal(readContentLength('l: 5\r\nVia: x').ok, false);
  });
});

describe('StreamFramer buffering', () => {
  it('frames a 60 KiB message trickled in small and uneven chunks, twice in a row', () => {
    const framer = new StreamFramer();
    const big = sipMessage('b'.repeat(60_000), { callId: 'big' });
    const small = sipMessage('s', { callId: 'small' });
    const stream = Buffer.from(big + small + big);
    const out: FramerOutput[] = [];
    for (let at = 0, size = 1; at < stream.length; at += size, size = (size % 97) + 1) {
      out.push(...framer.push(stream.subarray(at, at + size)));
    }
    assert.deepEqual(messages(out), [big, small, big]);
    assert.equal(framer.buffered, 0);
  });

  it('does not let an emitted message change when the buffer is reused', () => {
    const framer = new StreamFramer();
    const a = sipMessage('aaaa', { callId: 'a' });
    const b = sipMessage('bbbb', { callId: 'b' });
    const first = framer.push(Buffer.from(a + b.slice(0, 10)));
    framer.push(Buffer.from(b.slice(10)));
    assert.deepEqual(messages(first), [a]);
  });
});
