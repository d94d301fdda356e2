// Address rules: what a tenant's di_smsemail and the node's CALLGRID_MAIL_FROM may hold.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addressProblem, parseAddressList, parseMailbox } from './index.ts';

describe('e-mail addresses', () => {
  test('plain addresses pass; anything that could carry a header, a second recipient or a comment does not', () => {
    for (const good of ['ops@example.test', 'first.last+sms@sub.example.co', "o'brien@example.test", 'root@localhost']) assert.equal(addressProblem(good), undefined, good);
    for (const bad of ['', 'ops', '@example.test', 'ops@', 'a b@example.test', 'ops@example.test\r\nBcc: x@y.test', '"ops"@example.test', 'ops@exa_mple.test', 'ops@-example.test', '.ops@example.test', 'o..ps@example.test', 'Ops <ops@example.test>', 'ops@example.test,x@y.test', `${'a'.repeat(65)}@example.test`, 'ops@exämple.test']) {
      assert.notEqual(addressProblem(bad), undefined, JSON.stringify(bad));
    }
  });

  test('a comma list: trimmed, duplicates (ignoring case) once, the first bad one named, at most 10', () => {
    assert.deepEqual(parseAddressList(' ops@example.test, boss@example.test ,OPS@example.test,'), { ok: true, value: ['ops@example.test', 'boss@example.test'] });
    assert.deepEqual(parseAddressList('ops@example.test, not an address'), { ok: false, error: "'not an address' is not an e-mail address (expected name@domain)" });
    assert.deepEqual(parseAddressList('ops@example.test\nBcc: x@y.test'), { ok: false, error: "'ops@example.test?Bcc: x@y.test' has a local part that is not plain (letters, digits, . and !#$%&'*+/=?^_`{|}~- only)" });
    assert.deepEqual(parseAddressList(' , '), { ok: false, error: 'no e-mail address given' });
    const eleven = Array.from({ length: 11 }, (_, i) => `u${i}@example.test`).join(',');
    assert.deepEqual(parseAddressList(eleven), { ok: false, error: '11 addresses, over the limit of 10' });
  });

  test('a sender: Name <address> or an address; a name cannot break out of its quotes', () => {
    assert.deepEqual(parseMailbox('Callgrid <pbx@node1.example.test>'), { ok: true, value: { name: 'Callgrid', address: 'pbx@node1.example.test' } });
    assert.deepEqual(parseMailbox('"Callgrid PBX" <pbx@example.test>'), { ok: true, value: { name: 'Callgrid PBX', address: 'pbx@example.test' } });
    assert.deepEqual(parseMailbox('pbx@example.test'), { ok: true, value: { address: 'pbx@example.test' } });
    assert.equal(parseMailbox('Evil\r\nBcc: x <pbx@example.test>').ok, false);
    assert.equal(parseMailbox('Call"grid <pbx@example.test>').ok, false);
    assert.equal(parseMailbox('Callgrid <pbx>').ok, false);
  });
});
