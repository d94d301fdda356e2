// PHONEBOOK / EXACTPHONEBOOK on a real store: the caller's entry sends the call to its ROUTING targets; exact match
// in the number's spellings, pattern match with RE2 (a catastrophic pattern stays linear); no match lets the list go
// on; another tenant's phonebook is not found though it holds the same number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONEBOOK_ITEMS } from '../../../domain/index.ts';
import { silentLogger } from '../../../shared/index.ts';
import type { Store } from '../../../store/index.ts';
import { onEveryEngine, storeTest, twoTenants } from '../../../../test/support/store-engines.ts';
import { fakeCall } from '../special/fake-call.test-support.ts';
import { StorePhonebookDirectory } from './phonebook-directory.ts';
import { PhonebookRoute, routingTargets, type PhonebookMatch } from './phonebook-route.ts';

/** An entry as [item code, value] pairs -> the repository's [pi_id, value]. */
const entry = (values: Record<string, string>) => Object.entries(values).map(([code, value]) => [PHONEBOOK_ITEMS.findIndex(([c]) => c === code) + 1, value] as const);

async function seed(store: Store) {
  const [acme, globex] = await twoTenants(store);
  const book = (await store.phonebooks.create(acme, 'Customers')).pb_id;
  await store.phonebooks.addEntries(acme, book, [
    entry({ NAME: 'No routing', PHONE1: '+390612345678' }),
    entry({ NAME: 'Mario Rossi', PHONE2: '0039 06 1234 5678', MOBILE: '+390612345678', ROUTING: 'EXT-100, IVR-3' }),
    entry({ NAME: 'Milan office', PHONE1: '^\\+3902', ROUTING: 'QUEUE-7' }),
    entry({ NAME: 'Evil pattern', PHONE1: '^(\\d+)+$x', ROUTING: 'EXT-666' }),
  ]);
  const theirs = (await store.phonebooks.create(globex, 'Customers')).pb_id;
  await store.phonebooks.addEntries(globex, theirs, [entry({ NAME: 'Theirs', PHONE1: '+390612345678', ROUTING: 'EXT-1' })]);
  return { acme, book, theirs };
}

onEveryEngine('PHONEBOOK routing', (open) => {
  const t = storeTest(open);
  const step = (store: Store, match: PhonebookMatch) => new PhonebookRoute({ phonebooks: new StorePhonebookDirectory(store), logger: silentLogger }, match);
  const caller = (number: string, tenantId: number) => fakeCall({ tenantId, caller: { number, name: '' } });

  t('EXACTPHONEBOOK: the first matching entry with ROUTING, found by any spelling of the number', async (store) => {
    const { acme, book } = await seed(store);
    const jump = { kind: 'jump', targets: [{ tag: 'EXT', id: 100 }, { tag: 'IVR', id: 3 }] };
    assert.deepEqual(await step(store, 'exact').run(caller('+390612345678', acme), { tag: 'EXACTPHONEBOOK', id: book }), jump);
    assert.deepEqual(await step(store, 'exact').run(caller('00390612345678', acme), { tag: 'EXACTPHONEBOOK', id: book }), jump);
    // Not a pattern in exact mode, and LIKE wildcards in a value or a number are plain characters.
    assert.deepEqual(await step(store, 'exact').run(caller('+390212345678', acme), { tag: 'EXACTPHONEBOOK', id: book }), { kind: 'continue' });
    assert.deepEqual(await step(store, 'exact').run(caller('%', acme), { tag: 'EXACTPHONEBOOK', id: book }), { kind: 'continue' });
    assert.deepEqual(await step(store, 'exact').run(caller('', acme), { tag: 'EXACTPHONEBOOK', id: book }), { kind: 'continue' });
  });

  t('PHONEBOOK: entry numbers are RE2 patterns; a catastrophic one neither hangs nor matches', async (store) => {
    const { acme, book } = await seed(store);
    assert.deepEqual(await step(store, 'pattern').run(caller('+390212345678', acme), { tag: 'PHONEBOOK', id: book }), { kind: 'jump', targets: [{ tag: 'QUEUE', id: 7 }] });
    // A plain number is a pattern matching itself (its leading + literal); the entry without ROUTING is passed over.
    assert.deepEqual(await step(store, 'pattern').run(caller('+390612345678', acme), { tag: 'PHONEBOOK', id: book }), { kind: 'jump', targets: [{ tag: 'EXT', id: 100 }, { tag: 'IVR', id: 3 }] });
    assert.deepEqual(await step(store, 'pattern').run(caller(`${'1'.repeat(40)}a`, acme), { tag: 'PHONEBOOK', id: book }), { kind: 'continue' });
    });

  t("another tenant's phonebook: next target with 404", async (store) => {
    const { acme, theirs } = await seed(store);
    for (const match of ['exact', 'pattern'] as const) {
      assert.deepEqual(await step(store, match).run(caller('+390612345678', acme), { tag: 'PHONEBOOK', id: theirs }), { kind: 'next', reason: 'unavailable', status: 404, text: `phonebook ${theirs} not found` });
    }
  });
});

test('ROUTING values: TAG-ID parts, bad parts set apart, at most 20', () => {
  assert.deepEqual(routingTargets('EXT-1, voicemail-2 ,nonsense,,FOO-3'), { targets: [{ tag: 'EXT', id: 1 }, { tag: 'VOICEMAIL', id: 2 }], bad: ['nonsense', 'FOO-3'] });
  assert.equal(routingTargets(Array.from({ length: 30 }, (_, i) => `EXT-${i}`).join(',')).targets.length, 20);
});
