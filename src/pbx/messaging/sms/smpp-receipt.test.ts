import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isReceipt, normalizeMessageId, parseReceipt, receiptIdCandidates } from './smpp-receipt.ts';

test('receipt text of SMPP 3.4 appendix B: id, stat, err; TLVs win over the text', () => {
  const text = 'id:0A1B2C sub:001 dlvrd:001 submit date:2612051200 done date:2612051201 stat:DELIVRD err:000 text:Hello';
  assert.deepEqual(parseReceipt(text, {}), { messageId: '0A1B2C', stat: 'DELIVRD', error: '000', outcome: 'delivered' });
  assert.deepEqual(parseReceipt('id:77 stat:UNDELIV err:034', {}), { messageId: '77', stat: 'UNDELIV', error: '034', outcome: 'undelivered' });
  assert.equal(parseReceipt('id:77 stat:ENROUTE', {})?.outcome, 'pending');
  assert.equal(parseReceipt('id:77 stat:ACCEPTD', {})?.outcome, 'pending');
  assert.equal(parseReceipt('id:77 stat:EXPIRED', {})?.outcome, 'undelivered');
  assert.deepEqual(parseReceipt('id:1 stat:DELIVRD', { receiptedMessageId: 'abc', messageState: 5 }), { messageId: 'abc', stat: 'UNDELIV', error: '', outcome: 'undelivered' });
  assert.equal(parseReceipt('stat:DELIVRD', {}), undefined, 'no id: nothing to match');
  assert.equal(parseReceipt('id:9', {})?.stat, 'UNKNOWN');
  assert.ok(isReceipt(0x04) && isReceipt(0x20) && isReceipt(0x44));
  assert.ok(!isReceipt(0x00) && !isReceipt(0x40) && !isReceipt(0x08));
});

test('ids: kept lower case without leading zeros; a receipt id also stands for the same number in the other base', () => {
  assert.equal(normalizeMessageId('000A1B2C'), 'a1b2c');
  assert.equal(normalizeMessageId('0000'), '0');
  assert.equal(normalizeMessageId('msg-00012'), 'msg-00012');
  assert.deepEqual(receiptIdCandidates('662316'), ['662316', 'a1b2c', '6693654']);
  assert.deepEqual(receiptIdCandidates('000A1B2C'), ['a1b2c', '662316']);
  assert.deepEqual(receiptIdCandidates('msg-12'), ['msg-12']);
  assert.ok(receiptIdCandidates('18446744073709551615').includes('ffffffffffffffff'), '64-bit ids do not lose precision');
});
