// The flow state rules: the shown state, the state a new value sets, and hint names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveFlowState, flowHintName, stateForValue } from './flow-state.ts';

const dayNight = { fl_id: 7, fl_number: '*30', fl_value: 'DAY', fl_value_for_unavailable: '', fl_value_for_inuse: 'NIGHT', fl_value_for_notinuse: 'DAY', fl_value_for_ringing: '' };

test('shown state: stored while it agrees with fl_value, else derived, else UNAVAILABLE', () => {
  assert.equal(effectiveFlowState(dayNight, undefined), 'NOT_INUSE');
  assert.equal(effectiveFlowState(dayNight, 'INUSE'), 'NOT_INUSE', 'INUSE maps to NIGHT, not DAY');
  assert.equal(effectiveFlowState(dayNight, 'RINGING'), 'RINGING', 'RINGING maps to nothing');
  assert.equal(effectiveFlowState({ ...dayNight, fl_value: 'X' }, undefined), 'UNAVAILABLE');
});

test('a value picks the exact mapping first, then keeps a state that maps to nothing, else UNAVAILABLE', () => {
  assert.equal(stateForValue(dayNight, 'UNAVAILABLE', 'NIGHT'), 'INUSE');
  assert.equal(stateForValue(dayNight, 'INUSE', 'X'), 'UNAVAILABLE');
  assert.equal(stateForValue(dayNight, 'RINGING', 'X'), 'RINGING');
  assert.equal(stateForValue({ ...dayNight, fl_value_for_ringing: 'NIGHT' }, 'RINGING', 'NIGHT'), 'RINGING', 'the current state wins a tie');
});

test('hint names', () => {
  assert.equal(flowHintName(dayNight, 'ACME'), '*30-ACME');
  assert.equal(flowHintName({ ...dayNight, fl_number: '' }, 'ACME'), 'FLOW-7');
});
