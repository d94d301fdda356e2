// MANAGEDB phone and phonephonebook (spec §3.4.21-22): MAC addresses stored one way and unique across
// the PBX, lines that must be extensions of the same tenant, and deletes refused while in use.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, expectError, type Harness, type TenantKeys } from '../../../test/support/api-harness.ts';

type Row = Record<string, string | null>;

describe('MANAGEDB phone', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  const db = (t: TenantKeys, object: string, action: string, params: Record<string, string> = {}) =>
    h.post({ key: t.fullKey, tenant: t.code, reqtype: 'MANAGEDB', object, action, ...params });
  const ok = async (res: Response) => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return (await res.json()) as Row;
  };
  const add = async (t: TenantKeys, fields: Record<string, unknown>, object = 'phones') => ok(await db(t, object, 'add', { jsondata: JSON.stringify(fields) }));

  test("MiRTA's example; the MAC is stored upper case with colons and is unique across tenants", async () => {
    const row = await add(h.acme, { ph_name: 'George Basement', ph_mac: 'aa-bb-cc-dd-ee-ff-00-11', ph_pm_id: 5, ph_password: 'pw' });
    assert.equal(row.ph_mac, 'AA:BB:CC:DD:EE:FF:00:11');
    assert.equal('ph_password' in row, false);
    assert.equal('ph_line16_ex_id' in row, false);
    assert.equal(row.ph_line15_ex_id, null);
    await expectError(await db(h.globex, 'phone', 'add', { jsondata: '{"ph_name":"Other","ph_mac":"AABBCCDDEEFF0011"}' }), 'conflict', 'Phone Other already exists');
    await expectError(await db(h.acme, 'phone', 'add', { jsondata: '{"ph_name":"X","ph_mac":"AA:BB"}' }), 'invalid_parameter', 'Invalid ph_mac for phone: expected a MAC address such as AA:BB:CC:DD:EE:FF');
    await expectError(await db(h.acme, 'phone', 'add', { jsondata: '{"ph_name":"X","ph_mac":"02:00:00:00:00:01","ph_line16_ex_id":1}' }), 'invalid_parameter', "Unknown field 'ph_line16_ex_id' for phone");
    const updated = await ok(await db(h.acme, 'phone', 'update', { objectid: '1', jsondata: '{"mac":"0a0b0c0d0e0f"}' }));
    assert.equal(updated.ph_mac, '0A:0B:0C:0D:0E:0F');
    assert.equal(updated.ph_name, 'George Basement');
  });

  test('lines are extensions of the same tenant; an extension on a line cannot be deleted', async () => {
    const mine = await h.runtime.services.objects.create('extension', h.acme.id, { ex_number: '100' });
    const theirs = await h.runtime.services.objects.create('extension', h.globex.id, { ex_number: '100' });
    await expectError(
      await db(h.acme, 'phone', 'add', { jsondata: JSON.stringify({ ph_name: 'Desk', ph_mac: '02:00:00:00:00:01', ph_line0_ex_id: theirs.ex_id }) }),
      'invalid_parameter',
      `Invalid ph_line0_ex_id for phone: extension ${String(theirs.ex_id)} does not exist in this tenant`,
    );
    await add(h.acme, { ph_name: 'Desk', ph_mac: '02:00:00:00:00:01', ph_line0_ex_id: mine.ex_id, ph_line15_ex_id: mine.ex_id });
    await expectError(
      await db(h.acme, 'extension', 'delete', { objectid: String(mine.ex_id) }),
      'conflict',
      'Extension 100 is in use by phone Desk (ph_line0_ex_id), phone Desk (ph_line15_ex_id); change those first',
    );
    // Globex's extension 100 is free to go.
    await ok(await db(h.globex, 'extension', 'delete', { objectid: String(theirs.ex_id) }));
  });

  test('phonephonebook links a phone of the same tenant once; the phone cannot go while linked', async () => {
    const phone = await add(h.acme, { ph_name: 'Desk', ph_mac: '02:00:00:00:00:01' });
    const other = await add(h.globex, { ph_name: 'Theirs', ph_mac: '02:00:00:00:00:02' });
    await expectError(
      await db(h.acme, 'phonephonebook', 'add', { jsondata: JSON.stringify({ pp_ph_id: other.ph_id, pp_pb_id: 1 }) }),
      'invalid_parameter',
      `Invalid pp_ph_id for phone phonebook: phone ${String(other.ph_id)} does not exist in this tenant`,
    );
    const link = await add(h.acme, { phone_id: phone.ph_id, phonebook_id: 7, order: 1 }, 'PHONEPHONEBOOK');
    assert.deepEqual([link.pp_ph_id, link.pp_pb_id, link.pp_order], [phone.ph_id, '7', '1']);
    await expectError(await db(h.acme, 'phonephonebook', 'add', { jsondata: JSON.stringify({ pp_ph_id: phone.ph_id, pp_pb_id: 7 }) }), 'conflict', 'Phone phonebook already exists');
    await assert.rejects(h.runtime.services.objects.delete('phone', h.acme.id, Number(phone.ph_id)), { code: 'conflict', message: 'Phone Desk is in use by phone phonebook 1 (pp_ph_id); change those first' });
    await ok(await db(h.acme, 'phonephonebook', 'delete', { objectid: String(link.pp_id) }));
    await h.runtime.services.objects.delete('phone', h.acme.id, Number(phone.ph_id));
  });
});
