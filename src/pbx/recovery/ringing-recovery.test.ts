// A callee still ringing when the node was killed gets a CANCEL from the restarted node, on real UDP sockets: the
// node's real SIP stack sends the INVITE to a fake callee (a bare socket that answers 180 and records what comes),
// the real live-call journal saves the call in a real SQLite store, the stack is closed as by a kill, a new stack
// on the same port runs recovery, and the callee must see a CANCEL that matches its INVITE transaction (§9.1).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { FakeClock, silentLogger, systemClock } from '../../shared/index.ts';
import { Headers, SipStack, parseMessage, serializeMessage, type SipRequest } from '../../sip/index.ts';
import { openStore } from '../../store/index.ts';
import { CdrWriter, type CallRecord } from '../cdr/index.ts';
import { LiveCallJournal, type JournaledCall } from '../calls/live-call-journal.ts';
import { parseInvites } from './live-call-snapshot.ts';
import { recoverOrphanedCalls } from './orphaned-calls.ts';

/** The callee: answers each INVITE 180 (with a To tag), a CANCEL 200 and its INVITE 487; keeps every request. */
class FakeCallee {
  readonly requests: SipRequest[] = [];
  private waiters: Array<{ method: string; resolve: (r: SipRequest) => void }> = [];
  private constructor(readonly socket: Socket) {
    socket.on('message', (data, from) => {
      const parsed = parseMessage(data);
      if (!parsed.ok || parsed.value.type !== 'request') return;
      const request = parsed.value;
      this.requests.push(request);
      const answer = (status: number, reason: string, toTag: boolean) => {
        const headers = new Headers();
        for (const via of request.headers.getAll('via')) headers.append('Via', via);
        headers.append('From', request.headers.get('from') ?? '');
        headers.append('To', `${request.headers.get('to') ?? ''}${toTag ? ';tag=callee1' : ''}`);
        headers.append('Call-ID', request.headers.get('call-id') ?? '');
        headers.append('CSeq', request.headers.get('cseq') ?? '');
        socket.send(serializeMessage({ type: 'response', version: 'SIP/2.0', status, reason, headers, body: Buffer.alloc(0) }), from.port, from.address);
      };
      if (request.method === 'INVITE') answer(180, 'Ringing', true);
      if (request.method === 'CANCEL') answer(200, 'OK', false);
      for (const waiter of this.waiters.filter((w) => w.method === request.method)) waiter.resolve(request);
      this.waiters = this.waiters.filter((w) => w.method !== request.method);
    });
  }

  static async start(): Promise<FakeCallee> {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    return new FakeCallee(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  next(method: string, timeoutMs = 5_000): Promise<SipRequest> {
    const seen = this.requests.find((r) => r.method === method);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} reached the callee in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ method, resolve: (r) => (clearTimeout(timer), resolve(r)) });
    });
  }
}

const startStack = (port: number) => SipStack.start({ udp: { host: '127.0.0.1', port }, clock: systemClock, logger: silentLogger, allow: ['INVITE', 'BYE'], userAgent: 'callgrid-test' }, { onRequest: () => undefined });

function ringingCall(tenantId: number, linkedId: string, clock: FakeClock, invites: JournaledCall['ringingInvites']): JournaledCall {
  const startedAt = clock.now();
  return {
    linkedId,
    tenantId,
    caller: { leg: { dialog: undefined } },
    answeredLeg: undefined,
    ...(invites === undefined ? {} : { ringingInvites: invites }),
    recordSoFar() {
      const now = clock.now();
      const record: CallRecord = {
        tenantId, tenantCode: 'ACME', linkedId, direction: 'LOCAL', originateId: '', sipCallId: 'a-leg',
        caller: { number: '100', name: '', extension: '100', account: '100-ACME' }, dialled: '101', startedAt, endedAt: now,
        attempts: [{ uniqueId: linkedId, dstChannel: 'PJSIP/101-ACME-00000001', destination: '101', landed: { kind: 'EXT', label: '101' }, peerAccount: '101-ACME', startedAt, endedAt: now, disposition: 'NO ANSWER' }],
      };
      return { record, openAttempt: true };
    },
  };
}

