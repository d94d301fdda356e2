// The destination tables (spec §3.3): "TAG-ID" parsing, slot owners, and the objects target tags name.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTarget, slotOwner, slotTypesOf, targetObject, targetText } from './destination.ts';

describe('destinations', () => {
  test('"TAG-ID" parses case-insensitively; the misspelt VOICMEAIL is VOICEMAIL', () => {
    assert.deepEqual(parseTarget('EXT-29379'), { ok: true, target: { tag: 'EXT', id: 29379 } });
    assert.deepEqual(parseTarget(' playback-60 '), { ok: true, target: { tag: 'PLAYBACK', id: 60 } });
    assert.deepEqual(parseTarget('VOICMEAIL-7'), { ok: true, target: { tag: 'VOICEMAIL', id: 7 } });
    assert.deepEqual(parseTarget('PARK-0'), { ok: true, target: { tag: 'PARK', id: 0 } });
  });

  test('anything else says why', () => {
    assert.deepEqual(parseTarget('EXT'), { ok: false, why: 'expected TYPE-ID such as EXT-100' });
    assert.deepEqual(parseTarget('EXT--1'), { ok: false, why: 'expected TYPE-ID such as EXT-100' });
    assert.deepEqual(parseTarget('EXT-1; DROP'), { ok: false, why: 'expected TYPE-ID such as EXT-100' });
    assert.deepEqual(parseTarget('NOPE-1'), { ok: false, why: 'unknown destination type NOPE' });
    assert.deepEqual(parseTarget('EXT-9999999999'), { ok: false, why: 'the id is too large' });
  });

  test('slot types name their owner object', () => {
    assert.equal(slotOwner('DID'), 'did');
    assert.equal(slotOwner('DID-FAXSUCCESS'), 'did');
    assert.equal(slotOwner('IVR_STAR'), 'ivr');
    assert.equal(slotOwner('CUSTOMIVR_SUPPORT'), 'ivr');
    assert.equal(slotOwner('CONDITION20'), 'condition');
    assert.equal(slotOwner('CONDITION21'), undefined);
    assert.equal(slotOwner('HUNTLIST'), 'huntlist');
    assert.equal(slotOwner('QUEUE-TIMEOUT'), 'queue');
    assert.equal(slotOwner('RANDOMDESTINATION7'), 'custom');
    assert.equal(slotOwner('did'), undefined);
    assert.equal(slotTypesOf('did').length, 4);
  });

  test('target tags name the object their id is', () => {
    assert.equal(targetObject('EXT'), 'extension');
    assert.equal(targetObject('MEETME'), 'conference');
    assert.equal(targetObject('PAUSEQUEUE'), 'queue');
    assert.equal(targetObject('PARK'), undefined);
    assert.equal(targetText({ de_type_dst: 'EXT', de_type_id_dst: 5 }), 'EXT-5');
  });
});
