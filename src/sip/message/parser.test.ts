import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_HEADERS, MAX_MESSAGE_BYTES, parseMessage, type SipMessage, type SipParseError } from './index.ts';

const HEADERS = [
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
];

/** An INVITE from `lines` (default headers), joined with `eol`. */
function invite(opts: { lines?: string[]; eol?: string; body?: string; startLine?: string } = {}): Buffer {
  const eol = opts.eol ?? '\r\n';
  const lines = [opts.startLine ?? 'INVITE sip:bob@biloxi.example.com SIP/2.0', ...(opts.lines ?? HEADERS)];
  return Buffer.from(`${lines.join(eol)}${eol}${eol}${opts.body ?? ''}`);
}

function accept(data: Buffer | string): SipMessage {
  const result = parseMessage(typeof data === 'string' ? Buffer.from(data) : data);
  if (!result.ok) assert.fail(`refused: ${result.error.status} ${result.error.reason}`);
  return result.value;
}

function refuse(data: Buffer | string): SipParseError {
  const result = parseMessage(typeof data === 'string' ? Buffer.from(data) : data);
  assert.equal(result.ok, false, 'must be refused');
  return result.ok ? assert.fail() : result.error;
}

const without = (name: string) => HEADERS.filter((h) => !h.startsWith(`${name}:`));
const replace = (name: string, line: string) => HEADERS.map((h) => (h.startsWith(`${name}:`) ? line : h));

test('a request: method, Request-URI, version, headers by any case, body', () => {
  const m = accept(invite({ lines: [...HEADERS, 'Content-Length: 4'], body: 'v=0\n' }));
  assert.equal(m.type, 'request');
  assert.ok(m.type === 'request');
  assert.equal(m.method, 'INVITE');
  assert.equal(m.uri, 'sip:bob@biloxi.example.com');
  assert.equal(m.version, 'SIP/2.0');
  assert.equal(m.headers.get('CALL-ID'), 'a84b4c76e66710@pc33.atlanta.example.com');
  assert.equal(m.headers.get('i'), 'a84b4c76e66710@pc33.atlanta.example.com');
  assert.equal(m.body.toString(), 'v=0\n');
});

test('a response: status, reason (empty or UTF-8), no version other than SIP/2.0', () => {
  const lines = ['Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1', 'To: <sip:b@example.com>;tag=2', 'From: <sip:a@example.com>;tag=1', 'Call-ID: c1', 'CSeq: 1 INVITE', 'Content-Length: 0'];
  const response = (startLine: string) => invite({ startLine, lines });
  const ok = accept(response('SIP/2.0 180 Ringing'));
  assert.ok(ok.type === 'response');
  assert.equal(ok.status, 180);
  assert.equal(ok.reason, 'Ringing');
  const empty = accept(response('SIP/2.0 100 '));
  assert.ok(empty.type === 'response');
  assert.equal(empty.reason, '');
  assert.equal(accept(response('SIP/2.0 100')).type, 'response');
  const utf8 = accept(response('SIP/2.0 486 Занято, «busy»'));
  assert.ok(utf8.type === 'response');
  assert.equal(utf8.reason, 'Занято, «busy»');
  for (const bad of ['SIP/2.0 99 Low', 'SIP/2.0 700 High', 'SIP/2.0 2000 Long', 'SIP/2.0 20x Bad', 'SIP/2.0  200 Spaces', 'SIP/2.0']) {
    const error = refuse(response(bad));
    assert.equal(error.status, 400, bad);
    assert.equal(error.reason, 'Bad Status-Line');
    assert.equal(error.partial, undefined, 'responses are dropped, never answered');
  }
  assert.equal(refuse(response('SIP/3.0 200 OK')).status, 505);
});

