// A directory that answers from a cache (StoreAccountDirectory keeps credentials for lookupCacheSeconds): a phone
// whose password was changed is bound at once, because a failed digest reads the account again before it counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SipAccount, SipAccountDirectory } from './ports.ts';
import { directory, FakePhone, startRig } from './registrar-rig.test-support.ts';

/** Serves the password it first read until asked for a fresh one; counts the fresh reads. */
function cachingDirectory(): SipAccountDirectory & { password: string; freshReads: number } {
  const cached = new Map<string, SipAccount | undefined>();
  const self = {
    password: 'acme-100-pw',
    freshReads: 0,
    async findByUsername(username: string, domain: string, fresh = false): Promise<SipAccount | undefined> {
      if (fresh) self.freshReads++;
      if (fresh || !cached.has(username)) {
        const found = await directory.findByUsername(username, domain);
        cached.set(username, found && { ...found, password: self.password });
      }
      return cached.get(username);
    },
  };
  return self;
}

test('a changed password is accepted at once; a wrong one still fails after the fresh read', async () => {
  const accounts = cachingDirectory();
  const rig = await startRig({ accounts });
  const phone = new FakePhone(rig, { username: '100-ACME', password: 'acme-100-pw' });
  phone.learn(await phone.send({ expires: 600 }));
  assert.equal((await phone.send({ expires: 600 })).status, 200);
  assert.equal(accounts.freshReads, 0, 'a right answer costs no second read');

  accounts.password = 'changed-pw-1';
  const changed = new FakePhone(rig, { username: '100-ACME', password: 'changed-pw-1' });
  changed.learn(await changed.send({ expires: 600 }));
  assert.equal((await changed.send({ expires: 600 })).status, 200, 'bound with the new password while the cache still held the old one');

  const wrong = new FakePhone(rig, { username: '100-ACME', password: 'guess' });
  wrong.learn(await wrong.send({ expires: 600 }));
  assert.equal((await wrong.send({ expires: 600 })).status, 401);
  assert.deepEqual(rig.events.filter((e) => e.event === 'authFailed').length, 1, 'counted once');
  await rig.close();
});
