// StoreFollowMeDirectory on SQLite and PostgreSQL: an extension's follow-me read on its own and through the call
// path's shared extension rows (main.ts) is the same, tenant by tenant; off or numberless reads as none.
import assert from 'node:assert/strict';
import { onEveryEngine, storeTest, twoTenants } from '../../../../test/support/store-engines.ts';
import { FakeClock } from '../../../shared/index.ts';
import { StoreExtensionRows } from '../../dialplan/index.ts';
import { StoreFollowMeDirectory } from './follow-me.ts';

onEveryEngine('StoreFollowMeDirectory', (open) => {
  const t = storeTest(open);

  t('reads the same follow-me with and without the shared extension rows', async (store) => {
    const [acme, globex] = await twoTenants(store);
    const insert = async (tenantId: number, values: Record<string, string | number | null>) => Number((await store.objects('extension').insert(tenantId, values)).ex_id);
    const alice = await insert(acme, { ex_number: '100', ex_username: '100-ACME', ex_name: 'Alice', ex_fmfmstatus: 'on', ex_fmfmnumber: '0612345;0698765', ex_fmfmdialmethod: 'hunt', ex_fmfmdelay: 5, ex_fmfmconfirm: 'on', ex_fmfmnumprefix: '9' });
    const bob = await insert(globex, { ex_number: '100', ex_username: '100-GLOBEX', ex_name: 'Bob', ex_fmfmstatus: '', ex_fmfmnumber: '0611111' });
    const plain = new StoreFollowMeDirectory(store);
    const shared = new StoreFollowMeDirectory(store, new StoreExtensionRows(store, new FakeClock('2026-01-01T00:00:00Z'), 60_000));
    const followMe = await shared.followMe(acme, alice);
    assert.deepEqual(followMe, await plain.followMe(acme, alice));
    assert.deepEqual(followMe?.numbers, ['0612345', '0698765']);
    assert.equal(followMe?.method, 'after');
    assert.equal(followMe?.delaySeconds, 5);
    assert.equal(followMe?.confirm, true);
    assert.equal(followMe?.presentation?.numberPrefix, '9');
    assert.equal(await shared.followMe(globex, bob), undefined, 'off');
    assert.equal(await shared.followMe(globex, alice), undefined, "another tenant's extension reads as not found");
  });
});
