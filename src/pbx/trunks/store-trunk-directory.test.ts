// StoreTrunkDirectory on SQLite and PostgreSQL: only enabled providers with a fixed host and credentials register.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { onEveryEngine, type OpenStore } from '../../../test/support/store-engines.ts';
import type { Store } from '../../store/index.ts';
import { StoreTrunkDirectory } from './store-trunk-directory.ts';

onEveryEngine('StoreTrunkDirectory', (open: OpenStore) => {
  let store: Store;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    ({ store, dispose } = await open());
  });
  afterEach(() => dispose());

  test('registering trunks: credentials and a fixed host, not disabled', async () => {
    const providers = store.objects('provider');
    await providers.insert(null, { pr_name: 'Registers', pr_host: 'sip.carrier.example:5070', pr_transport: 'tcp', pr_username: 'acct', pr_password: 's3cret' });
    await providers.insert(null, { pr_name: 'IP trunk', pr_host: 'gw.example' });
    await providers.insert(null, { pr_name: 'Dynamic', pr_host: 'dynamic', pr_username: 'u', pr_password: 'p' });
    await providers.insert(null, { pr_name: 'Disabled', pr_host: 'off.example', pr_username: 'u', pr_password: 'p', pr_disabled: 'on' });
    await providers.insert(null, { pr_name: 'No password', pr_host: 'np.example', pr_username: 'u' });
    const trunks = await new StoreTrunkDirectory(store).registeringTrunks();
    assert.deepEqual(trunks.map((t) => [t.name, t.host, t.port, t.transport, t.auth]), [['Registers', 'sip.carrier.example', 5070, 'tcp', { username: 'acct', secret: 's3cret' }]]);
  });
});