test('other SIP versions get 505 with a partial request to answer with; non-SIP lines get 400', () => {
  const error = refuse(invite({ startLine: 'INVITE sip:bob@biloxi.example.com SIP/3.0' }));
  assert.equal(error.status, 505);
  assert.equal(error.partial?.method, 'INVITE');
  const http = refuse(invite({ startLine: 'GET / HTTP/1.1' }));
  assert.equal(http.status, 400);
  assert.equal(http.reason, 'Bad Request-Line');
  assert.equal(http.partial, undefined);
});

test('Request-Line spacing and Request-URI are strict', () => {
  for (const line of ['INVITE  sip:bob@example.com SIP/2.0', 'INVITE sip:bob@example.com SIP/2.0 ', 'INVITE sip:bob@example.com\tSIP/2.0']) {
    assert.equal(refuse(invite({ startLine: line })).status, 400, JSON.stringify(line));
  }
  for (const uri of ['<sip:bob@example.com>', 'sip:bob@example.com?Subject=x', 'sip:', 'bob@example.com', 'sip:bob@exa mple.com', 'sip:bob@[::1']) {
    const error = refuse(invite({ startLine: `INVITE ${uri} SIP/2.0` }));
    assert.equal(error.reason, 'Bad Request-URI', uri);
    assert.equal(error.partial?.uri, uri, 'partial keeps the URI text');
  }
  for (const uri of ['sips:bob@example.com:5061;transport=tcp', 'tel:+1-201-555-0123', 'urn:service:sos', 'sip:[2001:db8::1]:5060']) {
    const m = accept(invite({ startLine: `INVITE ${uri} SIP/2.0` }));
    assert.equal(m.type === 'request' && m.uri, uri);
  }
});

test('bare LF line ends, folded headers and leading CRLFs (keep-alives) are tolerated', () => {
  const lf = accept(invite({ eol: '\n', lines: [...HEADERS, 'Content-Length: 3'], body: 'abc' }));
  assert.equal(lf.body.toString(), 'abc');
  assert.equal(lf.headers.get('cseq'), '314159 INVITE');
  const folded = accept(invite({ lines: [...without('Call-ID'), 'Call-ID:', '  a84b4c76e66710', 'Subject: one', '\t two  ', ' three'] }));
  assert.equal(folded.headers.get('call-id'), 'a84b4c76e66710');
  assert.equal(folded.headers.get('subject'), 'one two three');
  const leading = accept(Buffer.concat([Buffer.from('\r\n\r\n\n'), invite()]));
  assert.equal(leading.type === 'request' && leading.method, 'INVITE');
  assert.equal(refuse('\r\n\r\n').reason, 'Empty message');
  assert.equal(refuse(invite({ lines: [' folded-first: x', ...HEADERS] })).reason, 'Bad header folding');
});

test('compact forms map to their long names', () => {
  const m = accept(invite({
    lines: ['v: SIP/2.0/UDP h.example.com;branch=z9hG4bK1', 't: <sip:b@example.com>', 'f: <sip:a@example.com>;tag=1', 'i: c1', 'CSeq: 1 INVITE', 'm: <sip:a@h.example.com>', 'c: text/plain', 'l: 2', 'k: 100rel'],
    body: 'hi',
  }));
  assert.deepEqual(m.headers.entries().map(([n]) => n), ['via', 'to', 'from', 'call-id', 'cseq', 'contact', 'content-type', 'content-length', 'supported']);
  assert.equal(m.body.toString(), 'hi');
});

test('the body is bounded by Content-Length: extra bytes dropped, missing bytes refused, no Content-Length takes the rest', () => {
  const longer = accept(invite({ lines: [...HEADERS, 'Content-Length: 3'], body: 'abcdef' }));
  assert.equal(longer.body.toString(), 'abc');
  const shorter = refuse(invite({ lines: [...HEADERS, 'Content-Length: 10'], body: 'abc' }));
  assert.equal(shorter.reason, 'Body shorter than Content-Length');
  assert.equal(shorter.partial?.headers.get('call-id'), 'a84b4c76e66710@pc33.atlanta.example.com');
  assert.equal(accept(invite({ body: 'rest of datagram' })).body.toString(), 'rest of datagram');
  assert.equal(accept(invite({ lines: [...HEADERS, 'Content-Length: 0'], body: '\r\n' })).body.length, 0);
});

