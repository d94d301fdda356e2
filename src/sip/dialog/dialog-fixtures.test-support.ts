// Test support for the dialog tests: an INVITE as a phone or as our stack sends it, responses to it, and a
// round trip through the serializer and parser (with the Via the stack would add).
import assert from 'node:assert/strict';
import { Headers, parseMessage, serializeMessage, type SipRequest, type SipResponse } from '../message/index.ts';
import type { DialogPeer } from './dialog.ts';

export const UDP_PEER: DialogPeer = { endpoint: { protocol: 'udp', address: '192.0.2.10', port: 5060 }, flowId: undefined };
export const TLS_PEER: DialogPeer = { endpoint: { protocol: 'tls', address: '192.0.2.10', port: 5061 }, flowId: 'tls-flow-1' };
export const OUR_CONTACT = '<sip:pbx@198.51.100.1:5060>';

export interface InviteOptions {
  readonly uri?: string;
  readonly to?: string;
  readonly from?: string;
  readonly seq?: number;
  readonly contact?: string | null;
  readonly recordRoute?: readonly string[];
  readonly route?: readonly string[];
  readonly extra?: ReadonlyArray<readonly [string, string]>;
}

export function invite(options: InviteOptions = {}): SipRequest {
  const headers = new Headers([
    ['Via', 'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-inv-1;rport'],
    ['Via', 'SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bK-inv-0'],
    ['Max-Forwards', '70'],
    ...(options.route ?? []).map((value) => ['Route', value] as const),
    ...(options.recordRoute ?? []).map((value) => ['Record-Route', value] as const),
    ['From', options.from ?? '"Alice" <sip:alice@example.com>;tag=alice-tag'],
    ['To', options.to ?? '"Bob" <sip:bob@example.com>'],
    ['Call-ID', 'call-1@192.0.2.10'],
    ['CSeq', `${options.seq ?? 7} INVITE`],
    ...(options.contact === null ? [] : [['Contact', options.contact ?? '<sip:alice@192.0.2.10:5060;transport=udp>'] as const]),
    ...(options.extra ?? []),
  ]);
  return { type: 'request', method: 'INVITE', uri: options.uri ?? 'sip:bob@example.com', version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

export interface ResponseOptions {
  readonly toTag?: string | null;
  readonly contact?: string | null;
  readonly recordRoute?: readonly string[];
  readonly seq?: number;
}

/** A response to `request` as the callee sends it: Via, From, Call-ID, CSeq copied, To with its tag. */
export function responseTo(request: SipRequest, status: number, options: ResponseOptions = {}): SipResponse {
  const headers = new Headers();
  for (const [name, value] of request.headers.entries()) if (name === 'via') headers.append(name, value);
  for (const value of options.recordRoute ?? []) headers.append('Record-Route', value);
  headers.append('From', request.headers.get('from') ?? '');
  const tag = options.toTag === undefined ? 'bob-tag' : options.toTag;
  headers.append('To', `${request.headers.get('to') ?? ''}${tag === null ? '' : `;tag=${tag}`}`);
  headers.append('Call-ID', request.headers.get('call-id') ?? '');
  headers.append('CSeq', options.seq === undefined ? (request.headers.get('cseq') ?? '') : `${options.seq} ${request.method}`);
  if (options.contact !== null) headers.append('Contact', options.contact ?? '<sip:bob@203.0.113.5:5070>');
  return { type: 'response', status, reason: status === 200 ? 'OK' : 'Ringing', version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
}

/** Serializes `request` with a Via (the stack adds ours) and parses it back, as the peer would read it. */
export function roundTrip(request: SipRequest): SipRequest {
  const copy: SipRequest = { ...request, headers: request.headers.clone() };
  if (!copy.headers.has('via')) copy.headers.prepend('Via', 'SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bK-ours;rport');
  const parsed = parseMessage(serializeMessage(copy));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.reason);
  assert.equal(parsed.value.type, 'request');
  if (parsed.value.type !== 'request') throw new Error('not a request');
  return parsed.value;
}
