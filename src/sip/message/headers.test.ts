import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Headers, canonicalName } from './index.ts';

test('compact forms expand; other names are lower-cased', () => {
  assert.deepEqual(['v', 'I', 'l', 'm', 'Call-ID', 'X-Foo'].map(canonicalName), ['via', 'call-id', 'content-length', 'contact', 'call-id', 'x-foo']);
});

test('names that are Object.prototype members stay plain names', () => {
  assert.deepEqual(['constructor', '__proto__', 'toString', 'hasOwnProperty'].map(canonicalName), ['constructor', '__proto__', 'tostring', 'hasownproperty']);
  const h = new Headers([['constructor', '1']]);
  assert.equal(h.get('constructor'), '1');
});

test('getAll splits list headers on demand, across lines', () => {
  const h = new Headers([['Via', 'SIP/2.0/UDP a;branch=1, SIP/2.0/UDP b;branch=2'], ['v', 'SIP/2.0/UDP c'], ['Subject', 'a, b']]);
  assert.deepEqual(h.getAll('via'), ['SIP/2.0/UDP a;branch=1', 'SIP/2.0/UDP b;branch=2', 'SIP/2.0/UDP c']);
  assert.deepEqual(h.getAll('subject'), ['a, b']);
});
