// matchFeatureCode: the default star codes, the tenant's own codes in front of them, and what is no code at all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_FEATURE_CODES, looksLikeFeatureCode, matchFeatureCode, type FeatureCodeTable } from './feature-code.ts';

test('default codes: *78 on, *79 off, *76 toggle, *28<flow> toggle', () => {
  assert.deepEqual(matchFeatureCode('*78'), { kind: 'dnd', value: 'on' });
  assert.deepEqual(matchFeatureCode('*79'), { kind: 'dnd', value: 'off' });
  assert.deepEqual(matchFeatureCode('*76'), { kind: 'dnd', value: 'toggle' });
  assert.deepEqual(matchFeatureCode('*285'), { kind: 'flow', number: '5', value: 'toggle' });
  assert.deepEqual(matchFeatureCode('*28*30'), { kind: 'flow', number: '*30', value: 'toggle' });
});

test('anything else is no feature code', () => {
  for (const dialled of ['*28', '*7', '*780', '78', '100', '', '*78 ', 'sip:*78', '*77', '#', '*'.repeat(33)]) {
    assert.equal(matchFeatureCode(dialled), undefined, dialled);
  }
  assert.equal(looksLikeFeatureCode('100'), false);
  assert.equal(looksLikeFeatureCode('#12'), true);
});

test("the tenant's codes win: a flow code of its own, and a default code it uses for something else", () => {
  const codes: FeatureCodeTable = {
    ...DEFAULT_FEATURE_CODES,
    tenant: [
      { code: '*30', action: { kind: 'flow', number: '*30', value: 'toggle' } },
      { code: '*78', action: undefined },
      { code: '*281', action: { kind: 'flow', number: '7', value: 'toggle' } },
    ],
  };
  assert.deepEqual(matchFeatureCode('*30', codes), { kind: 'flow', number: '*30', value: 'toggle' });
  assert.equal(matchFeatureCode('*78', codes), undefined);
  assert.deepEqual(matchFeatureCode('*281', codes), { kind: 'flow', number: '7', value: 'toggle' });
  assert.deepEqual(matchFeatureCode('*282', codes), { kind: 'flow', number: '2', value: 'toggle' });
  assert.deepEqual(matchFeatureCode('*79', codes), { kind: 'dnd', value: 'off' });
  assert.equal(matchFeatureCode('*30'), undefined, 'without the table *30 is nothing');
});

test('a table with other defaults', () => {
  const codes: FeatureCodeTable = { dndOn: '#1', dndOff: '#2', dndToggle: '#3', flowTogglePrefix: '', tenant: [] };
  assert.deepEqual(matchFeatureCode('#1', codes), { kind: 'dnd', value: 'on' });
  assert.equal(matchFeatureCode('*78', codes), undefined);
  assert.equal(matchFeatureCode('*285', codes), undefined);
});
