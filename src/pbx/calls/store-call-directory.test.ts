// The call path's store readers over one shared StoreExtensionRows (as main.ts builds them), on SQLite and
// PostgreSQL: the call directory, recording settings and identity settings answer as they do on their own, read an
// extension once for all of them within the lookup cache time and see changes once it has passed. (A feature code's
// DND, seen at once: apps/feature-codes/store-feature-actions.test.ts; follow-me: apps/ring-extension/follow-me.test.ts.)
import assert from 'node:assert/strict';
import { onEveryEngine, storeTest, twoTenants } from '../../../test/support/store-engines.ts';
import { FakeClock } from '../../shared/index.ts';
import type { Store } from '../../store/index.ts';
import { StoreExtensionRows } from '../dialplan/index.ts';
import { StoreBindingStore } from '../registrar/index.ts';
import { StoreCallDirectory } from './store-call-directory.ts';
import { StoreIdentitySettings } from './store-identity-settings.ts';
import { StoreRecordingSettings, TENANT_RECORDING_SETTING } from './store-recording-settings.ts';

const TTL = 2000;

async function seed(store: Store) {
  const [acme, globex] = await twoTenants(store);
  const insert = async (tenantId: number, values: Record<string, string | number | null>) => Number((await store.objects('extension').insert(tenantId, values)).ex_id);
  const alice = await insert(acme, { ex_number: '100', ex_username: '100-ACME', ex_name: 'Alice', ex_recording: 'yeschange', ex_applyalwaysrpid: 'on', ex_dialtimeout: 25});
  const bob = await insert(globex, { ex_number: '100', ex_username: '100-GLOBEX', ex_name: 'Bob', ex_recording: 'no' });
  await store.objects('did').insert(acme, { di_number: '+39021234', di_recording: 'yes' });
  await store.settings.set(acme, TENANT_RECORDING_SETTING, 'nochange');
  return { acme, globex, alice, bob };
}

/** The readers as main.ts builds them: one StoreExtensionRows, the node's cache time. */
function readers(store: Store, clock: FakeClock, ttlMs: number) {
  const extensions = new StoreExtensionRows(store, clock, ttlMs);
  const bindings = new StoreBindingStore(store.registrations);
  return {
    extensions,
    directory: new StoreCallDirectory(store, bindings, clock, ttlMs, extensions),
    recording: new StoreRecordingSettings(store, { extensions, cacheMs: ttlMs, clock }),
    identities: new StoreIdentitySettings(store, extensions),
  };
}

onEveryEngine('call-path readers over shared extension rows', (open) => {
  const t = storeTest(open);

  t('answer as the readers do on their own, tenant by tenant', async (store) => {
    const { acme, globex, alice, bob } = await seed(store);
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const shared = readers(store, clock, TTL);
    const bindings = new StoreBindingStore(store.registrations);
    const plain = { directory: new StoreCallDirectory(store, bindings, clock, 0), recording: new StoreRecordingSettings(store), identities: new StoreIdentitySettings(store) };
    for (const [tenantId, id, account] of [[acme, alice, '100-ACME'], [globex, bob, '100-GLOBEX']] as const) {
      assert.deepEqual(await shared.directory.findExtension(tenantId, '100'), await plain.directory.findExtension(tenantId, '100'));
      assert.deepEqual(await shared.directory.extensionById(tenantId, id), await plain.directory.extensionById(tenantId, id));
      assert.equal(await shared.recording.extension(tenantId, account), await plain.recording.extension(tenantId, account));
      assert.equal(await shared.recording.tenant(tenantId), await plain.recording.tenant(tenantId));
      assert.equal(await shared.identities.styleOf(tenantId, account), await plain.identities.styleOf(tenantId, account));
    }
    assert.equal((await shared.directory.findExtension(acme, '100'))?.ringSeconds, 25);
    assert.equal(await shared.recording.extension(acme, '100-ACME'), 'yeschange');
    assert.equal(await shared.recording.extension(globex, '100-ACME'), undefined, "another tenant's account reads as not found");
    assert.equal(await shared.recording.tenant(acme), 'nochange');
    assert.equal(await shared.recording.did(acme, '+39021234'), 'yes');
    assert.equal(await shared.recording.did(globex, '+39021234'), undefined);
    assert.equal(await shared.identities.styleOf(acme, '100-ACME'), 'both');
    assert.equal(await shared.directory.extensionById(globex, alice), undefined);
  });

  t('changes made through the store reach calls once the lookup cache time has passed', async (store) => {
    const { acme, alice } = await seed(store);
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const { directory, recording } = readers(store, clock, TTL);
    assert.equal((await directory.findExtension(acme, '100'))?.dnd, false);
    assert.equal(await recording.tenant(acme), 'nochange');
    assert.equal(await recording.did(acme, '+39021234'), 'yes');
    await store.objects('extension').update(acme, alice, { ex_dnd: 'on', ex_recording: 'no' });
    await store.settings.set(acme, TENANT_RECORDING_SETTING, 'yes');
    const [did] = await store.objects('did').list(acme, { di_number: '+39021234' });
    await store.objects('did').update(acme, Number(did?.di_id), { di_recording: 'no' });
    // Within the cache time a call still sees the rows it read.
    assert.equal((await directory.extensionById(acme, alice))?.dnd, false);
    assert.equal(await recording.extension(acme, '100-ACME'), 'yeschange');
    clock.advance(TTL);
    assert.equal((await directory.extensionById(acme, alice))?.dnd, true);
    assert.equal(await recording.extension(acme, '100-ACME'), 'no');
    assert.equal(await recording.tenant(acme), 'yes');
    assert.equal(await recording.did(acme, '+39021234'), 'no');
  });

  t('with a cache time of 0 every read goes to the store', async (store) => {
    const { acme, alice } = await seed(store);
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const { directory, recording } = readers(store, clock, 0);
    assert.equal((await directory.findExtension(acme, '100'))?.dnd, false);
    assert.equal(await recording.tenant(acme), 'nochange');
    await store.objects('extension').update(acme, alice, { ex_dnd: 'on' });
    await store.settings.set(acme, TENANT_RECORDING_SETTING, 'yes');
    assert.equal((await directory.findExtension(acme, '100'))?.dnd, true);
    assert.equal(await recording.tenant(acme), 'yes');
  });
});
