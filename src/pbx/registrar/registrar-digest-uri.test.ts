// The digest uri directive against the Request-URI: accepted by default (SIPp's default uri, phones behind an SBC),
// refused in strict mode with a 400 whose reason phrase says so, and counted against the source like any broken answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakePhone, startRig } from './registrar-rig.test-support.ts';

const ACME_100 = { username: '100-ACME', password: 'acme-100-pw' };
// What SIPp puts in uri unless told otherwise: the address and port it sends to, not the Request-URI.
const SIPP_DEFAULT_URI = 'sip:192.0.2.1:5060';

test('by default a REGISTER whose digest uri is not the Request-URI is bound', async () => {
  const rig = await startRig();
  const phone = new FakePhone(rig, ACME_100);
  phone.learn(await phone.send({ expires: 600 }));
  const answer = await phone.send({ expires: 600, digestUri: SIPP_DEFAULT_URI });
  assert.equal(answer.status, 200);
  assert.equal((await rig.registrar.bindings(1)).length, 1);
  // Still a password check: a wrong one over the same uri gets a fresh challenge and binds nothing more.
  const wrong = await phone.send({ expires: 600, digestUri: SIPP_DEFAULT_URI, password: 'guess', contacts: ['<sip:100-ACME@192.0.2.99:5062>'] });
  assert.equal(wrong.status, 401);
  assert.equal((await rig.registrar.bindings(1)).length, 1);
  await rig.close();
});

test('strict mode refuses it: 400 "Digest uri does not match", counted as a failed answer', async () => {
  const rig = await startRig({ strictUri: true });
  const phone = new FakePhone(rig, ACME_100);
  phone.learn(await phone.send({ expires: 600 }));
  const answer = await phone.send({ expires: 600, digestUri: SIPP_DEFAULT_URI });
  assert.equal(answer.status, 400);
  assert.equal(answer.reason, 'Digest uri does not match');
  assert.equal((await rig.registrar.bindings(1)).length, 0);
  assert.deepEqual(rig.events.filter((e) => e.event === 'authFailed').map((e) => (e.detail as { reason: string }).reason), ['malformed']);
  // The Request-URI itself as uri is still fine in strict mode.
  phone.learn(await phone.send({ expires: 600, authorize: false }));
  assert.equal((await phone.send({ expires: 600 })).status, 200);
  await rig.close();
});

test('every 400 for broken credentials says what was wrong', async () => {
  const rig = await startRig();
  const phone = new FakePhone(rig, ACME_100);
  phone.learn(await phone.send({ expires: 600 }));
  // nc must be 8 hex digits (RFC 2617 §3.2.2): this answer names our fresh nonce, so it is refused, not re-challenged.
  const answer = await phone.send({ expires: 600, mangle: (value) => value.replace(/nc=[0-9a-f]{8}/, 'nc=1') });
  assert.equal(answer.status, 400);
  assert.equal(answer.reason, 'Digest nc is not 8 hex digits');
  await rig.close();
});