test('a callee ringing at the kill gets a CANCEL matching its INVITE (branch, Call-ID, tags, CSeq); the CDR is NO ANSWER [node-restart]', async () => {
  const store = openStore('sqlite::memory:');
  const callee = await FakeCallee.start();
  let before: SipStack | undefined = await startStack(0);
  let after: SipStack | undefined;
  try {
    await store.migrate();
    const tenant = await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-01-02 03:04:05');
    const port = before.localEndpoint('udp')?.port ?? 0;
    const headers = new Headers();
    headers.append('From', '<sip:100@pbx.example>;tag=ours1');
    headers.append('To', '<sip:101@pbx.example>');
    headers.append('Call-ID', 'b-leg-ringing');
    headers.append('CSeq', '1 INVITE');
    headers.append('Route', '<sip:edge.example;lr>');
    headers.append('Contact', `<sip:pbx@127.0.0.1:${port}>`);
    const invite: SipRequest = { type: 'request', method: 'INVITE', uri: `sip:101@127.0.0.1:${callee.port}`, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
    const sent = before.sendRequest(invite, { protocol: 'udp', address: '127.0.0.1', port: callee.port });
    assert.ok(sent.ok);
    void sent.value.final.catch(() => undefined);
    const received = await callee.next('INVITE');

    // The journal saves the call with its ringing INVITE (the transaction holds the request as sent, Via included).
    const clock = new FakeClock('2026-05-04T10:00:00Z');
    const journal = new LiveCallJournal(store.liveCalls, clock, silentLogger, { nodeName: 'n1' });
    journal.opened(ringingCall(tenant.te_id, 'n1-1.1', clock, () => [sent.value.transaction]));
    await journal.stop();
    const [row] = await store.liveCalls.ofNode('n1');
    assert.equal(parseInvites(row!.lc_legs).length, 1);

    // The kill: the process and every transaction are gone; the node starts again on the same port.
    await before.close();
    before = undefined;
    after = await startStack(port);
    const report = await recoverOrphanedCalls({ journal: store.liveCalls, cdrs: new CdrWriter(store.cdrs), sip: after, logger: silentLogger }, 'n1');
    assert.deepEqual(report, { calls: 1, byes: 0, cancels: 1, subscriptions: 0, unreadable: 0 });

    const cancel = await callee.next('CANCEL');
    assert.equal(cancel.uri, received.uri, 'the Request-URI of the INVITE');
    assert.deepEqual(cancel.headers.getAll('via'), [received.headers.getAll('via')[0]], 'one Via: the INVITE top Via, its branch');
    for (const name of ['call-id', 'from', 'to']) assert.equal(cancel.headers.get(name), received.headers.get(name), name);
    assert.equal(cancel.headers.get('cseq'), '1 CANCEL');
    assert.equal(cancel.headers.get('route'), '<sip:edge.example;lr>');
    assert.match(cancel.headers.get('reason') ?? '', /node-restart/);

    const [cdr] = await store.cdrs.list({ tenantIds: [tenant.te_id], linkedids: ['n1-1.1'] });
    assert.deepEqual([cdr?.disposition, cdr?.answer], ['NO ANSWER', null]);
    assert.match(cdr?.userfield ?? '', /\[node-restart\]/);
    assert.deepEqual(await store.liveCalls.ofNode('n1'), []);
  } finally {
    await before?.close();
    await after?.close();
    callee.socket.close();
    await store.close();
  }
});

test('the heartbeat writes a callee that started ringing after the row; an answered call keeps no INVITE', async () => {
  const store = openStore('sqlite::memory:');
  try {
    await store.migrate();
    const clock = new FakeClock('2026-05-04T10:00:00Z');
    const journal = new LiveCallJournal(store.liveCalls, clock, silentLogger, { nodeName: 'n1' });
    const invites: Array<{ request: SipRequest; peer: { protocol: 'udp'; address: string; port: number } }> = [];
    const call = ringingCall(1, 'n1-1.2', clock, () => invites);
    journal.opened(call);
    await journal.stop();
    assert.equal(parseInvites((await store.liveCalls.ofNode('n1'))[0]!.lc_legs).length, 0);

    const headers = new Headers();
    headers.append('Via', 'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKabc;rport');
    headers.append('From', '<sip:100@pbx.example>;tag=ours2');
    headers.append('To', '<sip:101@pbx.example>');
    headers.append('Call-ID', 'b-leg-2');
    headers.append('CSeq', '2 INVITE');
    invites.push({ request: { type: 'request', method: 'INVITE', uri: 'sip:101@192.0.2.9:5080', version: 'SIP/2.0', headers, body: Buffer.alloc(0) }, peer: { protocol: 'udp', address: '192.0.2.9', port: 5080 } });
    await journal.beat();
    await journal.stop();
    const [saved] = parseInvites((await store.liveCalls.ofNode('n1'))[0]!.lc_legs);
    assert.deepEqual([saved?.callId, saved?.cseq, saved?.via, saved?.peer.port], ['b-leg-2', 2, 'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKabc;rport', 5080]);

    // Answered: the row is rewritten without INVITEs (the answered leg is a dialog, the others were cancelled live).
    journal.changed({ ...call, answeredLeg: { dialog: undefined } });
    await journal.stop();
    assert.equal(parseInvites((await store.liveCalls.ofNode('n1'))[0]!.lc_legs).length, 0);
  } finally {
    await store.close();
  }
});
