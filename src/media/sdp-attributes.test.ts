import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAttribute, parsePort, serializeAttribute } from './sdp-attributes.ts';
import type { SdpAttribute } from './sdp-types.ts';

const ROUND_TRIPS: [text: string, attribute: SdpAttribute][] = [
  ['rtpmap:0 PCMU/8000', { kind: 'rtpmap', payloadType: 0, encoding: 'PCMU', clockRate: 8000 }],
  ['rtpmap:111 opus/48000/2', { kind: 'rtpmap', payloadType: 111, encoding: 'opus', clockRate: 48000, channels: 2 }],
  ['fmtp:101 0-15', { kind: 'fmtp', format: '101', parameters: '0-15' }],
  ['fmtp:111 minptime=10;useinbandfec=1', { kind: 'fmtp', format: '111', parameters: 'minptime=10;useinbandfec=1' }],
  ['fmtp:101', { kind: 'fmtp', format: '101', parameters: '' }],
  ['ptime:20', { kind: 'ptime', milliseconds: 20 }],
  ['ptime:2.5', { kind: 'ptime', milliseconds: 2.5 }],
  ['sendrecv', { kind: 'direction', direction: 'sendrecv' }],
  ['sendonly', { kind: 'direction', direction: 'sendonly' }],
  ['recvonly', { kind: 'direction', direction: 'recvonly' }],
  ['inactive', { kind: 'direction', direction: 'inactive' }],
  ['rtcp:53020', { kind: 'rtcp', port: 53020 }],
  ['rtcp:53020 IN IP6 2001:db8::1', { kind: 'rtcp', port: 53020, connection: { netType: 'IN', addrType: 'IP6', address: '2001:db8::1' } }],
  ['rtcp-mux', { kind: 'rtcp-mux' }],
  ['fingerprint:sha-256 AB:CD', { kind: 'other', name: 'fingerprint', value: 'sha-256 AB:CD' }],
  ['x-empty:', { kind: 'other', name: 'x-empty', value: '' }],
  ['ice-lite', { kind: 'other', name: 'ice-lite' }],
];

for (const [text, attribute] of ROUND_TRIPS) {
  test(`a=${text}`, () => {
    const result = parseAttribute(text);
    if (!result.ok) assert.fail(result.error);
    assert.deepEqual(result.value, attribute);
    assert.equal(serializeAttribute(attribute), text);
  });
}

const REFUSED: [text: string, reason: RegExp][] = [
  ['rtpmap:128 X/8000', /rtpmap/],
  ['rtpmap:0 PCMU/8000/', /rtpmap/],
  ['rtpmap:0 PC MU/8000', /rtpmap/],
  ['rtpmap:', /rtpmap/],
  ['fmtp:', /fmtp/],
  ['ptime:', /ptime/],
  ['ptime:-20', /ptime/],
  ['ptime:20ms', /ptime/],
  ['rtcp:', /rtcp port/],
  ['rtcp:4000 IN IP4 a b', /rtcp address/],
  ['rtcp-mux:1', /no value/],
  ['inactive:', /no value/],
  ['', /attribute name/],
  ['bad name:1', /attribute name/],
];

for (const [text, reason] of REFUSED) {
  test(`refuses a=${text}`, () => {
    const result = parseAttribute(text);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.error, reason);
  });
}

test('ports are 0-65535 in decimal digits only', () => {
  assert.deepEqual(['0', '65535', '65536', '', '-1', '1e3', ' 80', '123456'].map(parsePort), [0, 65535, undefined, undefined, undefined, undefined, undefined, undefined]);
});