test('the body is a copy: reusing the input buffer does not change a parsed message', () => {
  const data = invite({ lines: [...HEADERS, 'Content-Length: 3'], body: 'abc' });
  const m = accept(data);
  data.fill(0x78);
  assert.equal(m.body.toString(), 'abc');
});

test('missing or malformed required headers are refused with a reason naming the header', () => {
  const cases: Array<[string[], string]> = [
    [without('Via'), 'Missing Via'],
    [without('From'), 'Missing From'],
    [without('To'), 'Missing To'],
    [without('Call-ID'), 'Missing Call-ID'],
    [without('CSeq'), 'Missing CSeq'],
    [replace('CSeq', 'CSeq: 1 BYE'), 'CSeq method mismatch'],
    [replace('CSeq', 'CSeq: 4294967296 INVITE'), 'Bad CSeq'],
    [replace('CSeq', 'CSeq: INVITE'), 'Bad CSeq'],
    [replace('Via', 'Via: SIP/2.0/UDP'), 'Bad Via'],
    [replace('Via', 'Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1, garbage'), 'Bad Via'],
    [replace('From', 'From: Alice <sip:alice@atlanta.example.com'), 'Bad From'],
    [replace('To', 'To: "Bob <sip:bob@biloxi.example.com>'), 'Bad To'],
    [replace('Call-ID', 'Call-ID: has space'), 'Bad Call-ID'],
    [replace('Max-Forwards', 'Max-Forwards: seventy'), 'Bad Max-Forwards'],
    [replace('Max-Forwards', 'Max-Forwards: 256'), 'Bad Max-Forwards'],
    [[...HEADERS, 'Content-Length: five'], 'Bad Content-Length'],
    [[...HEADERS, 'Contact: sip:a@b;x?y'], 'Bad Contact'],
    [[...HEADERS, 'Date: Sat, 13 Nov 2010 23:29:00 PST'], 'Bad Date'],
    [[...HEADERS, 'To: <sip:other@example.com>'], 'Multiple To'],
    [[...HEADERS, 'no colon here'], 'Bad header line'],
    [[...HEADERS, 'Bad Name: x'], 'Bad header name'],
  ];
  for (const [lines, reason] of cases) {
    const error = refuse(invite({ lines }));
    assert.equal(error.status, 400, reason);
    assert.equal(error.reason, reason);
  }
});

test('Max-Forwards is optional, and a valid Contact list or * is accepted', () => {
  accept(invite({ lines: without('Max-Forwards') }));
  accept(invite({ lines: [...HEADERS, 'Contact: <sip:a@h1.example.com>;q=0.5, "B" <sip:b@h2.example.com>', 'Contact: *'] }));
});

test('partial: present when the method and top Via were read, so a 400 can be routed back', () => {
  const mismatch = refuse(invite({ lines: replace('CSeq', 'CSeq: 1 BYE') }));
  assert.equal(mismatch.partial?.method, 'INVITE');
  assert.equal(mismatch.partial?.headers.get('via'), 'SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds');
  assert.equal(mismatch.partial?.body.length, 0);
  assert.equal(refuse(invite({ lines: without('Via') })).partial, undefined);
  assert.equal(refuse(invite({ lines: replace('Via', 'Via: junk') })).partial, undefined);
  assert.ok(refuse(invite({ lines: without('From') })).partial, 'RFC 4475 §3.3.1 still wants a 400');
});

