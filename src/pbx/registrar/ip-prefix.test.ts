// IP parsing and CIDR matching for the trusted networks (RFC 4632, RFC 4291 §2.2 text forms).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp, parsePrefix, prefixContains, prefixKey } from './ip-prefix.ts';

const contains = (prefix: string, address: string): boolean => {
  const p = parsePrefix(prefix);
  const a = parseIp(address);
  assert.ok(p && a, `${prefix} / ${address}`);
  return prefixContains(p, a);
};

test('IPv4 prefixes, including odd lengths and /0', () => {
  assert.equal(contains('192.168.0.0/16', '192.168.200.1'), true);
  assert.equal(contains('192.168.0.0/16', '192.169.0.1'), false);
  assert.equal(contains('10.0.0.0/9', '10.127.255.255'), true);
  assert.equal(contains('10.0.0.0/9', '10.128.0.0'), false);
  assert.equal(contains('0.0.0.0/0', '203.0.113.1'), true);
  assert.equal(contains('203.0.113.7', '203.0.113.7'), true, 'a bare address is a /32');
  assert.equal(contains('203.0.113.7', '203.0.113.8'), false);
});

test('IPv6 prefixes in every text form; mapped IPv4 meets IPv4 and never a real IPv6 prefix', () => {
  assert.equal(contains('2001:db8::/32', '2001:0db8:ffff::1'), true);
  assert.equal(contains('2001:db8::/32', '2001:db9::1'), false);
  assert.equal(contains('fe80::/10', 'fe80::1%eth0'), true);
  assert.equal(contains('::1', '0:0:0:0:0:0:0:1'), true);
  assert.equal(contains('64:ff9b::/96', '64:ff9b::192.0.2.33'), true);
  assert.equal(contains('10.0.0.0/8', '::ffff:10.1.2.3'), true);
  assert.equal(contains('::ffff:10.0.0.0/104', '10.200.0.1'), true, 'a mapped prefix is written on 128 bits');
  assert.equal(contains('::/0', '10.0.0.1'), false, 'families do not mix');
  assert.equal(parseIp('1.2.3'), undefined);
  assert.equal(parseIp('2001:db8::g'), undefined);
});

test('prefix keys group addresses', () => {
  const key = (address: string, length: number): string => prefixKey(parseIp(address) ?? assert.fail(address), length);
  assert.equal(key('2001:db8:1:2:aaaa::1', 64), key('2001:db8:1:2:bbbb::2', 64));
  assert.notEqual(key('2001:db8:1:2::1', 64), key('2001:db8:1:3::1', 64));
  assert.equal(key('198.51.100.9', 32), '4:c6336409/32');
  assert.equal(key('198.51.100.9', 20), key('198.51.111.1', 20));
});
