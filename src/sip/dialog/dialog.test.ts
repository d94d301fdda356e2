// Dialog (RFC 3261 §12): UAS and UAC creation, confirmation by a 2xx, remote CSeq, target refresh, keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Headers, type SipRequest } from '../message/index.ts';
import { Dialog } from './dialog.ts';
import { OUR_CONTACT, TLS_PEER, UDP_PEER, invite, responseTo } from './dialog-fixtures.test-support.ts';

function mustOk<T>(result: { ok: true; value: T } | { ok: false; error: string }): T {
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.value;
}

/** An in-dialog request from the peer of a UAS dialog (From = caller with its tag, To = us with our tag). */
function fromCaller(method: string, seq: number, extra: Array<[string, string]> = []): SipRequest {
  const headers = new Headers([
    ['Via', 'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-bye'],
    ['From', '"Alice" <sip:alice@example.com>;tag=alice-tag'],
    ['To', '"Bob" <sip:bob@example.com>;tag=our-tag'],
    ['Call-ID', 'call-1@192.0.2.10'],
    ['CSeq', `${seq} ${method}`],
    ...extra,
  ]);
  return { type: 'request', method, uri: 'sip:pbx@198.51.100.1:5060', version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

test('UAS: route set = Record-Route in order, target = Contact, parties from From/To without tags', () => {
  const request = invite({ recordRoute: ['<sip:p1.example.com;lr>, <sip:p2.example.com;lr;foo=bar>', '<sip:p3.example.com;lr>'] });
  const dialog = mustOk(Dialog.fromIncomingInvite(request, 'our-tag', OUR_CONTACT, UDP_PEER));
  assert.equal(dialog.role, 'uas');
  assert.equal(dialog.state, 'early');
  assert.equal(dialog.callId, 'call-1@192.0.2.10');
  assert.equal(dialog.localTag, 'our-tag');
  assert.equal(dialog.remoteTag, 'alice-tag');
  assert.equal(dialog.localUri, '"Bob" <sip:bob@example.com>');
  assert.equal(dialog.remoteUri, '"Alice" <sip:alice@example.com>');
  assert.equal(dialog.remoteTarget, 'sip:alice@192.0.2.10:5060;transport=udp');
  assert.deepEqual(dialog.routeSet, ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr;foo=bar>', '<sip:p3.example.com;lr>']);
  assert.equal(dialog.remoteSeq, 7);
  assert.equal(dialog.localSeq, 0);
  assert.equal(dialog.localContact, OUR_CONTACT);
  assert.equal(dialog.secure, false);
  assert.deepEqual(dialog.peer, UDP_PEER);
  assert.equal(mustOk(dialog.confirm()), undefined);
  assert.equal(dialog.state, 'confirmed');
});

test('UAS: without Record-Route the route set is empty; secure over TLS with a SIPS Request-URI', () => {
  const dialog = mustOk(Dialog.fromIncomingInvite(invite({ uri: 'sips:bob@example.com' }), 't', OUR_CONTACT, TLS_PEER));
  assert.deepEqual(dialog.routeSet, []);
  assert.equal(dialog.secure, true);
  assert.equal(mustOk(Dialog.fromIncomingInvite(invite({ uri: 'sips:bob@example.com' }), 't', OUR_CONTACT, UDP_PEER)).secure, false);
});

test('UAS: an RFC 2543 caller without From tag gets a null remote tag', () => {
  const dialog = mustOk(Dialog.fromIncomingInvite(invite({ from: '<sip:alice@example.com>' }), 'our-tag', OUR_CONTACT, UDP_PEER));
  assert.equal(dialog.remoteTag, '');
  assert.equal(dialog.createRequest('BYE').headers.get('to'), '<sip:alice@example.com>');
});

test('UAS: malformed input is an error value, not an exception', () => {
  const cases: Array<[string, SipRequest]> = [
    ['missing Contact', invite({ contact: null })],
    ['unparseable To', invite({ to: '<sip:bob@example.com' })],
    ['unparseable From', invite({ from: 'Bell, Alexander <sip:a@example.com>;tag=1' })],
    ['Contact *', invite({ contact: '*' })],
    ['tel Contact', invite({ contact: '<tel:+15551234>' })],
    ['two Contacts', invite({ contact: '<sip:a@192.0.2.1>, <sip:b@192.0.2.2>' })],
    ['To tag already', invite({ to: '<sip:bob@example.com>;tag=x' })],
    ['bad Record-Route', invite({ recordRoute: ['<mailto:x@example.com>'] })],
  ];
  for (const [name, request] of cases) {
    const result = Dialog.fromIncomingInvite(request, 'our-tag', OUR_CONTACT, UDP_PEER);
    assert.equal(result.ok, false, name);
  }
  const noCallId = invite();
  noCallId.headers.delete('call-id');
  const result = Dialog.fromIncomingInvite(noCallId, 'our-tag', OUR_CONTACT, UDP_PEER);
  assert.ok(!result.ok);
  assert.match(result.error, /Call-ID/);
  const noContact = Dialog.fromIncomingInvite(invite({ contact: null }), 'our-tag', OUR_CONTACT, UDP_PEER);
  assert.ok(!noContact.ok);
  assert.match(noContact.error, /Contact/);
});

test('UAC: a 2xx makes a confirmed dialog; route set = Record-Route reversed; local seq = INVITE CSeq', () => {
  const sent = invite({ seq: 42, contact: OUR_CONTACT, from: '<sip:pbx@example.com>;tag=our-tag' });
  const ok200 = responseTo(sent, 200, { recordRoute: ['<sip:p1.example.com;lr>, <sip:p2.example.com;lr>', '<sip:p3.example.com;lr>'] });
  const dialog = mustOk(Dialog.fromResponse(sent, ok200, OUR_CONTACT, UDP_PEER));
  assert.equal(dialog.role, 'uac');
  assert.equal(dialog.state, 'confirmed');
  assert.equal(dialog.localTag, 'our-tag');
  assert.equal(dialog.remoteTag, 'bob-tag');
  assert.equal(dialog.localUri, '<sip:pbx@example.com>');
  assert.equal(dialog.remoteUri, '"Bob" <sip:bob@example.com>');
  assert.equal(dialog.remoteTarget, 'sip:bob@203.0.113.5:5070');
  assert.deepEqual(dialog.routeSet, ['<sip:p3.example.com;lr>', '<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>']);
  assert.equal(dialog.localSeq, 42);
  assert.equal(dialog.remoteSeq, undefined);
  assert.equal(dialog.createRequest('BYE').headers.get('cseq'), '43 BYE');
});

test('UAC: a 1xx with To tag makes an early dialog; the 2xx confirms it and recomputes target and route set', () => {
  const sent = invite({ contact: OUR_CONTACT, from: '<sip:pbx@example.com>;tag=our-tag' });
  const ringing = responseTo(sent, 180, { contact: '<sip:bob@203.0.113.5:5070>', recordRoute: ['<sip:p1.example.com;lr>'] });
  const dialog = mustOk(Dialog.fromResponse(sent, ringing, OUR_CONTACT, UDP_PEER));
  assert.equal(dialog.state, 'early');
  assert.deepEqual(dialog.routeSet, ['<sip:p1.example.com;lr>']);
  const id = dialog.id;

  const otherFork = responseTo(sent, 200, { toTag: 'fork-2' });
  assert.equal(dialog.confirm(otherFork).ok, false);
  assert.equal(dialog.confirm(responseTo(sent, 183)).ok, false);
  assert.equal(dialog.state, 'early');

  const ok200 = responseTo(sent, 200, { contact: '<sip:bob@203.0.113.6:5080>', recordRoute: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'] });
  assert.ok(dialog.confirm(ok200).ok);
  assert.equal(dialog.state, 'confirmed');
  assert.equal(dialog.remoteTarget, 'sip:bob@203.0.113.6:5080');
  assert.deepEqual(dialog.routeSet, ['<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>']);
  assert.equal(dialog.id, id);
});

test('UAC: responses that create no dialog, and malformed ones, are error values', () => {
  const sent = invite({ contact: OUR_CONTACT, from: '<sip:pbx@example.com>;tag=our-tag' });
  assert.equal(Dialog.fromResponse(sent, responseTo(sent, 100, { toTag: null }), OUR_CONTACT, UDP_PEER).ok, false);
  assert.equal(Dialog.fromResponse(sent, responseTo(sent, 180, { toTag: null }), OUR_CONTACT, UDP_PEER).ok, false);
  assert.equal(Dialog.fromResponse(sent, responseTo(sent, 486), OUR_CONTACT, UDP_PEER).ok, false);
  assert.equal(Dialog.fromResponse(sent, responseTo(sent, 200, { contact: null }), OUR_CONTACT, UDP_PEER).ok, false);
  const badTo = responseTo(sent, 200);
  badTo.headers.set('To', 'sip:bob@example.com>;tag=x');
  assert.equal(Dialog.fromResponse(sent, badTo, OUR_CONTACT, UDP_PEER).ok, false);
  const untagged = invite({ from: '<sip:pbx@example.com>' });
  assert.equal(Dialog.fromResponse(untagged, responseTo(untagged, 200), OUR_CONTACT, UDP_PEER).ok, false);
  // An RFC 2543 callee's 2xx without To tag still makes a dialog, with a null remote tag.
  const legacy = mustOk(Dialog.fromResponse(sent, responseTo(sent, 200, { toTag: null }), OUR_CONTACT, UDP_PEER));
  assert.equal(legacy.remoteTag, '');
});

test('remote CSeq: lower is refused (the caller answers 500), equal and higher pass and are recorded', () => {
  const dialog = mustOk(Dialog.fromIncomingInvite(invite({ seq: 7 }), 'our-tag', OUR_CONTACT, UDP_PEER));
  assert.equal(dialog.checkRemoteSeq(fromCaller('ACK', 7)), true);
  assert.equal(dialog.checkRemoteSeq(fromCaller('INFO', 8)), true);
  assert.equal(dialog.remoteSeq, 8);
  assert.equal(dialog.checkRemoteSeq(fromCaller('INFO', 6)), false);
  assert.equal(dialog.remoteSeq, 8);
  assert.equal(dialog.checkRemoteSeq(fromCaller('BYE', 20)), true);
  assert.equal(dialog.remoteSeq, 20);
  const garbled = fromCaller('BYE', 21);
  garbled.headers.set('CSeq', 'x BYE');
  assert.equal(dialog.checkRemoteSeq(garbled), false);
});

test('remote CSeq: an empty remote sequence number (UAC dialog) takes the first request', () => {
  const sent = invite({ from: '<sip:pbx@example.com>;tag=our-tag' });
  const dialog = mustOk(Dialog.fromResponse(sent, responseTo(sent, 200), OUR_CONTACT, UDP_PEER));
  assert.equal(dialog.checkRemoteSeq(fromCaller('BYE', 1)), true);
  assert.equal(dialog.remoteSeq, 1);
});

test('target refresh: a re-INVITE Contact or a 2xx Contact replaces the target; none keeps it; a bad one is an error', () => {
  const dialog = mustOk(Dialog.fromIncomingInvite(invite(), 'our-tag', OUR_CONTACT, UDP_PEER));
  assert.ok(dialog.refreshTarget(fromCaller('INVITE', 8, [['Contact', '<sip:alice@192.0.2.77:6000>;expires=60']])).ok);
  assert.equal(dialog.remoteTarget, 'sip:alice@192.0.2.77:6000');
  assert.ok(dialog.refreshTarget(fromCaller('UPDATE', 9)).ok);
  assert.equal(dialog.remoteTarget, 'sip:alice@192.0.2.77:6000');
  assert.equal(dialog.refreshTarget(fromCaller('UPDATE', 10, [['Contact', '<sip:alice@']])).ok, false);
  assert.equal(dialog.remoteTarget, 'sip:alice@192.0.2.77:6000');
  const reinvite = dialog.createRequest('INVITE');
  assert.ok(dialog.refreshTarget(responseTo(reinvite, 200, { contact: '<sip:alice@192.0.2.78>' })).ok);
  assert.equal(dialog.remoteTarget, 'sip:alice@192.0.2.78');
});

test('keys: an incoming BYE finds the UAS dialog; a request without To tag is outside any dialog', () => {
  const dialog = mustOk(Dialog.fromIncomingInvite(invite(), 'our-tag', OUR_CONTACT, UDP_PEER));
  const dialogs = new Map([[dialog.id, dialog]]);
  assert.equal(dialogs.get(Dialog.keyOfRequest(fromCaller('BYE', 8)) ?? ''), dialog);
  const otherCall = fromCaller('BYE', 8);
  otherCall.headers.set('Call-ID', 'call-2@192.0.2.10');
  assert.equal(dialogs.get(Dialog.keyOfRequest(otherCall) ?? ''), undefined);
  const wrongTag = fromCaller('BYE', 8);
  wrongTag.headers.set('From', '<sip:alice@example.com>;tag=someone-else');
  assert.equal(dialogs.get(Dialog.keyOfRequest(wrongTag) ?? ''), undefined);
  assert.equal(Dialog.keyOfRequest(invite()), undefined);
});

test('keys: the callee\'s BYE and the 2xx find the UAC dialog', () => {
  const sent = invite({ from: '<sip:pbx@example.com>;tag=our-tag' });
  const ok200 = responseTo(sent, 200);
  const dialog = mustOk(Dialog.fromResponse(sent, ok200, OUR_CONTACT, UDP_PEER));
  assert.equal(Dialog.keyOfResponse(ok200), dialog.id);
  assert.notEqual(Dialog.keyOfResponse(responseTo(sent, 200, { toTag: 'fork-2' })), dialog.id);
  const bye = fromCaller('BYE', 1);
  bye.headers.set('From', '"Bob" <sip:bob@example.com>;tag=bob-tag');
  bye.headers.set('To', '<sip:pbx@example.com>;tag=our-tag');
  assert.equal(Dialog.keyOfRequest(bye), dialog.id);
});

test('next hop: the first route if any, else the remote target; as an Endpoint when its host is an IP', () => {
  const direct = mustOk(Dialog.fromIncomingInvite(invite(), 'our-tag', OUR_CONTACT, UDP_PEER));
  assert.equal(direct.nextHopUri(), 'sip:alice@192.0.2.10:5060;transport=udp');
  assert.deepEqual(direct.nextHopEndpoint(), { protocol: 'udp', address: '192.0.2.10', port: 5060 });
  const routed = mustOk(Dialog.fromIncomingInvite(invite({ recordRoute: ['<sip:192.0.2.50;transport=tcp;lr>'] }), 't', OUR_CONTACT, UDP_PEER));
  assert.equal(routed.nextHopUri(), 'sip:192.0.2.50;transport=tcp;lr');
  assert.deepEqual(routed.nextHopEndpoint(), { protocol: 'tcp', address: '192.0.2.50', port: 5060 });
  routed.peer = TLS_PEER;
  assert.equal(routed.peer.flowId, 'tls-flow-1');
});
