// StoreDisaDirectory over a real SQLite store: a DISA row as the step reads it, another tenant's as not found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../../store/index.ts';
import { twoTenants } from '../../../../test/support/store-engines.ts';
import { StoreDisaDirectory } from './disa-settings.ts';

test("a DISA's stored columns become its settings; another tenant's DISA reads as not found", async () => {
  const store = openStore('sqlite::memory:');
  try {
    await store.migrate();
    const [acme, globex] = await twoTenants(store);
    const row = await store.objects('disa').insert(acme, { ds_name: 'Road warriors', ds_pin: '4321', ds_outbound: 'on', ds_calleridnum: '+41440000000', ds_digitstimeout: 4, ds_looponattempt: 2 });
    const directory = new StoreDisaDirectory(store);
    assert.deepEqual(await directory.disa(acme, Number(row.ds_id)), {
      id: Number(row.ds_id), name: 'Road warriors', welcomeMediaId: undefined, pin: '4321', outbound: true, blockCallerId: false,
      callerIdNumber: '+41440000000', callerIdName: '', digitSeconds: 4, responseSeconds: 20, attempts: 2,
    });
    assert.equal(await directory.disa(globex, Number(row.ds_id)), undefined);
  } finally {
    await store.close();
  }
});
