// Recovery of the calls a killed node lost: a real SQLite store (journal rows in, CDR rows out through the real
// CdrWriter) and a fake SIP sender that keeps the BYEs it is handed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dialog, type Endpoint, type SipRequest } from '../../sip/index.ts';
import { ok, silentLogger } from '../../shared/index.ts';
import { openStore, type LiveCallRow, type Store } from '../../store/index.ts';
import { CdrWriter, type CallRecord } from '../cdr/index.ts';
import { legsText, savedLeg, snapshotText, type LiveCallSnapshot } from './live-call-snapshot.ts';
import { RECOVERY_CSEQ_GAP, recoverOrphanedCalls, type ByeSender } from './orphaned-calls.ts';

const at = (time: string): Date => new Date(`2026-05-04T${time}Z`);

class FakeSender implements ByeSender {
  readonly sent: { request: SipRequest; to: Endpoint }[] = [];
  sendRequest(request: SipRequest, to: Endpoint) {
    this.sent.push({ request, to });
    return ok({ final: Promise.resolve(undefined) });
  }
}

function answeredCall(tenantId: number, linkedId: string): LiveCallSnapshot {
  const record: CallRecord = {
    tenantId,
    tenantCode: 'ACME',
    linkedId,
    direction: 'IN',
    originateId: '',
    sipCallId: 'a-leg@192.0.2.7',
    caller: { number: '5559999', name: 'Ann', extension: '', account: '' },
    dialled: '390212345',
    startedAt: at('10:00:00'),
    // As saved at the answer: the journal's record ends when it was written.
    endedAt: at('10:00:10'),
    attempts: [
      { uniqueId: linkedId, dstChannel: 'PJSIP/101-ACME-00000001', destination: '101', landed: { kind: 'EXT', label: '101' }, peerAccount: '101-ACME', startedAt: at('10:00:00'), endedAt: at('10:00:10'), disposition: 'ANSWERED', answeredAt: at('10:00:10') },
    ],
  };
  return { record, openAttempt: true };
}

function dialog(role: 'uac' | 'uas', callId: string, port: number): Dialog {
  return new Dialog({
    role,
    state: 'confirmed',
    callId,
    localTag: `ours-${callId}`,
    remoteTag: `theirs-${callId}`,
    localUri: '<sip:pbx@192.0.2.1>',
    remoteUri: '<sip:101@192.0.2.9>',
    remoteTarget: `sip:101@192.0.2.9:${port}`,
    routeSet: role === 'uac' ? ['<sip:edge.example;lr>'] : [],
    localSeq: 7,
    remoteSeq: 3,
    secure: false,
    localContact: '<sip:pbx@192.0.2.1:5060>',
    peer: { endpoint: { protocol: 'udp', address: '192.0.2.9', port }, flowId: 'flow-1' },
  });
}

async function withStore(body: (store: Store, tenantId: number) => Promise<void>): Promise<void> {
  const store = openStore('sqlite::memory:');
  try {
    await store.migrate();
    const tenant = await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-01-02 03:04:05');
    await body(store, tenant.te_id);
  } finally {
    await store.close();
  }
}

const row = (snapshot: LiveCallSnapshot, fields: Partial<LiveCallRow> = {}): LiveCallRow => ({
  lc_linkedid: snapshot.record.linkedId,
  lc_node: 'n1',
  lc_te_id: snapshot.record.tenantId,
  lc_cdr: snapshotText(snapshot),
  lc_legs: '[]',
  lc_heartbeat: at('10:01:05').getTime(),
  ...fields,
});

