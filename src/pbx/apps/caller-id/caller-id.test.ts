// CLIDNAMEBYPHONEBOOK on a real store (the caller's name from its entry, any spelling of its number, another
// tenant's phonebook not found), CALLERIDMOD's rules (strip, prefix, fixed number and name, RE2 match, refusals) and
// CALLERIDMOD with the rules stored as calleridmodification objects (tenant-scoped).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PHONEBOOK_ITEMS } from '../../../domain/index.ts';
import { silentLogger } from '../../../shared/index.ts';
import type { Store } from '../../../store/index.ts';
import { onEveryEngine, storeTest, twoTenants } from '../../../../test/support/store-engines.ts';
import { StorePhonebookDirectory } from '../phonebook-route/index.ts';
import { fakeCall } from '../special/fake-call.test-support.ts';
import { CallerIdMod } from './caller-id-mod.ts';
import { applyCallerIdRule, type CallerIdRule } from './caller-id-rule.ts';
import { ClidNameByPhonebook, entryName } from './clid-name-by-phonebook.ts';
import { StoreCallerIdRuleDirectory } from './store-caller-id-rule-directory.ts';

const entry = (values: Record<string, string>) => Object.entries(values).map(([code, value]) => [PHONEBOOK_ITEMS.findIndex(([c]) => c === code) + 1, value] as const);

onEveryEngine('CLIDNAMEBYPHONEBOOK', (open) => {
  const t = storeTest(open);
  const step = (store: Store) => new ClidNameByPhonebook({ phonebooks: new StorePhonebookDirectory(store), logger: silentLogger });

  t("sets the caller's name from its entry; the number stays; no entry leaves the caller as it was", async (store) => {
    const [acme, globex] = await twoTenants(store);
    const book = (await store.phonebooks.create(acme, 'Customers')).pb_id;
    await store.phonebooks.addEntries(acme, book, [entry({ FIRSTNAME: 'Mario', LASTNAME: 'Rossi', PHONE2: '390612345678' }), entry({ NAME: 'Anna\r\nBianchi', MOBILE: '+393331234567' })]);
    const theirs = (await store.phonebooks.create(globex, 'Customers')).pb_id;
    await store.phonebooks.addEntries(globex, theirs, [entry({ NAME: 'Not yours', PHONE1: '+390612345678' })]);

    const mario = fakeCall({ tenantId: acme, caller: { number: '+390612345678', name: 'UNKNOWN' } });
    assert.deepEqual(await step(store).run(mario, { tag: 'CLIDNAMEBYPHONEBOOK', id: book }), { kind: 'continue' });
    assert.deepEqual([mario.callerParty.number, mario.callerParty.name], ['+390612345678', 'Mario Rossi']);
    const anna = fakeCall({ tenantId: acme, caller: { number: '00393331234567', name: '' } });
    await step(store).run(anna, { tag: 'CLIDNAMEBYPHONEBOOK', id: book });
    assert.equal(anna.callerParty.name, 'Anna  Bianchi', 'line breaks never reach a From header');
    const stranger = fakeCall({ tenantId: acme, caller: { number: '+4930123456', name: 'Hans' } });
    assert.deepEqual(await step(store).run(stranger, { tag: 'CLIDNAMEBYPHONEBOOK', id: book }), { kind: 'continue' });
    assert.deepEqual(stranger.log, []);
    const crossing = fakeCall({ tenantId: acme, caller: { number: '+390612345678', name: 'UNKNOWN' } });
    assert.deepEqual(await step(store).run(crossing, { tag: 'CLIDNAMEBYPHONEBOOK', id: theirs }), { kind: 'next', reason: 'unavailable', status: 404, text: `phonebook ${theirs} not found` });
    assert.equal(crossing.callerParty.name, 'UNKNOWN');
    // A call that cannot change its caller goes on untouched.
    assert.deepEqual(await step(store).run(fakeCall({ tenantId: acme, noSetCaller: true }), { tag: 'CLIDNAMEBYPHONEBOOK', id: book }), { kind: 'continue' });
  });
});

const rule = (fields: Partial<CallerIdRule>): CallerIdRule => ({ id: 4, match: '', strip: 0, prefix: '', number: '', name: '', namePrefix: '', ...fields });

