// RFC 4475 torture test: every message of the RFC against the expectations table, then a bounded
// seeded fuzz of byte mutations of them (the parser must never throw, whatever arrives).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { RFC4475_CASES, type TortureCase } from '../../../test/fixtures/rfc4475/expectations.ts';
import { mutate, seededRandom } from '../../../test/support/fuzz.ts';
import { parseMessage, parseNameAddr, parseUri, parseVia, serializeMessage, type SipMessage } from './index.ts';

const FIXTURES = new URL('../../../test/fixtures/rfc4475/', import.meta.url);
const load = (file: string): Buffer => readFileSync(new URL(file, FIXTURES));

function parsed(file: string): SipMessage {
  const result = parseMessage(load(file));
  if (!result.ok) assert.fail(`${file}: ${result.error.status} ${result.error.reason}`);
  return result.value;
}

test('the table covers each of the 49 fixture files once', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.dat')).sort();
  assert.equal(files.length, 49);
  assert.deepEqual(RFC4475_CASES.map((c) => c.file).sort(), files);
});

function check(c: TortureCase): void {
  const result = parseMessage(load(c.file));
  if (c.parser.verdict === 'refuse') {
    assert.equal(result.ok, false, 'must be refused');
    if (result.ok) return;
    assert.equal(result.error.status, c.parser.status);
    assert.equal(result.error.reason, c.parser.reason);
    assert.equal(result.error.partial !== undefined, c.parser.partial, 'partial request');
    if (result.error.partial) assert.equal(result.error.partial.method, load(c.file).toString('latin1').split(' ')[0]);
    return;
  }
  if (!result.ok) assert.fail(`refused: ${result.error.status} ${result.error.reason}`);
  const m = result.value;
  const facts = c.facts;
  assert.ok(facts, 'a parsed case states its facts');
  if (facts.method !== undefined) assert.equal(m.type === 'request' && m.method, facts.method);
  if (facts.uri !== undefined) assert.equal(m.type === 'request' && m.uri, facts.uri);
  if (facts.status !== undefined) assert.equal(m.type === 'response' && m.status, facts.status);
  if (facts.reason !== undefined) assert.equal(m.type === 'response' && m.reason, facts.reason);
  assert.equal(m.body.length, facts.bodyLength, 'body length');
  for (const [name, expected] of Object.entries(facts.headers ?? {})) {
    if (typeof expected === 'string') assert.equal(m.headers.get(name), expected, name);
    else assert.deepEqual(m.headers.getAll(name), expected, name);
  }
}

for (const c of RFC4475_CASES) {
  const expected = c.parser.verdict === 'parse' ? 'parses' : `refused ${c.parser.status}`;
  test(`RFC 4475 §${c.section} ${c.file.replace('.dat', '')} (${c.title}): ${expected}, then ${String(c.answer)}`, () => check(c));
}

// Facts the table cannot express.

test('§3.1.1.1 wsinv: quoted display names with escapes, header params spread over folds', () => {
  const m = parsed('wsinv.dat');
  const from = parseNameAddr(m.headers.get('from') ?? '');
  assert.ok(from.ok);
  assert.equal(from.value.displayName, 'J Rosenberg \\"');
  assert.equal(from.value.params.get('tag'), '98asjd8');
  const contact = parseNameAddr(m.headers.getAll('contact')[0] ?? '');
  assert.ok(contact.ok);
  assert.equal(contact.value.displayName, 'Quoted string ""');
  assert.deepEqual([...contact.value.params], [['newparam', 'newvalue'], ['secondparam', null], ['q', '0.33']]);
  assert.deepEqual(m.headers.getAll('via').map((v) => { const via = parseVia(v); return via.ok ? via.value.branch : 'bad'; }), ['390skdjuw', 'z9hG4bK9ikj8', 'z9hG4bK30239']);
});