test('an answered call: CDR ended at the heartbeat and marked, BYE in both dialogs, row deleted', async () => {
  await withStore(async (store, acme) => {
    const call = answeredCall(acme, 'n1-1.1');
    await store.liveCalls.put(row(call, { lc_legs: legsText([savedLeg(dialog('uas', 'a-leg', 5070)), savedLeg(dialog('uac', 'b-leg', 5080))]) }));
    const sip = new FakeSender();
    const report = await recoverOrphanedCalls({ journal: store.liveCalls, cdrs: new CdrWriter(store.cdrs), sip, logger: silentLogger }, 'n1');

    assert.deepEqual(report, { calls: 1, byes: 2, cancels: 0, subscriptions: 0, unreadable: 0 });
    const [cdr, ...more] = await store.cdrs.list({ tenantIds: [acme], linkedids: ['n1-1.1'] });
    assert.equal(more.length, 0);
    assert.deepEqual([cdr?.disposition, cdr?.end, Number(cdr?.duration), Number(cdr?.billsec), cdr?.userfield], ['ANSWERED', '2026-05-04 10:01:05', 65, 55, '[inbound][node-restart]']);
    const [simple] = await store.cdrs.listSimple({ tenantIds: [acme], uniqueids: ['n1-1.1'] });
    assert.deepEqual([simple?.sc_disposition, Number(simple?.sc_duration)], ['ANSWERED', 65]);

    assert.deepEqual(sip.sent.map((s) => [s.request.method, s.request.uri, s.to.port]), [['BYE', 'sip:101@192.0.2.9:5070', 5070], ['BYE', 'sip:101@192.0.2.9:5080', 5080]]);
    const bye = sip.sent[1]!.request;
    assert.equal(bye.headers.get('call-id'), 'b-leg');
    assert.match(bye.headers.get('from') ?? '', /tag=ours-b-leg/);
    assert.match(bye.headers.get('to') ?? '', /tag=theirs-b-leg/);
    assert.equal(bye.headers.get('cseq'), `${7 + RECOVERY_CSEQ_GAP} BYE`);
    assert.equal(bye.headers.get('route'), '<sip:edge.example;lr>');
    assert.match(bye.headers.get('reason') ?? '', /node-restart/);
    assert.deepEqual(await store.liveCalls.ofNode('n1'), []);
  });
});

test('a call still ringing is NO ANSWER, no BYE; one set up after the last heartbeat lasts 0 s', async () => {
  await withStore(async (store, acme) => {
    const ringing = answeredCall(acme, 'n1-1.2');
    const [attempt] = ringing.record.attempts;
    const notAnswered: LiveCallSnapshot = { ...ringing, record: { ...ringing.record, attempts: [{ ...attempt!, disposition: 'NO ANSWER' } as CallRecord['attempts'][number]] } };
    await store.liveCalls.put(row(notAnswered, { lc_heartbeat: at('09:59:55').getTime() }));
    const sip = new FakeSender();
    await recoverOrphanedCalls({ journal: store.liveCalls, cdrs: new CdrWriter(store.cdrs), sip, logger: silentLogger }, 'n1');
    const [cdr] = await store.cdrs.list({ tenantIds: [acme], linkedids: ['n1-1.2'] });
    assert.deepEqual([cdr?.disposition, cdr?.answer, Number(cdr?.duration), cdr?.end], ['NO ANSWER', null, 0, '2026-05-04 10:00:00']);
    assert.equal(sip.sent.length, 0);
  });
});

test("an unreadable row is dropped with an error; another node's rows are left alone", async () => {
  await withStore(async (store, acme) => {
    const good = answeredCall(acme, 'n1-1.3');
    await store.liveCalls.put(row(good));
    await store.liveCalls.put(row(good, { lc_linkedid: 'n1-1.4', lc_cdr: '{"record":{}}' }));
    await store.liveCalls.put(row(answeredCall(acme, 'n2-1.1'), { lc_node: 'n2' }));
    const report = await recoverOrphanedCalls({ journal: store.liveCalls, cdrs: new CdrWriter(store.cdrs), sip: new FakeSender(), logger: silentLogger }, 'n1');
    assert.deepEqual(report, { calls: 1, byes: 0, cancels: 0, subscriptions: 0, unreadable: 1 });
    assert.deepEqual(await store.liveCalls.ofNode('n1'), []);
    assert.deepEqual((await store.liveCalls.ofNode('n2')).map((r) => r.lc_linkedid), ['n2-1.1']);
    assert.equal((await store.cdrs.list({ tenantIds: [acme], linkedids: ['n2-1.1'] })).length, 0);
  });
});
