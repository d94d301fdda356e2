// endpointForUri: IP-addressed sip/sips URIs to an Endpoint (transport parameter, default ports), no DNS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointForUri } from './endpoint-for-uri.ts';

test('IP hosts resolve with the transport parameter and default ports', () => {
  assert.deepEqual(endpointForUri('sip:alice@192.0.2.1'), { protocol: 'udp', address: '192.0.2.1', port: 5060 });
  assert.deepEqual(endpointForUri('sip:alice@192.0.2.1:5070;transport=TCP'), { protocol: 'tcp', address: '192.0.2.1', port: 5070 });
  assert.deepEqual(endpointForUri('sip:alice@192.0.2.1;transport=tls'), { protocol: 'tls', address: '192.0.2.1', port: 5061 });
  assert.deepEqual(endpointForUri('sip:alice@192.0.2.1:8080;transport=ws'), { protocol: 'ws', address: '192.0.2.1', port: 8080 });
  assert.deepEqual(endpointForUri('sip:alice@192.0.2.1;transport=wss'), { protocol: 'wss', address: '192.0.2.1', port: 5061 });
  assert.deepEqual(endpointForUri('sip:[2001:db8::1]:5062;lr'), { protocol: 'udp', address: '2001:db8::1', port: 5062 });
});

test('SIPS means TLS; maddr overrides the host', () => {
  assert.deepEqual(endpointForUri('sips:bob@192.0.2.2'), { protocol: 'tls', address: '192.0.2.2', port: 5061 });
  assert.deepEqual(endpointForUri('sips:bob@192.0.2.2;transport=tcp'), { protocol: 'tls', address: '192.0.2.2', port: 5061 });
  assert.deepEqual(endpointForUri('sips:bob@192.0.2.2;transport=ws'), { protocol: 'wss', address: '192.0.2.2', port: 5061 });
  assert.deepEqual(endpointForUri('sip:bob@proxy.example.com;maddr=192.0.2.3'), { protocol: 'udp', address: '192.0.2.3', port: 5060 });
});

test('host names, tel URIs, unknown transports and garbage give undefined', () => {
  assert.equal(endpointForUri('sip:bob@example.com'), undefined);
  assert.equal(endpointForUri('tel:+15551234'), undefined);
  assert.equal(endpointForUri('sip:bob@192.0.2.1;transport=sctp'), undefined);
  assert.equal(endpointForUri('not a uri'), undefined);
  assert.equal(endpointForUri(''), undefined);
});
