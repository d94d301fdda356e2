// Replaces (RFC 3891 §6.1) as it arrives in a Refer-To URI: the dialog it names, or why it is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUri } from '../../sip/index.ts';
import { parseReplaces, replacesOf } from './replaces-header.ts';

test('a Replaces names a Call-ID and both tags, early-only as a flag', () => {
  assert.deepEqual(parseReplaces('425928@bobster.example.org;to-tag=7743;from-tag=6472'), { ok: true, value: { callId: '425928@bobster.example.org', toTag: '7743', fromTag: '6472', earlyOnly: false } });
  const early = parseReplaces('abc;from-tag=1;to-tag=2;early-only');
  assert.ok(early.ok);
  assert.deepEqual([early.value.toTag, early.value.fromTag, early.value.earlyOnly], ['2', '1', true]);
  const spaced = parseReplaces(' abc ; To-Tag = 2 ; FROM-TAG=1');
  assert.ok(spaced.ok);
  assert.deepEqual([spaced.value.callId, spaced.value.toTag, spaced.value.fromTag], ['abc', '2', '1']);
});

test('the Refer-To URI header is unescaped and found whatever its case', () => {
  const uri = parseUri('sip:102@pbx.example?REPLACES=cid%40host%3Bto-tag%3Da1%3Bfrom-tag%3Db2');
  assert.ok(uri.ok);
  const value = replacesOf(uri.value.headers);
  assert.equal(value, 'cid@host;to-tag=a1;from-tag=b2');
  assert.deepEqual(parseReplaces(value ?? ''), { ok: true, value: { callId: 'cid@host', toTag: 'a1', fromTag: 'b2', earlyOnly: false } });
  const plain = parseUri('sip:102@pbx.example');
  assert.ok(plain.ok);
  assert.equal(replacesOf(plain.value.headers), undefined);
});

test('malformed Replaces values are refused with a reason', () => {
  const reasons = (['', ';to-tag=1;from-tag=2', 'abc', 'abc;to-tag=1', 'abc;from-tag=2', 'abc;to-tag=;from-tag=2', 'abc;to-tag=1;to-tag=3;from-tag=2', 'ab c;to-tag=1;from-tag=2', 'abc;to-tag=1 2;from-tag=2', 'abc;;to-tag=1;from-tag=2'] as const).map((v) => {
    const parsed = parseReplaces(v);
    assert.equal(parsed.ok, false, `accepted: ${v}`);
    return parsed.ok ? '' : parsed.error;
  });
  assert.deepEqual(reasons, [
    'Replaces has no Call-ID',
    'Replaces has no Call-ID',
    'Replaces has no to-tag',
    'Replaces has no from-tag',
    'Replaces has no to-tag',
    'Replaces has no to-tag',
    'Replaces repeats to-tag',
    'Replaces has a malformed Call-ID',
    'Replaces has a malformed tag',
    'Replaces has an empty parameter',
  ]);
});
