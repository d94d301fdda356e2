// §19.1.4 URI equivalence as the registrar's Contact search uses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameContactUri } from './contact-uri.ts';

test('equivalent contacts (RFC 3261 §19.1.4 examples and the rules behind them)', () => {
  assert.equal(sameContactUri('sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp'), true);
  assert.equal(sameContactUri('sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5'), true);
  assert.equal(sameContactUri('sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;newparam=5'), true);
  assert.equal(sameContactUri('sip:100@10.0.0.7:5060;ob', 'sip:100@10.0.0.7:5060'), true);
});

test('different contacts', () => {
  assert.equal(sameContactUri('SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP'), false, 'user is case-sensitive');
  assert.equal(sameContactUri('sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060'), false, 'explicit default port');
  assert.equal(sameContactUri('sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp'), false, 'transport in one only');
  assert.equal(sameContactUri('sip:bob@biloxi.com', 'sips:bob@biloxi.com'), false);
  assert.equal(sameContactUri('sip:carol@chicago.com;line=a', 'sip:carol@chicago.com;line=b'), false, 'a parameter in both must match');
  assert.equal(sameContactUri('sip:carol@chicago.com?Subject=next', 'sip:carol@chicago.com'), false, 'headers are never ignored');
  assert.equal(sameContactUri('urn:uuid:1', 'urn:uuid:2'), false);
});
