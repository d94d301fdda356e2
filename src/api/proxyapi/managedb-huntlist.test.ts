// MANAGEDB huntlist members (spec §3.4.15, §7.3 item 14): setextensions keeps the order it is given,
// getextensions answers it, members are checked like any destination, and hunted objects stay protected.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, expectError } from '../../../test/support/api-harness.ts';

type Row = Record<string, string | null>;

describe('MANAGEDB huntlist members', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  const call = (action: string, params: Record<string, string> = {}, object = 'huntlist', key = h.acme.fullKey) =>
    h.post({ key, tenant: 'ACME', reqtype: 'MANAGEDB', object, action, ...params });
  const ok = async (res: Response): Promise<unknown> => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return res.json();
  };
  const add = async (object: string, fields: Record<string, unknown>) => (await ok(await call('add', { jsondata: JSON.stringify(fields) }, object))) as Row;
  const members = async (id: string) => ((await ok(await call('getextensions', { objectid: id }))) as Row[]).map((r) => `${r.de_type_dst}-${r.de_type_id_dst}`);

  test('setextensions keeps the order given; getextensions answers it', async () => {
    const exts = [];
    for (const number of ['1701', '1703', '1705']) exts.push(await add('extension', { ex_number: number }));
    const custom = await add('custom', { cu_name: 'Mobile', cu_ct_id: 1, cu_param1: '3564732920' });
    const hunt = await add('huntlist', { hu_name: 'Support', hu_number: '600' });
    const id = String(hunt.hu_id);
    const order = [`EXT-${exts[2]?.ex_id}`, `EXT-${exts[0]?.ex_id}`, `CUSTOM-${custom.cu_id}`, `EXT-${exts[1]?.ex_id}`];
    const answer = (await ok(await call('setextensions', { objectid: id, jsondata: JSON.stringify(order) }))) as Row[];
    assert.deepEqual(answer.map((r) => r.de_type_src), ['HUNTLIST', 'HUNTLIST', 'HUNTLIST', 'HUNTLIST']);
    assert.deepEqual(answer.map((r) => r.de_ord), ['1', '2', '3', '4']);
    assert.deepEqual(await members(id), order);
    // The same slot through MANAGEDB destination.
    const viaDestination = (await ok(await call('list', { typesrc: 'HUNTLIST', typeidsrc: id }, 'destination'))) as Row[];
    assert.equal(viaDestination.length, 4);
    await ok(await call('setextensions', { objectid: id, jsondata: JSON.stringify([order[3], order[0]]) }));
    assert.deepEqual(await members(id), [order[3], order[0]]);
    // A member cannot be deleted while the hunt list rings it; a former member can.
    await expectError(await call('delete', { objectid: String(exts[2]?.ex_id) }, 'extension'), 'conflict', `Extension 1705 is in use by destination slot HUNTLIST of huntlist ${id}; change those first`);
    await ok(await call('delete', { objectid: String(custom.cu_id) }, 'custom'));
  });

  test('members are checked; another tenant\'s hunt list is not found; read-only keys cannot set', async () => {
    const hunt = await add('huntlist', { hu_name: 'Sales' });
    const id = String(hunt.hu_id);
    await expectError(await call('setextensions', { objectid: id, jsondata: '["EXT-4242"]' }), 'invalid_parameter', "Invalid destination 'EXT-4242': extension 4242 does not exist in this tenant");
    const other = (await ok(await h.post({ key: h.globex.fullKey, tenant: 'GLOBEX', reqtype: 'MANAGEDB', object: 'huntlist', action: 'add', jsondata: '{"hu_name":"Sales"}' }))) as Row;
    await expectError(await call('getextensions', { objectid: String(other.hu_id) }), 'not_found', `Hunt list ${other.hu_id} not found`);
    await expectError(await call('setextensions', { objectid: String(other.hu_id), jsondata: '[]' }), 'not_found', `Hunt list ${other.hu_id} not found`);
    const refused = await call('setextensions', { objectid: id, jsondata: '[]' }, 'huntlist', h.acme.readOnlyKey);
    assert.equal(refused.headers.get('x-callgrid-error'), 'read_only_key');
    assert.deepEqual(await members(id), []);
  });

  test('a hunt list number is unique in its tenant when set', async () => {
    await add('huntlist', { hu_name: 'A', hu_number: '600' });
    await add('huntlist', { hu_name: 'B' });
    await add('huntlist', { hu_name: 'C' });
    await expectError(await call('add', { jsondata: '{"hu_name":"D","hu_number":"600"}' }), 'conflict', 'Hunt list number 600 already exists');
  });
});
