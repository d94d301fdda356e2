import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Headers, parseMessage, serializeMessage, type SipRequest, type SipResponse } from './index.ts';

function request(headers: Array<[string, string]>, body = ''): SipRequest {
  return { type: 'request', method: 'INVITE', uri: 'sip:bob@biloxi.example.com', version: 'SIP/2.0', headers: new Headers(headers), body: Buffer.from(body) };
}

test('a request: start line, headers in display casing, Content-Length from the body, then the body', () => {
  const m = request([['v', 'SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds'], ['call-id', 'a84b'], ['CSEQ', '1 INVITE'], ['www-authenticate', 'Digest realm="x"'], ['x-custom-thing', 'y'], ['Content-Length', '999']], 'v=0\r\n');
  assert.equal(
    serializeMessage(m).toString(),
    'INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\nCall-ID: a84b\r\nCSeq: 1 INVITE\r\n' +
      'WWW-Authenticate: Digest realm="x"\r\nX-Custom-Thing: y\r\nContent-Length: 5\r\n\r\nv=0\r\n',
  );
});

test('a response, with an empty or UTF-8 reason phrase; Content-Length counts octets', () => {
  const response = (reason: string, body: string): SipResponse => ({ type: 'response', status: 486, reason, version: 'SIP/2.0', headers: new Headers([['cseq', '1 INVITE']]), body: Buffer.from(body) });
  assert.equal(serializeMessage(response('', '')).toString(), 'SIP/2.0 486 \r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n');
  const utf8 = serializeMessage(response('Занято', 'é'));
  assert.equal(utf8.toString(), 'SIP/2.0 486 Занято\r\nCSeq: 1 INVITE\r\nContent-Length: 2\r\n\r\né');
});

test('a binary body is copied byte for byte', () => {
  const body = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a, 0x0d, 0x0a]);
  const out = serializeMessage({ ...request([['call-id', 'x']]), body });
  assert.deepEqual(out.subarray(out.length - body.length), body);
});

test('CR or LF inside a value cannot forge a header line', () => {
  const out = serializeMessage(request([['subject', 'hi\r\nX-Evil: 1'], ['call-id', 'x\ny']])).toString();
  assert.equal(out.split('\r\n').filter((line) => line.startsWith('X-Evil')).length, 0);
  assert.match(out, /\r\nSubject: hi {2}X-Evil: 1\r\nCall-ID: x y\r\n/);
});

test('parse -> serialize -> parse keeps the message', () => {
  const wire = 'SIP/2.0 200 OK\r\nv: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\nTo: <sip:b@example.com>;tag=2\r\nf: <sip:a@example.com>;tag=1\r\ni: c1\r\nCSeq: 1 INVITE\r\nSubject: folded\r\n line\r\nl: 3\r\n\r\nabcEXTRA';
  const first = parseMessage(Buffer.from(wire));
  assert.ok(first.ok);
  const written = serializeMessage(first.value).toString();
  assert.equal(written, 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\nTo: <sip:b@example.com>;tag=2\r\nFrom: <sip:a@example.com>;tag=1\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nSubject: folded line\r\nContent-Length: 3\r\n\r\nabc');
  const second = parseMessage(Buffer.from(written));
  assert.ok(second.ok);
  assert.deepEqual(second.value, first.value);
});
