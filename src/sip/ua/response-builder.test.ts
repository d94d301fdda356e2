// buildResponse (RFC 3261 §8.2.6): what is copied, when a To tag is added, and what is left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Headers, type SipRequest } from '../message/index.ts';
import { buildResponse, newTag, tagOfHeader } from './response-builder.ts';

function request(to: string, extra: Array<[string, string]> = []): SipRequest {
  const headers = new Headers([
    ['Via', 'SIP/2.0/UDP a.example.com;branch=z9hG4bK1;received=192.0.2.1, SIP/2.0/TCP b.example.com;branch=z9hG4bK2'],
    ['Via', 'SIP/2.0/UDP c.example.com;branch=z9hG4bK3'],
    ['From', '<sip:alice@example.com>;tag=f1'],
    ['To', to],
    ['Call-ID', 'c1@example.com'],
    ['CSeq', '4 INVITE'],
    ['Contact', '<sip:alice@192.0.2.1>'],
    ...extra,
  ]);
  return { type: 'request', method: 'INVITE', uri: 'sip:bob@example.com', version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

test('Via lines, From, Call-ID and CSeq are copied in order; Contact is not', () => {
  const response = buildResponse(request('<sip:bob@example.com>'), 180, 'Ringing', { toTag: 't1' });
  assert.deepEqual(response.headers.getAll('via'), ['SIP/2.0/UDP a.example.com;branch=z9hG4bK1;received=192.0.2.1', 'SIP/2.0/TCP b.example.com;branch=z9hG4bK2', 'SIP/2.0/UDP c.example.com;branch=z9hG4bK3']);
  assert.equal(response.headers.get('from'), '<sip:alice@example.com>;tag=f1');
  assert.equal(response.headers.get('call-id'), 'c1@example.com');
  assert.equal(response.headers.get('cseq'), '4 INVITE');
  assert.equal(response.headers.get('to'), '<sip:bob@example.com>;tag=t1');
  assert.equal(response.headers.has('contact'), false);
});

test('a To that has a tag is kept as it is; a bare addr-spec gets the tag as a header parameter', () => {
  assert.equal(buildResponse(request('<sip:bob@example.com>;tag=old'), 200, 'OK', { toTag: 'new' }).headers.get('to'), '<sip:bob@example.com>;tag=old');
  assert.equal(buildResponse(request('sip:bob@example.com'), 200, 'OK', { toTag: 'x' }).headers.get('to'), 'sip:bob@example.com;tag=x');
  assert.match(buildResponse(request('sip:bob@example.com'), 200, 'OK').headers.get('to') ?? '', /;tag=[0-9a-f]{16}$/);
});

test('a 100 gets no tag unless asked, and copies Timestamp (§8.2.6.1)', () => {
  const trying = buildResponse(request('<sip:bob@example.com>', [['Timestamp', '54.3']]), 100, 'Trying');
  assert.equal(trying.headers.get('to'), '<sip:bob@example.com>');
  assert.equal(trying.headers.get('timestamp'), '54.3');
  assert.equal(buildResponse(request('<sip:bob@example.com>', [['Timestamp', '1']]), 200, 'OK').headers.has('timestamp'), false);
});

test('extra headers, Server and a text body are added', () => {
  const response = buildResponse(request('<sip:bob@example.com>'), 405, 'Method Not Allowed', {
    headers: [['Allow', 'INVITE, ACK']],
    server: 'callgrid',
    body: 'hello',
  });
  assert.equal(response.headers.get('allow'), 'INVITE, ACK');
  assert.equal(response.headers.get('server'), 'callgrid');
  assert.equal(response.body.toString(), 'hello');
});

test('tags: random, 64 bits, read back from a header', () => {
  assert.notEqual(newTag(), newTag());
  assert.equal(tagOfHeader('"B" <sip:b@example.com;tag=uri>;tag=abc'), 'abc');
  assert.equal(tagOfHeader('<sip:b@example.com>'), undefined);
  assert.equal(tagOfHeader(undefined), undefined);
});
