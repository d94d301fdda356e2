// StoreMessageCarriers on a real SQLite store: an SMS provider's pr_smsurl host is recognised, and a provider table
// that failed to read once is read again at the next MESSAGE instead of failing every MESSAGE after it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../../shared/index.ts';
import { openStore, type Store } from '../../../store/index.ts';
import { StoreMessageCarriers } from './message-carriers.ts';

const noVoiceCarrier = { carrierAt: async () => undefined };
const from = (address: string, port: number) => ({ protocol: 'udp' as const, address, port });

test('a failed read of the providers is not kept: the next MESSAGE reads them again', async () => {
  const store = openStore('sqlite::memory:');
  await store.migrate();
  try {
    const row = await store.objects('provider').insert(null, { pr_name: 'SMS trunk', pr_tech: 'SMS', pr_smsprotocol: 'SIP', pr_smsurl: 'sip:192.0.2.7:5070' });
    let failures = 1;
    // The store as the node has it, except that its provider list fails once (the database restarting).
    const flaky = new Proxy(store, {
      get(target, key, receiver) {
        if (key !== 'objects') return Reflect.get(target, key, receiver);
        return (name: string) => {
          const table = target.objects(name);
          return new Proxy(table, {
            get(t, k, r) {
              if (k === 'list' && failures > 0) {
                failures--;
                return async () => {
                  throw new Error('database restarting');
                };
              }
              return Reflect.get(t, k, r);
            },
          });
        };
      },
    }) as Store;
    const carriers = new StoreMessageCarriers(noVoiceCarrier, flaky, new FakeClock(new Date('2026-12-05T10:00:00Z')), 5000);
    await assert.rejects(carriers.carrierAt(from('192.0.2.7', 5070)), /database restarting/);
    assert.deepEqual(await carriers.carrierAt(from('192.0.2.7', 5070)), { providerId: Number(row.pr_id) });
    // Over UDP the port counts; another address is nobody's.
    assert.equal(await carriers.carrierAt(from('192.0.2.7', 5060)), undefined);
    assert.equal(await carriers.carrierAt(from('192.0.2.8', 5070)), undefined);
  } finally {
    await store.close();
  }
});