test('size limits: 64 KiB per message, 256 headers, 8 KiB per header line', () => {
  const big = refuse(invite({ lines: [...HEADERS, 'Content-Length: 70000'], body: 'x'.repeat(70000) }));
  assert.deepEqual([big.status, big.reason], [513, 'Message Too Large']);
  assert.equal(big.partial?.method, 'INVITE', 'the head was readable: answer 513');
  accept(invite({ lines: [...HEADERS, `Content-Length: ${MAX_MESSAGE_BYTES - 400}`], body: 'x'.repeat(MAX_MESSAGE_BYTES - 400) }));

  const filler = (n: number) => Array.from({ length: n }, (_, i) => `X-Filler-${i}: ${i}`);
  accept(invite({ lines: [...HEADERS, ...filler(MAX_HEADERS - HEADERS.length)] }));
  const many = refuse(invite({ lines: [...HEADERS, ...filler(MAX_HEADERS - HEADERS.length + 1)] }));
  assert.deepEqual([many.status, many.reason], [513, 'Too Many Headers']);
  assert.ok(many.partial);

  accept(invite({ lines: [...HEADERS, `Subject: ${'s'.repeat(8000)}`] }));
  assert.equal(refuse(invite({ lines: [...HEADERS, `Subject: ${'s'.repeat(8200)}`] })).reason, 'Header Too Long');
  assert.equal(refuse(invite({ lines: [...HEADERS, 'Subject: x', ...Array.from({ length: 20 }, () => ` ${'s'.repeat(500)}`)] })).reason, 'Header Too Long');
});

test('header names that are Object.prototype members are ordinary headers', () => {
  const m = accept(invite({ lines: [...HEADERS, 'constructor: 1', '__proto__: 2', 'toString: 3'] }));
  assert.equal(m.headers.get('constructor'), '1');
  assert.equal(m.headers.get('__proto__'), '2');
  assert.equal(m.headers.get('tostring'), '3');
});

test('never throws: garbage, truncations and binary input all come back as a refusal', () => {
  const inputs = [
    Buffer.alloc(0), Buffer.from([0]), Buffer.from([0xff, 0xfe, 0x0a, 0x0a]), Buffer.from('INVITE'), Buffer.from('INVITE sip:a@b SIP/2.0'),
    Buffer.from('SIP/2.0 200 OK\r\n'), Buffer.from(':\r\n\r\n'), Buffer.from('\r\n'.repeat(40000)), Buffer.alloc(100000, 0x41),
    invite().subarray(0, 60), invite({ lines: [...HEADERS, 'Content-Length: 99999999999999999999'] }),
  ];
  for (const input of inputs) {
    const result = parseMessage(input);
    assert.equal(result.ok, false);
    assert.notEqual(!result.ok && result.error.reason, 'Malformed message', 'no exception reached the safety net');
  }
});

test('hostile inputs stay linear: a message of pathological lines parses in bounded time', () => {
  // [header line, copies]: the parser validates every Via and Contact line, so those repeat.
  const hostile: Array<[string, number]> = [
    [`Via: SIP/2.0/UDP ${'a'.repeat(3000)}${' '.repeat(4000)}x`, 7],
    [`Contact: ${'<'.repeat(4000)}${'a;'.repeat(2000)}`, 7],
    [`Contact: ${'"a",'.repeat(2000)}`, 7],
    [`To: "${'\\a'.repeat(3500)}`, 1],
    [`From: ${'tok '.repeat(2000)}<sip:a@b>`, 1],
    [`CSeq: 1${' '.repeat(8000)}!`, 1],
    [`Subject: ${','.repeat(8000)}`, 7],
  ];
  for (const [line, copies] of hostile) {
    const name = line.slice(0, line.indexOf(':'));
    const input = invite({ lines: [...without(name), ...Array.from({ length: copies }, () => line)] });
    parseMessage(input);
    const started = performance.now();
    for (let i = 0; i < 10; i++) parseMessage(input);
    const perParse = (performance.now() - started) / 10;
    assert.ok(perParse < 50, `${line.slice(0, 20)}…: ${perParse.toFixed(1)} ms per parse`);
  }
});
