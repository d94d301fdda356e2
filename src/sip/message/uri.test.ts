import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUri, serializeUri, type SipUri } from './index.ts';

function uri(text: string): SipUri {
  const result = parseUri(text);
  if (!result.ok) assert.fail(`${text}: ${result.error}`);
  return result.value;
}

test('sip URI: user, password, host, port, parameters, headers', () => {
  const u = uri('sip:alice:secret@Atlanta.Example.COM:5060;transport=TCP;lr;Maddr=239.255.255.1?Subject=project%20x&Priority=urgent');
  assert.equal(u.scheme, 'sip');
  assert.equal(u.user, 'alice');
  assert.equal(u.password, 'secret');
  assert.equal(u.host, 'atlanta.example.com', 'hosts compare case-insensitively, kept lower-cased');
  assert.equal(u.port, 5060);
  assert.deepEqual([...u.params], [['transport', 'TCP'], ['lr', null], ['maddr', '239.255.255.1']]);
  assert.deepEqual([...u.headers], [['Subject', 'project x'], ['Priority', 'urgent']]);
});

test('schemes are case-insensitive; sips; host-only URIs', () => {
  const u = uri('SIPS:example.com');
  assert.equal(u.scheme, 'sips');
  assert.equal(u.user, undefined);
  assert.equal(u.password, undefined);
  assert.equal(u.port, undefined);
  assert.equal(uri('sip:192.0.2.4').host, '192.0.2.4');
  assert.equal(uri('sip:example.com.').host, 'example.com.');
});

test('IPv6 references keep their address without brackets', () => {
  const u = uri('sip:bob@[2001:DB8::9:1]:5070;transport=udp');
  assert.equal(u.host, '2001:db8::9:1');
  assert.equal(u.port, 5070);
  assert.equal(uri('sip:[::ffff:192.0.2.1]').host, '::ffff:192.0.2.1');
});

test('%-escapes decode in user, password, parameter names and values, headers (UTF-8 octets)', () => {
  assert.equal(uri('sip:%75se%72@example.com').user, 'user');
  assert.equal(uri('sip:sips%3Auser%40example.com@example.net').user, 'sips:user@example.com');
  assert.equal(uri('sip:null-%00-null@example.com').user, 'null-\0-null');
  assert.equal(uri('sip:j%C3%BCrgen@example.com').user, 'jürgen');
  const u = uri('sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31');
  assert.deepEqual([...u.params], [['lr', null], ['name', 'value%41']]);
  assert.equal(uri('sip:user@example.com?Route=%3Csip:sip.example.com%3E').headers.get('Route'), '<sip:sip.example.com>');
});

test('the user part may hold ; ? / and the password , = & (RFC 4475 §3.1.1.2, §3.1.1.9)', () => {
  const semi = uri('sip:user;par=u%40example.net@example.com');
  assert.equal(semi.user, 'user;par=u@example.net');
  assert.equal(semi.params.size, 0);
  const odd = uri("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com");
  assert.equal(odd.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  assert.equal(odd.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  assert.equal(uri('sip:+1-212-555-1212;phone-context=example.com@gw.example.com;user=phone').user, '+1-212-555-1212;phone-context=example.com');
});

test('repeated URI headers are kept as a comma list', () => {
  assert.equal(uri('sip:a@b.example?Route=%3Csip:x%3E&Route=%3Csip:y%3E').headers.get('Route'), '<sip:x>,<sip:y>');
});

test('tel URIs: global and local numbers with parameters', () => {
  const global = uri('tel:+1-201-555-0123;ext=1234');
  assert.equal(global.scheme, 'tel');
  assert.equal(global.host, '+1-201-555-0123');
  assert.equal(global.user, undefined);
  assert.equal(global.params.get('ext'), '1234');
  const local = uri('tel:7042;phone-context=example.com');
  assert.equal(local.host, '7042');
  assert.equal(local.params.get('phone-context'), 'example.com');
  assert.equal(uri('tel:*21#').host, '*21#');
  assert.equal(uri('tel:100').host, '100', 'extensions without phone-context are accepted');
});

test('malformed URIs are refused', () => {
  const bad = [
    '', 'sip', ':x', 'sip:', 'sip:@example.com', 'sip:user@', 'sip:user@exa mple.com', 'sip:user@example..com', 'sip:user@.example.com',
    'sip:user@example.com:0', 'sip:user@example.com:65536', 'sip:user@example.com:', 'sip:user@example.com:5x',
    'sip:user@[2001:db8::1', 'sip:user@[not-v6]', 'sip:us%2ger@example.com', 'sip:user@example.com;', 'sip:user@example.com;a=%4',
    'sip:user@example.com?', 'sip:user@example.com?noequals', 'sip:user@example.com>', 'sip:us"er@example.com', 'sip:a:b:c@example.com',
    'http://example.com/', 'tel:', 'tel:+', 'tel:+12a4', 'tel:12?x=y', 'nobodyKnowsThisScheme:totallyopaquecontent',
  ];
  for (const text of bad) assert.equal(parseUri(text).ok, false, text);
});

test('serializeUri re-escapes what the grammar does not allow and round-trips', () => {
  const samples = [
    'sip:alice:secret@atlanta.example.com:5060;transport=TCP;lr?Subject=project%20x&Priority=urgent',
    'sips:sips%3Auser%40example.com@example.net',
    'sip:bob@[2001:db8::9:1]:5070;maddr=[2001:db8::1]',
    'sip:j%C3%BCrgen@example.com',
    'sip:null-%00-null@example.com',
    'sip:user;par=u%40example.net@example.com',
    'tel:+1-201-555-0123;ext=1234',
  ];
  for (const text of samples) {
    const first = uri(text);
    const written = serializeUri(first);
    assert.deepEqual(uri(written), first, written);
  }
  assert.equal(serializeUri(uri('sip:%75se%72@Example.com;%6C%72')), 'sip:user@example.com;lr');
  assert.equal(serializeUri({ ...uri('sip:x@example.com'), user: 'a b@c' }), 'sip:a%20b%40c@example.com');
  assert.equal(serializeUri({ ...uri('sip:x@example.com'), params: new Map([['name', 'v%41 ;']]) }), 'sip:x@example.com;name=v%2541%20%3B');
});
