// Caller identities as header text: a hostile number or name cannot close the URI, add parameters or headers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNameAddr } from '../../sip/index.ts';
import { callerNameAddr, callerUser, displayName } from './caller-identity.ts';

describe('caller identity', () => {
  test('a number with URI syntax in it stays inside the user part', () => {
    const from = callerNameAddr('', '999@attacker>;tag=forged', 'trunk.example');
    assert.equal(from, '<sip:999%40attacker%3E%3Btag%3Dforged@trunk.example>');
    const parsed = parseNameAddr(from);
    assert.ok(parsed.ok);
    if (parsed.ok) {
      assert.equal(parsed.value.uri, 'sip:999%40attacker%3E%3Btag%3Dforged@trunk.example');
      assert.equal(parsed.value.params.has('tag'), false);
    }
  });

  test('ordinary numbers are unchanged; # and spaces are escaped', () => {
    assert.equal(callerUser('+390612345678'), '+390612345678');
    assert.equal(callerUser('*78'), '*78');
    assert.equal(callerUser('12#3 4'), '12%233%204');
  });

  test('a name cannot end the quoted-string or the header', () => {
    assert.equal(displayName('Ann "The" \\ Boss'), '"Ann \\"The\\" \\\\ Boss" ');
    assert.equal(displayName('Eve\r\nX-Evil: 1'), '"EveX-Evil: 1" ');
    assert.equal(displayName(''), '');
  });
});
