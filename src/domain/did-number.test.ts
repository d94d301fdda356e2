// The spellings of one DID number: the key the store makes unique and the variants inbound routing looks up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { didNumberKey, didNumberVariants } from './did-number.ts';

test('didNumberKey: +, the 00 prefix, separators and spaces go; the digits stay', () => {
  const cases: Array<[string, string]> = [
    ['5551000', '5551000'],
    ['+5551000', '5551000'],
    ['005551000', '5551000'],
    [' +39 02-1234 ', '39021234'],
    ['+39 (02) 1234', '39021234'],
    ['0039.02.1234', '39021234'],
    ['+0039021234', '39021234'],
    ['021234', '021234'],
    ['0', '0'],
    ['00', '00'],
    ['alice', 'alice'],
    ['', ''],
  ];
  for (const [given, want] of cases) assert.equal(didNumberKey(given), want, given);
});

test('every variant of a number has its key', () => {
  for (const number of ['+39021234', '0039021234', '39021234', '+0039021234', '021234', '0']) {
    for (const variant of didNumberVariants(number)) assert.equal(didNumberKey(variant), didNumberKey(number), `${number} -> ${variant}`);
  }
});

test('didNumberVariants: as given first, then bare, +, 00; only valid DID spellings', () => {
  const cases: Array<[string, string[]]> = [
    ['+39021234', ['+39021234', '39021234', '0039021234']],
    ['0039021234', ['0039021234', '39021234', '+39021234']],
    ['39021234', ['39021234', '+39021234', '0039021234']],
    ['+39 02 1234', ['39021234', '+39021234', '0039021234']],
    ['9'.repeat(32), ['9'.repeat(32), `+${'9'.repeat(32)}`]],
    ['alice', ['alice']],
    ['', ['']],
  ];
  for (const [given, want] of cases) assert.deepEqual(didNumberVariants(given), want, given);
});
