// RFC 3261 §18.2.1/§18.2.2 and RFC 3581 on the top Via of a received request, and where its responses go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Headers, type SipRequest } from '../message/index.ts';
import type { Endpoint } from '../transport/index.ts';
import { responseDestination, stampTopVia } from './inbound-via.ts';

const SOURCE: Endpoint = { protocol: 'udp', address: '198.51.100.7', port: 40123 };

function request(...vias: string[]): SipRequest {
  const headers = new Headers([['Max-Forwards', '70'], ...vias.map((v) => ['Via', v] as [string, string]), ['CSeq', '1 OPTIONS']]);
  return { type: 'request', method: 'OPTIONS', uri: 'sip:x@example.com', version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

test('an empty rport is filled with the source port and received is added even when equal (RFC 3581 §4)', () => {
  const r = request('SIP/2.0/UDP 198.51.100.7:5060;rport;branch=z9hG4bK1');
  const via = stampTopVia(r, SOURCE, false);
  assert.equal(r.headers.getAll('via')[0], 'SIP/2.0/UDP 198.51.100.7:5060;rport=40123;branch=z9hG4bK1;received=198.51.100.7');
  assert.ok(via);
  assert.deepEqual(responseDestination(via, SOURCE), SOURCE);
});

test('a host name or another address in sent-by gets received; without rport responses go to the sent-by port', () => {
  const r = request('SIP/2.0/UDP phone.example.com:5070;branch=z9hG4bK2');
  const via = stampTopVia(r, SOURCE, false);
  assert.equal(r.headers.getAll('via')[0], 'SIP/2.0/UDP phone.example.com:5070;branch=z9hG4bK2;received=198.51.100.7');
  assert.ok(via);
  assert.deepEqual(responseDestination(via, SOURCE), { protocol: 'udp', address: '198.51.100.7', port: 5070 });
  const noPort = stampTopVia(request('SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK3'), SOURCE, false);
  assert.ok(noPort);
  assert.equal(responseDestination(noPort, SOURCE).port, 5060);
});

test('a sent-by equal to the source is left untouched, header order and further Vias included', () => {
  const top = 'SIP/2.0/UDP 198.51.100.7:40123;branch=z9hG4bK4';
  const r = request(`${top}, SIP/2.0/UDP proxy.example.com;branch=z9hG4bK5`, 'SIP/2.0/UDP other.example.com;branch=z9hG4bK6');
  stampTopVia(r, SOURCE, false);
  assert.deepEqual(r.headers.getAll('via'), [top, 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bK5', 'SIP/2.0/UDP other.example.com;branch=z9hG4bK6']);
});

test('stamping keeps every header where it was and the rest of a multi-value Via line after the top one', () => {
  const r = request('SIP/2.0/UDP phone.example.com;rport;branch=z9hG4bK7, SIP/2.0/UDP p.example.com;branch=z9hG4bK8');
  stampTopVia(r, SOURCE, false);
  assert.deepEqual(r.headers.entries().map(([name]) => name), ['max-forwards', 'via', 'cseq']);
  assert.equal(r.headers.get('via'), 'SIP/2.0/UDP phone.example.com;rport=40123;branch=z9hG4bK7;received=198.51.100.7, SIP/2.0/UDP p.example.com;branch=z9hG4bK8');
});

test('forceRport acts as if the client had sent an empty rport', () => {
  const r = request('SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK9');
  const via = stampTopVia(r, SOURCE, true);
  assert.equal(r.headers.getAll('via')[0], 'SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK9;rport=40123;received=198.51.100.7');
  assert.ok(via);
  assert.deepEqual(responseDestination(via, SOURCE), SOURCE);
});

test('a received value the client wrote itself is removed when the sent-by matches the source', () => {
  const r = request('SIP/2.0/UDP 198.51.100.7:40123;branch=z9hG4bK10;received=10.9.9.9');
  stampTopVia(r, SOURCE, false);
  assert.equal(r.headers.getAll('via')[0], 'SIP/2.0/UDP 198.51.100.7:40123;branch=z9hG4bK10');
});

test('over a connection the fallback destination is the source address with the sent-by port (§18.2.2)', () => {
  const source: Endpoint = { protocol: 'tls', address: '198.51.100.7', port: 50000 };
  const r = request('SIP/2.0/TLS phone.example.com;branch=z9hG4bK11');
  const via = stampTopVia(r, source, false);
  assert.ok(via);
  assert.deepEqual(responseDestination(via, source), { protocol: 'tls', address: '198.51.100.7', port: 5061 });
});
