// Whether a call is recorded and whether its parties may switch it, from DIAL, the tenant, DIDs, extensions and steps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordingPolicy, recordingMode, type RecordingMode } from './recording-policy.ts';

function decide(settings: readonly RecordingMode[], dial?: RecordingMode): [boolean, boolean] {
  const policy = new RecordingPolicy();
  for (const mode of settings) policy.fromSetting(mode);
  if (dial !== undefined) policy.fromDial(dial);
  return [policy.record, policy.changeable];
}

test('stored and given values read as MiRTA modes; empty and unknown values say nothing', () => {
  assert.deepEqual(['yes', 'on', 'YES', 'no', 'yeschange', 'NoChange', '', 'off', 'maybe', undefined, null].map(recordingMode), ['yes', 'yes', 'yes', 'no', 'yeschange', 'nochange', undefined, undefined, undefined, undefined, undefined]);
});

test('nothing said: not recorded, and a party may start it with the code (on demand)', () => {
  assert.deepEqual(decide([]), [false, true]);
});

test('yes records and is an obligation; yeschange records and may be switched; either records over no', () => {
  assert.deepEqual(decide(['yes']), [true, false]);
  assert.deepEqual(decide(['yeschange']), [true, true]);
  assert.deepEqual(decide(['yeschange', 'yes']), [true, false], 'a DID that must record is not lifted by an extension that may change');
  assert.deepEqual(decide(['no', 'yeschange']), [true, true]);
});

test('no refuses the code; nochange lets a party start it', () => {
  assert.deepEqual(decide(['no']), [false, false]);
  assert.deepEqual(decide(['nochange']), [false, true]);
  assert.deepEqual(decide(['nochange', 'no']), [false, false]);
});

test("DIAL's recording= decides over every setting", () => {
  assert.deepEqual(decide(['yes'], 'no'), [false, false]);
  assert.deepEqual(decide(['no'], 'yes'), [true, false]);
  assert.deepEqual(decide(['yes'], 'nochange'), [false, true]);
  assert.deepEqual(decide(['no'], 'yeschange'), [true, true]);
});
