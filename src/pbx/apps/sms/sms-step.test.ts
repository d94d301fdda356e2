// The SMS-<extension id> step on the real Messaging (SipStack over FakeTransport, kept messages in SQLite: the
// messaging rig): the extension's phone gets a text about the call and the list goes on; an id that is not an
// extension of the call's tenant sends nothing; an offline phone's text is kept for when it registers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../../../shared/index.ts';
import { FakePhone, Inbox, startRig } from '../../messaging/messaging-rig.test-support.ts';
import { fakeCall } from '../special/fake-call.test-support.ts';
import { callNotice, SmsStep } from './sms-step.ts';

/** The rig's extensions by id (ACME 101 is id 12, GLOBEX 100 id 21), as the call directory answers. */
const extensions = {
  async extensionById(tenantId: number, extensionId: number) {
    const known: Record<string, string> = { '1/11': '100', '1/12': '101', '2/21': '100' };
    const number = known[`${tenantId}/${extensionId}`];
    return number === undefined ? undefined : { number };
  },
};

test('the text names the caller and the number called', () => {
  assert.equal(callNotice({ number: '+390612345678', name: 'Mario Rossi' }, '0612340000'), 'Call from Mario Rossi (+390612345678) to 0612340000');
  assert.equal(callNotice({ number: '100', name: '100' }, '200'), 'Call from 100 to 200');
  assert.equal(callNotice({ number: '', name: '' }, '200'), 'Call from an anonymous caller to 200');
});

test("SMS-<id> texts the extension's phone about the call and lets the list go on; another tenant's id sends nothing", async () => {
  const rig = await startRig();
  try {
    const phone = new FakePhone(rig, { username: '101-ACME', password: 'acme-101-pw', source: { protocol: 'udp', address: '192.0.2.21', port: 5064 } });
    assert.equal((await phone.register()).status, 200);
    const inbox = new Inbox(rig, phone.source);
    const step = new SmsStep({ extensions, messenger: rig.messaging, logger: silentLogger });
    assert.deepEqual(await step.run(fakeCall({ tenantId: 1 }), { tag: 'SMS', id: 12 }), { kind: 'continue' });
    const [text] = await inbox.take(200);
    assert.equal(text?.body.toString('utf8'), 'Call from Mario Rossi (+390612345678) to 0612340000');
    assert.match(text?.headers.get('from') ?? '', /^"Mario Rossi" <sip:\+390612345678@/);
    // GLOBEX (tenant 2) has no extension 12: nothing goes to ACME's 101, nothing is kept.
    assert.deepEqual(await step.run(fakeCall({ tenantId: 2 }), { tag: 'SMS', id: 12 }), { kind: 'continue' });
    assert.deepEqual(await inbox.take(200), []);
    assert.deepEqual(await rig.messages.messages.pending(1, 12, '2026-12-05 12:00:00', 10), []);
  } finally {
    await rig.close();
  }
});

test('an offline extension gets the text kept for when it registers', async () => {
  const rig = await startRig();
  try {
    const step = new SmsStep({ extensions, messenger: rig.messaging, logger: silentLogger });
    assert.deepEqual(await step.run(fakeCall({ tenantId: 2, caller: { number: '555', name: '' } }), { tag: 'SMS', id: 21 }), { kind: 'continue' });
    for (let i = 0; i < 50 && (await rig.messages.messages.pending(2, 21, '2026-12-05 12:00:00', 10)).length === 0; i++) await new Promise((resolve) => setImmediate(resolve));
    const [kept] = await rig.messages.messages.pending(2, 21, '2026-12-05 12:00:00', 10);
    assert.equal(Buffer.from(kept?.ms_body ?? '', 'base64').toString('utf8'), 'Call from 555 to 0612340000');
  } finally {
    await rig.close();
  }
});