describe('caller id rules', () => {
  const caller = { number: '00390612345678', name: 'Mario' };

  test('strip and prefix, a fixed number, a name and a name prefix', () => {
    assert.deepEqual(applyCallerIdRule(rule({ strip: 2, prefix: '+' }), caller), { kind: 'changed', number: '+390612345678', name: 'Mario' });
    assert.deepEqual(applyCallerIdRule(rule({ number: '0612340000', name: 'Reception', namePrefix: 'ACME: ' }), caller), { kind: 'changed', number: '0612340000', name: 'ACME: Reception' });
    assert.deepEqual(applyCallerIdRule(rule({ namePrefix: 'VIP ' }), caller), { kind: 'changed', number: caller.number, name: 'VIP Mario' });
  });

  test('only numbers matching the RE2 pattern change; a bad pattern or a number that is not one is refused', () => {
    assert.deepEqual(applyCallerIdRule(rule({ match: '^0039', strip: 4, prefix: '0' }), caller), { kind: 'changed', number: '00612345678', name: 'Mario' });
    assert.deepEqual(applyCallerIdRule(rule({ match: '^0044', strip: 4 }), caller), { kind: 'no-match' });
    assert.equal(applyCallerIdRule(rule({ match: '(?=x)' }), caller).kind, 'bad');
    assert.equal(applyCallerIdRule(rule({ prefix: '1@evil>' }), caller).kind, 'bad');
  });

  test('the CALLERIDMOD step applies the tenant rule for the rest of the call; an unknown rule is 404', async () => {
    const rules = { rule: async (tenantId: number, id: number) => (tenantId === 1 && id === 4 ? rule({ strip: 2, prefix: '+' }) : undefined) };
    const step = new CallerIdMod({ rules, logger: silentLogger });
    const call = fakeCall({ caller: caller });
    assert.deepEqual(await step.run(call, { tag: 'CALLERIDMOD', id: 4 }), { kind: 'continue' });
    assert.equal(call.callerParty.number, '+390612345678');
    assert.deepEqual(await step.run(fakeCall({ tenantId: 2 }), { tag: 'CALLERIDMOD', id: 4 }), { kind: 'next', reason: 'unavailable', status: 404, text: 'caller id rule 4 not found' });
  });

  test('entry names: NAME, else first and last name, else the company', () => {
    assert.equal(entryName({ pe_id: 1, pe_pb_id: 1, values: { NAME: ' Ann ', FIRSTNAME: 'X' } }), 'Ann');
    assert.equal(entryName({ pe_id: 1, pe_pb_id: 1, values: { LASTNAME: 'Rossi' } }), 'Rossi');
    assert.equal(entryName({ pe_id: 1, pe_pb_id: 1, values: { COMPANY: 'ACME' } }), 'ACME');
    assert.equal(entryName({ pe_id: 1, pe_pb_id: 1, values: { PHONE1: '1' } }), '');
  });
});

onEveryEngine('CALLERIDMOD with stored rules', (open) => {
  const t = storeTest(open);
  const step = (store: Store) => new CallerIdMod({ rules: new StoreCallerIdRuleDirectory(store), logger: silentLogger });
  const addRule = async (store: Store, tenantId: number, fields: Record<string, string | number>) =>
    Number((await store.objects('calleridmodification').insert(tenantId, { cm_name: 'rule', ...fields })).cm_id);

  t("the tenant's rule rewrites the caller; a number it does not match is left alone; another tenant's rule is 404", async (store) => {
    const [acme, globex] = await twoTenants(store);
    const international = await addRule(store, acme, { cm_match: '^00', cm_strip: 2, cm_prefix: '+', cm_nameprefix: 'INTL ' });
    const fixed = await addRule(store, acme, { cm_number: '0612340000', cm_calleridname: 'Reception' });
    const theirs = await addRule(store, globex, { cm_number: '999' });

    const abroad = fakeCall({ tenantId: acme, caller: { number: '00390612345678', name: 'Mario' } });
    assert.deepEqual(await step(store).run(abroad, { tag: 'CALLERIDMOD', id: international }), { kind: 'continue' });
    assert.deepEqual([abroad.callerParty.number, abroad.callerParty.name], ['+390612345678', 'INTL Mario']);
    const local = fakeCall({ tenantId: acme, caller: { number: '0612345678', name: 'Anna' } });
    await step(store).run(local, { tag: 'CALLERIDMOD', id: international });
    assert.deepEqual(local.log, [], 'no match: the caller is unchanged');
    const any = fakeCall({ tenantId: acme, caller: { number: '3331234567', name: 'Anna' } });
    await step(store).run(any, { tag: 'CALLERIDMOD', id: fixed });
    assert.deepEqual([any.callerParty.number, any.callerParty.name], ['0612340000', 'Reception']);

    const crossing = fakeCall({ tenantId: acme, caller: { number: '3331234567', name: 'Anna' } });
    assert.deepEqual(await step(store).run(crossing, { tag: 'CALLERIDMOD', id: theirs }), { kind: 'next', reason: 'unavailable', status: 404, text: `caller id rule ${theirs} not found` });
    assert.equal(crossing.callerParty.number, '3331234567');
  });
});
