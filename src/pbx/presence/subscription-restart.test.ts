// Subscriptions across a kill: a BLF subscription is journaled in a real SQLite store while it is active, and a
// restarted node (a new SIP stack, the old one never stopped, as after SIGKILL) sends the subscriber a NOTIFY with
// Subscription-State: terminated;reason=deactivated in the same dialog, so the phone re-subscribes at once
// (RFC 6665 §4.1.3). The subscriber side is the presence rig's phone over a FakeTransport.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger, systemClock } from '../../shared/index.ts';
import { FakeTransport, SipStack, parseMessage, type SipRequest } from '../../sip/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { CdrWriter } from '../cdr/index.ts';
import { recoverOrphanedCalls } from '../recovery/orphaned-calls.ts';
import { SUBSCRIPTION_RESAVE_STEP } from '../recovery/lost-subscriptions.ts';
import { parseLegs } from '../recovery/live-call-snapshot.ts';
import { Subscriber, channel, noControl, startRig, type Rig } from './presence-rig.test-support.ts';
import { SubscriptionJournal } from './subscription-journal.ts';

const cseqOf = (m: SipRequest | undefined) => Number.parseInt(m?.headers.get('cseq') ?? '', 10);

describe('subscriptions after a restart', () => {
  let rig: Rig;
  let store: Store;
  let journal: SubscriptionJournal;
  beforeEach(async () => {
    rig = await startRig();
    store = openStore('sqlite::memory:');
    await store.migrate();
    journal = new SubscriptionJournal(store.liveCalls, rig.clock, silentLogger, { nodeName: 'n1' });
    rig.presence.subscriptions.attachJournal(journal);
  });
  afterEach(async () => {
    await rig.close();
    await journal.stop();
    await store.close();
  });

  test('the restarted node NOTIFYs terminated;reason=deactivated in the saved dialog, above the last CSeq; the row goes', async () => {
    const phone = new Subscriber(rig, '100-ACME', 'acme-100-pw');
    assert.equal((await phone.subscribe('101', { expires: 600 })).status, 407);
    assert.equal((await phone.subscribe('101', { expires: 600 })).status, 200);
    assert.equal((await phone.notifies()).length, 1, 'the first NOTIFY');
    rig.channels.add(channel(1, '101', 'OUT', 'Ringing'), noControl);
    const ringing = await phone.notifies();
    assert.equal(ringing.length, 1, 'the ringing NOTIFY');
    const lastCseq = cseqOf(ringing[0]);
    await journal.stop();
    const rows = await store.liveCalls.ofNode('n1');
    assert.equal(rows.length, 1);
    assert.equal(parseLegs(rows[0]!.lc_legs)[0]?.callId, phone.callId);

    // SIGKILL: the old stack is never stopped (no NOTIFY from it); the node starts again with a new one.
    const fake = new FakeTransport({ protocol: 'udp', address: '192.0.2.1', port: 5060 });
    const restarted = await SipStack.start({ transports: [(listener) => fake.attach(listener)], clock: systemClock, logger: silentLogger, allow: ['INVITE'], userAgent: 'callgrid-test' }, { onRequest: () => undefined });
    try {
      const report = await recoverOrphanedCalls({ journal: store.liveCalls, cdrs: new CdrWriter(store.cdrs), sip: restarted, logger: silentLogger }, 'n1');
      assert.deepEqual(report, { calls: 0, byes: 0, cancels: 0, subscriptions: 1, unreadable: 0 });
      const sent = fake.sent.map((p) => ({ message: parseMessage(p.data), to: p.destination }));
      assert.equal(sent.length, 1);
      const [{ message, to }] = sent as [(typeof sent)[number]];
      assert.ok(message.ok && message.value.type === 'request');
      const notify = message.value;
      assert.equal(notify.method, 'NOTIFY');
      assert.equal(notify.headers.get('subscription-state'), 'terminated;reason=deactivated');
      assert.equal(notify.headers.get('event'), 'dialog');
      assert.equal(notify.headers.get('call-id'), phone.callId);
      assert.match(notify.headers.get('to') ?? '', new RegExp(`tag=${phone.fromTag}`), 'the subscriber tag in To');
      assert.match(notify.headers.get('from') ?? '', new RegExp(`tag=${phone.toTag ?? 'none'}`), 'our tag in From');
      assert.ok(cseqOf(notify) > lastCseq, `CSeq ${cseqOf(notify)} above the last NOTIFY's ${lastCseq}`);
      assert.match(notify.uri, /^sip:100-ACME@192\.0\.2\.30:5070/);
      assert.equal(to.port, phone.source.port, 'to where the SUBSCRIBE came from');
      assert.deepEqual(await store.liveCalls.ofNode('n1'), []);
    } finally {
      await restarted.close();
    }
  });

  test('many NOTIFYs save the dialog again; unsubscribing deletes the row', async () => {
    const phone = new Subscriber(rig, '100-ACME', 'acme-100-pw');
    await phone.subscribe('101', { expires: 600 });
    await phone.subscribe('101', { expires: 600 });
    await phone.notifies();
    await journal.stop();
    const firstSeq = parseLegs((await store.liveCalls.ofNode('n1'))[0]!.lc_legs)[0]?.localSeq ?? 0;
    for (let i = 0; i < SUBSCRIPTION_RESAVE_STEP + 2; i++) {
      const leg = channel(1, '101', 'OUT', 'Ringing');
      rig.channels.add(leg, noControl);
      await phone.notifies();
      rig.channels.remove(leg.name);
      await phone.notifies();
    }
    await journal.stop();
    const laterSeq = parseLegs((await store.liveCalls.ofNode('n1'))[0]!.lc_legs)[0]?.localSeq ?? 0;
    assert.ok(laterSeq >= firstSeq + SUBSCRIPTION_RESAVE_STEP, `saved CSeq ${laterSeq} moved on from ${firstSeq}`);

    assert.equal((await phone.subscribe('101', { expires: 0 })).status, 200);
    await phone.notifies();
    await journal.stop();
    assert.deepEqual(await store.liveCalls.ofNode('n1'), []);
  });
});