test('§3.1.1.2 intmeth: user and password full of reserved characters, controls in a quoted display name', () => {
  const m = parsed('intmeth.dat');
  const uri = parseUri(m.type === 'request' ? m.uri : '');
  assert.ok(uri.ok);
  assert.equal(uri.value.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  assert.equal(uri.value.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  assert.equal(uri.value.host, 'example.com');
  const to = parseNameAddr(m.headers.get('to') ?? '');
  assert.ok(to.ok);
  assert.equal(to.value.displayName, 'BEL:\x07 NUL:\x00 DEL:\x7f');
  const from = parseNameAddr(m.headers.get('from') ?? '');
  assert.ok(from.ok);
  assert.equal(from.value.displayName, "token1~` token2'+_ token3*%!.-");
  assert.equal(from.value.params.get("fromparam''~+*_!.-%"), 'работающий');
});

test('§3.1.1.3 esc01 / §3.1.1.4 escnull: escapes decode in user parts and URI parameters', () => {
  const esc01 = parsed('esc01.dat');
  const ruri = parseUri(esc01.type === 'request' ? esc01.uri : '');
  assert.ok(ruri.ok);
  assert.equal(ruri.value.user, 'sips:user@example.com');
  assert.equal(ruri.value.host, 'example.net');
  const toUri = (m: SipMessage) => {
    const to = parseNameAddr(m.headers.get('to') ?? '');
    assert.ok(to.ok);
    const uri = parseUri(to.value.uri);
    assert.ok(uri.ok);
    return uri.value;
  };
  assert.equal(toUri(esc01).user, 'user');
  assert.equal(toUri(esc01).host, 'example.com');
  const contact = parseNameAddr(esc01.headers.get('contact') ?? '');
  assert.ok(contact.ok);
  const curi = parseUri(contact.value.uri);
  assert.ok(curi.ok);
  assert.equal(curi.value.user, 'caller');
  assert.deepEqual([...curi.value.params], [['lr', null], ['name', 'value%41']]);
  assert.equal(toUri(parsed('escnull.dat')).user, 'null-\0-null');
});

test('§3.1.1.5 esc02 / §3.1.1.6 lwsdisp: display names taken literally, token display names without LWS', () => {
  const esc02 = parsed('esc02.dat');
  const to = parseNameAddr(esc02.headers.get('to') ?? '');
  assert.ok(to.ok);
  assert.equal(to.value.displayName, '%Z%45');
  const lwsdisp = parsed('lwsdisp.dat');
  const from = parseNameAddr(lwsdisp.headers.get('from') ?? '');
  assert.ok(from.ok);
  assert.equal(from.value.displayName, 'caller');
  assert.equal(from.value.uri, 'sip:caller@example.com');
});

test('§3.1.1.7 longreq: 34 Via values under every spelling of the name, a long display name', () => {
  const m = parsed('longreq.dat');
  assert.equal(m.headers.getAll('via').length, 34);
  const to = parseNameAddr(m.headers.get('to') ?? '');
  assert.ok(to.ok);
  assert.match(to.value.displayName ?? '', /^I have a user name of (extreme){10} proportion$/);
});

test('§3.1.1.8 dblreq: only the first request of the datagram', () => {
  const m = parsed('dblreq.dat');
  assert.equal(m.type === 'request' && m.method, 'REGISTER');
  assert.equal(m.headers.getAll('via').length, 1);
  assert.equal(m.headers.has('content-type'), false);
});

test('§3.1.1.9 semiuri / §3.1.1.10 transports', () => {
  const semi = parsed('semiuri.dat');
  const uri = parseUri(semi.type === 'request' ? semi.uri : '');
  assert.ok(uri.ok);
  assert.equal(uri.value.user, 'user;par=u@example.net');
  assert.equal(uri.value.host, 'example.com');
  assert.equal(uri.value.params.size, 0);
  const transports = parsed('transports.dat');
  assert.deepEqual(transports.headers.getAll('via').map((v) => { const via = parseVia(v); return via.ok ? via.value.transport : 'bad'; }), ['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
});

test('§3.1.1.11 mpart01: the binary body comes through byte for byte', () => {
  const raw = load('mpart01.dat');
  const m = parsed('mpart01.dat');
  assert.deepEqual(m.body, raw.subarray(raw.length - 553));
});

test('§3.3.4 unksm2, §3.3.10 bcast, §3.3.12-14 Contact parameters', () => {
  const unksm2 = parsed('unksm2.dat');
  const to = parseNameAddr(unksm2.headers.get('to') ?? '');
  assert.ok(to.ok);
  assert.equal(to.value.uri, 'isbn:2983792873');
  const bcast = parsed('bcast.dat');
  const via = parseVia(bcast.headers.getAll('via')[1] ?? '');
  assert.ok(via.ok);
  assert.equal(via.value.host, '255.255.255.255');

  const cparam01 = parseNameAddr(parsed('cparam01.dat').headers.get('contact') ?? '');
  assert.ok(cparam01.ok);
  assert.equal(cparam01.value.uri, 'sip:+19725552222@gw1.example.net');
  assert.equal(cparam01.value.params.get('unknownparam'), null);
  const cparam02 = parseNameAddr(parsed('cparam02.dat').headers.get('contact') ?? '');
  assert.ok(cparam02.ok);
  assert.equal(cparam02.value.params.size, 0);
  const bound = parseUri(cparam02.value.uri);
  assert.ok(bound.ok);
  assert.equal(bound.value.params.get('unknownparam'), null);
  const regescrt = parseNameAddr(parsed('regescrt.dat').headers.get('contact') ?? '');
  assert.ok(regescrt.ok);
  const withHeader = parseUri(regescrt.value.uri);
  assert.ok(withHeader.ok);
  assert.equal(withHeader.value.headers.get('Route'), '<sip:sip.example.com>');
});

test('every accepted fixture survives serialize -> parse with the same start line, headers and body', () => {
  for (const c of RFC4475_CASES.filter((x) => x.parser.verdict === 'parse')) {
    const first = parsed(c.file);
    const again = parseMessage(serializeMessage(first));
    if (!again.ok) assert.fail(`${c.file}: ${again.error.reason}`);
    const second = again.value;
    assert.equal(second.type, first.type, c.file);
    assert.deepEqual(second.body, first.body, c.file);
    const strip = (m: SipMessage) => m.headers.entries().filter(([n]) => n !== 'content-length');
    assert.deepEqual(strip(second), strip(first), c.file);
  }
});

// Seeded fuzzing: mutations of the fixtures must always yield a Result, never an exception.

const INTERESTING = [0x00, 0x09, 0x0a, 0x0d, 0x20, 0x22, 0x25, 0x2c, 0x3a, 0x3b, 0x3c, 0x3e, 0x3f, 0x40, 0x5c, 0xff, 0xc3];

// Line breaks, with or without a following space (header folding), move header boundaries.
const INSERT_LINE_BREAK = (bytes: number[], at: number, random: () => number) => void bytes.splice(at, 0, 0x0d, 0x0a, ...(random() < 0.5 ? [0x20] : []));

test('fuzz: 5,000 seeded mutations never throw; accepted ones serialize and parse again', () => {
  const random = seededRandom(4475);
  const inputs = RFC4475_CASES.map((c) => load(c.file));
  let accepted = 0;
  const reasons = new Map<string, number>();
  for (let i = 0; i < 5000; i++) {
    const input = mutate(inputs[i % inputs.length] ?? Buffer.alloc(0), random, { interesting: INTERESTING, extra: [INSERT_LINE_BREAK] });
    let result: ReturnType<typeof parseMessage>;
    try {
      result = parseMessage(input);
    } catch (error) {
      assert.fail(`input #${i} threw ${String(error)}: ${input.toString('latin1').slice(0, 200)}`);
    }
    assert.equal(typeof result.ok, 'boolean');
    if (!result.ok) {
      // 'Malformed message' is the safety net's catch: reaching it means some code threw.
      assert.notEqual(result.error.reason, 'Malformed message', `input #${i} threw inside the parser`);
      reasons.set(result.error.reason, (reasons.get(result.error.reason) ?? 0) + 1);
      assert.ok(result.error.status >= 400 && result.error.status <= 599, `status ${result.error.status}`);
      assert.match(result.error.reason, /^[\x20-\x7e]+$/);
      continue;
    }
    accepted++;
    const again = parseMessage(serializeMessage(result.value));
    if (!again.ok) assert.fail(`input #${i} parsed but its serialization did not: ${again.error.reason}\n${input.toString('latin1')}`);
  }
  if (process.env.FUZZ_VERBOSE) console.log(accepted, [...reasons].sort((a, b) => b[1] - a[1]));
  assert.ok(accepted > 300, `only ${accepted} mutations were accepted: the fuzz explores too little`);
});
