// RtpFields: header fields and payload bounds read in place, malformed datagrams refused (RFC 3550 §5.1, A.1).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serializeRtp } from '../rtp-packet.ts';
import { RtpFields } from './rtp-fields.ts';

const packet = (options: { csrcs?: number[]; extension?: Buffer; paddingLength?: number } = {}): Buffer =>
  serializeRtp({
    marker: true,
    payloadType: 8,
    sequenceNumber: 65535,
    timestamp: 0xfffffff0,
    ssrc: 0x89abcdef,
    csrcs: options.csrcs ?? [],
    extension: options.extension === undefined ? undefined : { profile: 0xbede, data: options.extension },
    paddingLength: options.paddingLength ?? 0,
    payload: Buffer.from([1, 2, 3, 4, 5]),
  });

test('reads the fixed header and finds the payload past CSRCs, extension and padding', () => {
  const fields = new RtpFields();
  for (const datagram of [packet(), packet({ csrcs: [7, 8, 9], extension: Buffer.alloc(12), paddingLength: 3 })]) {
    assert.ok(fields.read(datagram));
    assert.deepEqual(
      { pt: fields.payloadType, seq: fields.sequenceNumber, ts: fields.timestamp, ssrc: fields.ssrc },
      { pt: 8, seq: 65535, ts: 0xfffffff0, ssrc: 0x89abcdef },
    );
    assert.deepEqual([...datagram.subarray(fields.payloadStart, fields.payloadEnd)], [1, 2, 3, 4, 5]);
  }
});

test('refuses what is not RTP', () => {
  const fields = new RtpFields();
  assert.equal(fields.read(Buffer.alloc(11, 0x80)), false, 'shorter than the fixed header');
  const v1 = packet();
  v1[0] = 0x40;
  assert.equal(fields.read(v1), false, 'version 1');
  const csrcs = Buffer.from(packet().subarray(0, 12));
  csrcs[0] = 0x8f;
  assert.equal(fields.read(csrcs), false, 'CSRC list past the end');
  const extension = packet({ extension: Buffer.alloc(4) });
  extension.writeUInt16BE(50, 14);
  assert.equal(fields.read(extension), false, 'extension past the end');
  const padding = packet({ paddingLength: 2 });
  padding[padding.length - 1] = 0;
  assert.equal(fields.read(padding), false, 'padding count of zero');
  padding[padding.length - 1] = 200;
  assert.equal(fields.read(padding), false, 'padding into the header');
});
