// MANAGEDB destination (spec §3.3): slot list/replace with "TAG-ID" targets (array or keyed by
// position), validation of slot, owner and targets in one tenant, and deletes around destinations.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOGUE } from '../../domain/index.ts';
import { createHarness, type Harness, type TenantKeys, expectError, HARNESS_ENGINES } from '../../../test/support/api-harness.ts';

type Row = Record<string, string | null>;

for (const engine of HARNESS_ENGINES) describe(`MANAGEDB destination on ${engine}`, () => {
  let h: Harness;
  let did: Row;
  let ext: Row;
  beforeEach(async () => {
    h = await createHarness({}, { engine });
    did = await add(h.acme, 'did', { di_number: '390612345678' });
    ext = await add(h.acme, 'extension', { ex_number: '100' });
  });
  afterEach(() => h.close());

  const call = (t: TenantKeys, object: string, action: string, params: Record<string, string> = {}, key = t.fullKey) =>
    h.post({ key, tenant: t.code, reqtype: 'MANAGEDB', object, action, ...params });
  const ok = async (res: Response): Promise<unknown> => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return res.json();
  };
  const add = async (t: TenantKeys, object: string, fields: Record<string, unknown>) => (await ok(await call(t, object, 'add', { jsondata: JSON.stringify(fields) }))) as Row;
  const slot = (typesrc: string, typeidsrc: string | null | undefined) => ({ typesrc, typeidsrc: String(typeidsrc) });
  const replace = (t: TenantKeys, typesrc: string, id: string | null | undefined, jsondata: unknown) =>
    call(t, 'destination', 'replace', { ...slot(typesrc, id), jsondata: JSON.stringify(jsondata) });
  const targets = async (t: TenantKeys, typesrc: string, id: string | null | undefined) =>
    ((await ok(await call(t, 'destination', 'list', slot(typesrc, id)))) as Row[]).map((r) => `${r.de_type_dst}-${r.de_type_id_dst}`);

  test('replace stores the targets in order as de_ rows; list answers them', async () => {
    const rows = (await ok(await replace(h.acme, 'DID', did.di_id, [`EXT-${ext.ex_id}`, 'PARK-1', 'special-3']))) as Row[];
    assert.deepEqual(rows[0], { de_id: rows[0]?.de_id ?? '', de_te_id: String(h.acme.id), de_type_src: 'DID', de_type_id_src: did.di_id ?? '', de_type_dst: 'EXT', de_type_id_dst: ext.ex_id ?? '', de_ord: '1' });
    assert.deepEqual(await targets(h.acme, 'DID', did.di_id), [`EXT-${ext.ex_id}`, 'PARK-1', 'SPECIAL-3']);
    // Another slot of the same DID is separate; replace clears with an empty list.
    await ok(await replace(h.acme, 'did-unconditional', did.di_id, ['PARK-2']));
    assert.deepEqual(await targets(h.acme, 'DID-UNCONDITIONAL', did.di_id), ['PARK-2']);
    await ok(await replace(h.acme, 'DID', did.di_id, []));
    assert.deepEqual(await targets(h.acme, 'DID', did.di_id), []);
    assert.deepEqual(await targets(h.acme, 'DID-UNCONDITIONAL', did.di_id), ['PARK-2']);
  });

  test('jsondata keyed by position is read in position order', async () => {
    await ok(await replace(h.acme, 'DID', did.di_id, { '10': 'PARK-10', '2': 'PARK-2', '1': `EXT-${ext.ex_id}` }));
    assert.deepEqual(await targets(h.acme, 'DID', did.di_id), [`EXT-${ext.ex_id}`, 'PARK-2', 'PARK-10']);
    await expectError(await replace(h.acme, 'DID', did.di_id, { first: 'PARK-1' }), 'invalid_parameter', "Invalid jsondata for destinations: 'first' is not a position (expected keys 1, 2, ...)");
  });

  test('bad slots and bad targets are refused naming them; the slot keeps its targets', async () => {
    await ok(await replace(h.acme, 'DID', did.di_id, ['PARK-1']));
    const refuse = async (typesrc: string, id: string | null | undefined, jsondata: unknown, code: string, message: string) => expectError(await replace(h.acme, typesrc, id, jsondata), code, message);
    await refuse('DID', did.di_id, ['EXT-999'], 'invalid_parameter', "Invalid destination 'EXT-999': extension 999 does not exist in this tenant");
    await refuse('DID', did.di_id, ['PARK-1', 'BOGUS-1'], 'invalid_parameter', "Invalid destination 'BOGUS-1': unknown destination type BOGUS");
    await refuse('DID', did.di_id, ['EXT100'], 'invalid_parameter', "Invalid destination 'EXT100': expected TYPE-ID such as EXT-100");
    await refuse('DID', did.di_id, [100], 'invalid_parameter', 'Invalid destination at position 1: expected a "TYPE-ID" string such as EXT-100');
    await refuse('DID', did.di_id, 'EXT-100', 'invalid_parameter', 'Invalid jsondata for destinations: expected a JSON array (or an object keyed by position)');
    await refuse('DID', did.di_id, Array.from({ length: 101 }, () => 'PARK-1'), 'invalid_parameter', 'Invalid jsondata for destinations: at most 100 entries (got 101)');
    await refuse('NOWHERE', did.di_id, [], 'invalid_parameter', "Invalid typesrc 'NOWHERE': not a destination slot type");
    await refuse('DID', '999', [], 'not_found', 'DID 999 not found');
    await refuse('IVR_1', '999', [], 'not_found', 'IVR 999 not found');
    await expectError(await call(h.acme, 'destination', 'list', { typeidsrc: '1' }), 'missing_parameter', 'No typesrc specified');
    await expectError(await call(h.acme, 'destination', 'list', { typesrc: 'DID' }), 'missing_parameter', 'No typeidsrc specified');
    assert.deepEqual(await targets(h.acme, 'DID', did.di_id), ['PARK-1']);
  });

  test("another tenant's slot reads as not found, and its objects are not targets", async () => {
    const gext = await add(h.globex, 'extension', { ex_number: '100' });
    const gdid = await add(h.globex, 'did', { di_number: '390612345679' });
    await expectError(await call(h.acme, 'destination', 'list', slot('DID', gdid.di_id)), 'not_found', `DID ${gdid.di_id} not found`);
    await expectError(await replace(h.acme, 'DID', gdid.di_id, ['PARK-1']), 'not_found', `DID ${gdid.di_id} not found`);
    await expectError(await replace(h.acme, 'DID', did.di_id, [`EXT-${gext.ex_id}`]), 'invalid_parameter', `Invalid destination 'EXT-${gext.ex_id}': extension ${gext.ex_id} does not exist in this tenant`);
    await ok(await replace(h.globex, 'DID', gdid.di_id, [`EXT-${gext.ex_id}`]));
    assert.deepEqual(await targets(h.acme, 'DID', did.di_id), []);
    assert.deepEqual(await targets(h.globex, 'DID', gdid.di_id), [`EXT-${gext.ex_id}`]);
  });

  test('read-only keys list but never replace', async () => {
    await ok(await replace(h.acme, 'DID', did.di_id, ['PARK-1']));
    const ro = h.acme.readOnlyKey;
    assert.equal(((await ok(await call(h.acme, 'destination', 'list', slot('DID', did.di_id), ro))) as Row[]).length, 1);
    const refused = await call(h.acme, 'destination', 'replace', { ...slot('DID', did.di_id), jsondata: '[]' }, ro);
    assert.equal(refused.headers.get('x-callgrid-error'), 'read_only_key');
    assert.deepEqual(await targets(h.acme, 'DID', did.di_id), ['PARK-1']);
  });

  test('a target cannot be deleted while a slot names it; an owner takes its slots with it', async () => {
    await ok(await replace(h.acme, 'DID', did.di_id, [`EXT-${ext.ex_id}`]));
    await ok(await replace(h.acme, 'EXT-BUSY', ext.ex_id, ['PARK-5']));
    await expectError(
      await call(h.acme, 'extension', 'delete', { objectid: String(ext.ex_id) }),
      'conflict',
      `Extension 100 is in use by destination slot DID of did ${did.di_id}; change those first`,
    );
    // Deleting the DID removes its slot rows, which frees the extension (and its own slots go with it).
    await ok(await call(h.acme, 'did', 'delete', { objectid: String(did.di_id) }));
    await ok(await call(h.acme, 'extension', 'delete', { objectid: String(ext.ex_id) }));
    assert.deepEqual(await h.runtime.services.objects.list('destination', h.acme.id), []);
  });

  test('an object naming itself in its own slot can still be deleted', async () => {
    const hunt = await add(h.acme, 'huntlist', { hu_name: 'Loop' });
    await ok(await replace(h.acme, 'HUNTLIST-TIMEOUT', hunt.hu_id, [`HUNTLIST-${hunt.hu_id}`]));
    await ok(await call(h.acme, 'huntlist', 'delete', { objectid: String(hunt.hu_id) }));
    assert.deepEqual(await h.runtime.services.objects.list('destination', h.acme.id), []);
  });

  test('IVR and condition getdestinations answer every slot of the object', async () => {
    const ivr = await add(h.acme, 'ivr', { iv_name: 'Menu' });
    await ok(await replace(h.acme, 'IVR_TIMEOUT', ivr.iv_id, ['PARK-9']));
    await ok(await replace(h.acme, 'IVR_1', ivr.iv_id, [`EXT-${ext.ex_id}`, 'PARK-1']));
    await ok(await replace(h.acme, 'customivr_support', ivr.iv_id, ['PARK-3']));
    const rows = (await ok(await call(h.acme, 'ivr', 'getdestinations', { objectid: String(ivr.iv_id) }))) as Row[];
    assert.deepEqual(rows.map((r) => `${r.de_type_src}:${r.de_type_dst}-${r.de_type_id_dst}`), ['CUSTOMIVR_SUPPORT:PARK-3', `IVR_1:EXT-${ext.ex_id}`, 'IVR_1:PARK-1', 'IVR_TIMEOUT:PARK-9']);
    const cond = await add(h.acme, 'condition', { co_type: 'WEEKTIME' });
    await ok(await replace(h.acme, 'NOTCONDITION', cond.co_id, [`IVR-${ivr.iv_id}`]));
    await ok(await replace(h.acme, 'CONDITION', cond.co_id, [`EXT-${ext.ex_id}`]));
    const branches = (await ok(await call(h.acme, 'condition', 'getdestinations', { objectid: String(cond.co_id) }))) as Row[];
    assert.deepEqual(branches.map((r) => `${r.de_type_src}:${r.de_type_dst}`), ['CONDITION:EXT', 'NOTCONDITION:IVR']);
    await expectError(await call(h.acme, 'ivr', 'getdestinations', { objectid: '999' }), 'not_found', 'IVR 999 not found');
    await expectError(await call(h.acme, 'ivr', 'delete', { objectid: String(ivr.iv_id) }), 'conflict', `IVR Menu is in use by destination slot NOTCONDITION of condition ${cond.co_id}; change those first`);
  });

  test("targets of the other group's objects are checked once the catalogue stores them", async () => {
    const others: Array<[string, string, Record<string, unknown>]> = [
      ['QUEUE', 'queue', { qu_name: 'Support' }],
      ['MEETME', 'conference', { cr_number: '887', cr_name: 'Room' }],
      ['VOICEMAIL', 'voicemail', { mailbox: '9000' }],
      ['PLAYBACK', 'mediafile', { me_name: 'Beep' }],
    ];
    for (const [tag, object, fields] of others) {
      const schema = CATALOGUE[object];
      if (!schema) continue;
      await expectError(await replace(h.acme, 'DID', did.di_id, [`${tag}-4242`]), 'invalid_parameter', `Invalid destination '${tag}-4242': ${schema.title} 4242 does not exist in this tenant`);
      const row = await add(h.acme, object, fields);
      const id = String(row[schema.idColumn]);
      await ok(await replace(h.acme, 'DID', did.di_id, [`${tag}-${id}`]));
      assert.deepEqual(await targets(h.acme, 'DID', did.di_id), [`${tag}-${id}`]);
      const refused = await call(h.acme, object, 'delete', { objectid: id });
      assert.equal(refused.headers.get('x-callgrid-error'), 'conflict', object);
      assert.match(await refused.text(), new RegExp(`is in use by destination slot DID of did ${did.di_id}; change those first`));
    }
  });
});
