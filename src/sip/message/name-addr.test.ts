import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNameAddr, serializeNameAddr, type NameAddr } from './index.ts';

function nameAddr(text: string): NameAddr {
  const result = parseNameAddr(text);
  if (!result.ok) assert.fail(`${text}: ${result.error}`);
  return result.value;
}

test('quoted display names, with escapes', () => {
  const a = nameAddr('"Alice Liddell" <sip:alice@atlanta.example.com>;tag=1928301774');
  assert.equal(a.displayName, 'Alice Liddell');
  assert.equal(a.uri, 'sip:alice@atlanta.example.com');
  assert.deepEqual([...a.params], [['tag', '1928301774']]);
  assert.equal(nameAddr('"J Rosenberg \\\\\\""       <sip:jdrosen@example.com>').displayName, 'J Rosenberg \\"');
  assert.equal(nameAddr('"Quoted string \\"\\"" <sip:jdrosen@example.com>').displayName, 'Quoted string ""');
  assert.equal(nameAddr('"" <sip:a@example.com>').displayName, '');
  assert.equal(nameAddr('"Zoë, \u5927 <x>" <sip:a@example.com>').displayName, 'Zoë, \u5927 <x>');
});

test('token display names, with or without LWS before <', () => {
  assert.equal(nameAddr('Bob <sip:bob@biloxi.example.com>').displayName, 'Bob');
  assert.equal(nameAddr('caller<sip:caller@example.com>;tag=323').displayName, 'caller');
  assert.equal(nameAddr("token1~` \t token2'+_ token3*%!.- <sip:mundane@example.com>").displayName, "token1~` token2'+_ token3*%!.-");
  assert.equal(nameAddr('<sip:bob@biloxi.example.com>').displayName, undefined);
  assert.equal(nameAddr('   <sip:bob@biloxi.example.com>  ;  tag = x ').params.get('tag'), 'x');
});

test('addr-spec without <>: the parameters belong to the header, not the URI', () => {
  const c = nameAddr('sip:+19725552222@gw1.example.net;unknownparam');
  assert.equal(c.displayName, undefined);
  assert.equal(c.uri, 'sip:+19725552222@gw1.example.net');
  assert.deepEqual([...c.params], [['unknownparam', null]]);
  const to = nameAddr('sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n');
  assert.equal(to.uri, 'sip:vivekg@chair-dnrc.example.com');
  assert.equal(to.params.get('tag'), '1918181833n');
  const inside = nameAddr('<sip:+19725552222@gw1.example.net;unknownparam>');
  assert.equal(inside.uri, 'sip:+19725552222@gw1.example.net;unknownparam');
  assert.equal(inside.params.size, 0);
});

test('a "<" inside a quoted parameter of a bare addr-spec is not an opening bracket', () => {
  const a = nameAddr('sip:a@example.com;x="<b>"');
  assert.equal(a.uri, 'sip:a@example.com');
  assert.equal(a.params.get('x'), '<b>');
});

test('any URI scheme is accepted as an absoluteURI (RFC 4475 §3.3.4)', () => {
  assert.equal(nameAddr('isbn:2983792873').uri, 'isbn:2983792873');
  assert.equal(nameAddr('<http://www.example.com>;tag=3234233').uri, 'http://www.example.com');
  assert.equal(nameAddr('<name:John_Smith>').uri, 'name:John_Smith');
  assert.equal(nameAddr('<tel:+1-201-555-0123>').uri, 'tel:+1-201-555-0123');
  assert.equal(nameAddr('<sip:user@example.com?Route=%3Csip:sip.example.com%3E>').uri, 'sip:user@example.com?Route=%3Csip:sip.example.com%3E');
});

test('malformed values are refused', () => {
  const bad = [
    '"Mr. J. User <sip:j.user@example.com>', // unterminated quote (RFC 4475 §3.1.2.6)
    '"Watson, Thomas" < sip:t.watson@example.org >', // spaces inside <> (§3.1.2.14)
    'Bell, Alexander <sip:a.g.bell@example.com>;tag=43', // non-token display name (§3.1.2.15)
    'sip:user@example.com?Route=%3Csip:sip.example.com%3E', // "?" needs <> (§3.1.2.13)
    'sip:a@example.com,sip:b@example.com',
    '"Joe" <sip:joe@example.org>;;;;', // empty parameters (§3.1.2.1)
    '"Joe" sip:joe@example.org',
    '<sip:joe@example.org',
    '<sip:joe@example.org> junk',
    '<sip:>', '<>', '', '<:x>', '<1abc:x>', '<sip:user@exa mple.com>', '<sip:a@b:99999>', '"a\\',
  ];
  for (const text of bad) assert.equal(parseNameAddr(text).ok, false, text);
});

test('serializeNameAddr always writes <uri> and quotes the display name safely', () => {
  assert.equal(serializeNameAddr(nameAddr('Bob <sip:bob@example.com>;tag=1')), '"Bob" <sip:bob@example.com>;tag=1');
  assert.equal(serializeNameAddr(nameAddr('sip:a@example.com;unknownparam')), '<sip:a@example.com>;unknownparam');
  assert.equal(serializeNameAddr({ displayName: 'say "hi" \\ now\r\nX-Injected: 1', uri: 'sip:a@example.com', params: new Map() }), '"say \\"hi\\" \\\\ now  X-Injected: 1" <sip:a@example.com>');
  for (const text of ['"J Rosenberg \\\\\\"" <sip:jdrosen@example.com>;tag=98asjd8', '"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f" <sip:a@example.com>', '<sip:a@example.com>;q=0.33;x="a;b"']) {
    const first = nameAddr(text);
    assert.deepEqual(nameAddr(serializeNameAddr(first)), first, text);
  }
});
