// How a refusal reads in the CDR: the disposition of the SIP answer, and the Asterisk application giving it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dispositionOfStatus, refusalOf } from './call-refusal.ts';

test('a 480 is NO ANSWER only when the attempt rang; an offline extension (nothing rang) is FAILED, as CHANUNAVAIL', () => {
  assert.equal(dispositionOfStatus(480, undefined), 'FAILED');
  assert.equal(dispositionOfStatus(480, { kind: 'noanswer' }), 'NO ANSWER');
  assert.equal(dispositionOfStatus(486, undefined), 'BUSY');
  assert.equal(dispositionOfStatus(503, undefined), 'CONGESTION');
  assert.equal(dispositionOfStatus(404, undefined), 'FAILED');
});

test('the row of a call refused before it started', () => {
  assert.deepEqual(refusalOf(404), { disposition: 'FAILED', app: 'Hangup', sipStatus: 404 });
  assert.deepEqual(refusalOf(480), { disposition: 'FAILED', app: 'Hangup', sipStatus: 480 });
  assert.deepEqual(refusalOf(486), { disposition: 'BUSY', app: 'Busy', sipStatus: 486 });
  assert.deepEqual(refusalOf(503), { disposition: 'CONGESTION', app: 'Congestion', sipStatus: 503 });
  assert.deepEqual(refusalOf(603), { disposition: 'FAILED', app: 'Hangup', sipStatus: 603 });
});
