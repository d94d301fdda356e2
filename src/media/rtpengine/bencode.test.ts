import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bdecode, bencode, BencodeError } from './bencode.ts';

test('bencode writes ng dictionaries with sorted keys, lists, integers and UTF-8 strings', () => {
  const encoded = bencode({ 'to-tag': 'b', command: 'offer', replace: ['origin', 'session-connection'], n: -3, sdp: 'v=0\r\ns=é\r\n' });
  assert.equal(encoded.toString('utf8'), 'd7:command5:offer1:ni-3e7:replacel6:origin18:session-connectione3:sdp11:v=0\r\ns=é\r\n6:to-tag1:be');
});

test('bdecode reads back what bencode wrote, nested', () => {
  const value = { result: 'ok', tags: { a: { medias: [{ streams: [{ 'local port': 41020, 'local address': '127.0.0.1' }] }] } }, zero: 0 };
  // Dictionaries come back without a prototype (a key such as __proto__ is plain data): compared as JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(bdecode(bencode(value)))), value);
});

test('bdecode refuses malformed input with the byte where it went wrong', () => {
  for (const bad of ['', 'i01e', 'i-0e', 'ie', '5:abc', 'l1:a', 'd1:ai1e', 'di1ei2ee', 'x', 'i1ei2e', '01:a']) {
    assert.throws(() => bdecode(Buffer.from(bad, 'latin1')), BencodeError, bad);
  }
  const deep = Buffer.from(`${'l'.repeat(100)}${'e'.repeat(100)}`, 'latin1');
  assert.throws(() => bdecode(deep), /nested too deep/);
});

test('bencode refuses a number that is not an integer', () => {
  assert.throws(() => bencode({ n: 1.5 }), RangeError);
});
