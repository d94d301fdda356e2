// The UAS checks table (RFC 3261 §8.2.1, §8.2.2.1, §8.2.2.3, §16.3): order, exemptions, headers of the answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Headers, type SipRequest } from '../message/index.ts';
import { checkRequest, uasPolicy } from './uas-checks.ts';

const policy = uasPolicy(['INVITE', 'OPTIONS'], ['timer', '100rel']);

function request(method: string, uri = 'sip:bob@example.com', headers: Array<[string, string]> = []): SipRequest {
  return { type: 'request', method, uri, version: 'SIP/2.0', headers: new Headers(headers), body: Buffer.alloc(0) };
}

test('the method comes first (§8.2.1): 405 for a known method, 501 for an unknown one, Allow on both', () => {
  assert.deepEqual(checkRequest(request('BYE', 'foo:bar'), policy), { status: 405, reason: 'Method Not Allowed', headers: [['Allow', 'INVITE, OPTIONS, ACK, CANCEL']] });
  assert.equal(checkRequest(request('invite'), policy)?.status, 501, 'method names are case-sensitive');
});

test('416 for schemes other than sip, sips and tel, whatever their case', () => {
  assert.equal(checkRequest(request('OPTIONS', 'SIPS:bob@example.com'), policy), undefined);
  assert.equal(checkRequest(request('OPTIONS', 'tel:+15551234'), policy), undefined);
  assert.equal(checkRequest(request('OPTIONS', 'http://example.com'), policy)?.status, 416);
  assert.equal(checkRequest(request('OPTIONS', 'no-colon'), policy)?.status, 416);
});

test('420 lists exactly the unknown Require tags; CANCEL and ACK ignore Require; Proxy-Require is not read', () => {
  const refusal = checkRequest(request('INVITE', undefined, [['Require', 'timer, foo'], ['Require', 'bar'], ['Proxy-Require', 'baz']]), policy);
  assert.deepEqual(refusal, { status: 420, reason: 'Bad Extension', headers: [['Unsupported', 'foo, bar']] });
  assert.equal(checkRequest(request('CANCEL', undefined, [['Require', 'foo']]), policy), undefined);
  assert.equal(checkRequest(request('ACK', undefined, [['Require', 'foo']]), policy), undefined);
  assert.equal(checkRequest(request('OPTIONS', undefined, [['Proxy-Require', 'foo']]), policy), undefined);
});

test('Max-Forwards 0 gets 483 except on OPTIONS, CANCEL and ACK', () => {
  assert.equal(checkRequest(request('INVITE', undefined, [['Max-Forwards', '0']]), policy)?.status, 483);
  assert.equal(checkRequest(request('INVITE', undefined, [['Max-Forwards', '1']]), policy), undefined);
  assert.equal(checkRequest(request('OPTIONS', undefined, [['Max-Forwards', '0']]), policy), undefined);
  assert.equal(checkRequest(request('CANCEL', undefined, [['Max-Forwards', '0']]), policy), undefined);
});
