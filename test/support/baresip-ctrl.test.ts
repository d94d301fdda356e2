// Netstring framing of baresip's ctrl_tcp: frames split or joined arbitrarily by TCP, lengths in bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetstringDecoder, encodeNetstring } from './baresip-ctrl.ts';

test('encodes the length in bytes, not characters', () => {
  assert.equal(encodeNetstring('{"a":"é"}').toString(), '10:{"a":"é"},');
});

test('decodes frames however the stream cuts them', () => {
  const stream = Buffer.concat([encodeNetstring('{"event":true}'), encodeNetstring('{"x":"ü"}'), encodeNetstring('')]);
  for (let cut = 1; cut < stream.length; cut++) {
    const decoder = new NetstringDecoder();
    const frames = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
    assert.deepEqual(frames, ['{"event":true}', '{"x":"ü"}', ''], `cut at ${cut}`);
  }
});

test('rejects a stream that is not netstrings', () => {
  assert.throws(() => new NetstringDecoder().push(Buffer.from('x:{},')), /bad length/);
  assert.throws(() => new NetstringDecoder().push(Buffer.from('2:{}.')), /missing trailing comma/);
});
