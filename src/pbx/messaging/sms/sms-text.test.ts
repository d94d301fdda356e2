import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureSms } from './sms-text.ts';

test('GSM 7-bit: 160 septets in one part, 161 in two, 153 per concatenated part', () => {
  assert.deepEqual(measureSms('a'.repeat(160)), { encoding: 'gsm7', units: 160, parts: 1 });
  assert.deepEqual(measureSms('a'.repeat(161)), { encoding: 'gsm7', units: 161, parts: 2 });
  assert.deepEqual(measureSms('a'.repeat(306)), { encoding: 'gsm7', units: 306, parts: 2 });
  assert.deepEqual(measureSms('a'.repeat(307)), { encoding: 'gsm7', units: 307, parts: 3 });
});

test('the extension table characters count double and keep GSM 7-bit', () => {
  assert.deepEqual(measureSms('€'.repeat(80)), { encoding: 'gsm7', units: 160, parts: 1 });
  assert.deepEqual(measureSms(`${'€'.repeat(80)}a`), { encoding: 'gsm7', units: 161, parts: 2 });
  assert.equal(measureSms('Grüße àèé [x] {y}').encoding, 'gsm7');
});

test('a character outside the GSM alphabet makes it UCS-2: 70 units in one part, 67 per concatenated part', () => {
  assert.deepEqual(measureSms('ç'.repeat(70)), { encoding: 'ucs2', units: 70, parts: 1 });
  assert.deepEqual(measureSms('你'.repeat(71)), { encoding: 'ucs2', units: 71, parts: 2 });
  assert.deepEqual(measureSms('😀'), { encoding: 'ucs2', units: 2, parts: 1 });
  assert.deepEqual(measureSms(''), { encoding: 'gsm7', units: 0, parts: 1 });
});
