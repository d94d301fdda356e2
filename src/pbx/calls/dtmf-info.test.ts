// SIP INFO DTMF bodies as phones and carriers send them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dtmfOfInfo, dtmfRelayBody } from './dtmf-info.ts';

test('application/dtmf-relay: Signal and Duration, any case and line ending; numbered * and #', () => {
  assert.deepEqual(dtmfOfInfo('application/dtmf-relay', Buffer.from('Signal=5\r\nDuration=160\r\n')), { digit: '5', durationMs: 160 });
  assert.deepEqual(dtmfOfInfo('Application/DTMF-Relay; charset=x', Buffer.from('signal= #\nduration=250')), { digit: '#', durationMs: 250 });
  assert.deepEqual(dtmfOfInfo('application/dtmf-relay', Buffer.from('Signal=10\r\n')), { digit: '*', durationMs: undefined });
  assert.deepEqual(dtmfOfInfo('application/dtmf-relay', Buffer.from('Signal=11\r\nDuration=-3\r\n')), { digit: '#', durationMs: undefined });
  assert.equal(dtmfOfInfo('application/dtmf-relay', Buffer.from('Signal=X\r\n')), undefined);
});

test('application/dtmf: the key alone; other INFO bodies are not keys', () => {
  assert.deepEqual(dtmfOfInfo('application/dtmf', Buffer.from('7\r\n')), { digit: '7', durationMs: undefined });
  assert.equal(dtmfOfInfo('application/media_control+xml', Buffer.from('<x/>')), undefined);
  assert.equal(dtmfOfInfo(undefined, Buffer.from('5')), undefined);
  assert.equal(dtmfOfInfo('application/dtmf', Buffer.alloc(1000, 0x35)), undefined);
});

test('a key goes out as dtmf-relay', () => {
  assert.equal(dtmfRelayBody('9', 100), 'Signal=9\r\nDuration=100\r\n');
  assert.equal(dtmfRelayBody('*', 5), 'Signal=*\r\nDuration=40\r\n');
});
