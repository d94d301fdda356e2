// MANAGEDB conference (spec §3.4.6): `pin`/`adminpin` sent flat and never shown, the MeetMe confno
// derived from number and tenant code, unique numbers per tenant, and te_maxconferences.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, expectError, type Harness, type TenantKeys } from '../../../test/support/api-harness.ts';

type Row = Record<string, string | null>;

describe('MANAGEDB conference', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  const db = (t: TenantKeys, action: string, params: Record<string, string> = {}) =>
    h.post({ key: t.fullKey, tenant: t.code, reqtype: 'MANAGEDB', object: 'CONFERENCE', action, ...params });
  const ok = async (res: Response) => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return (await res.json()) as Row;
  };
  const add = async (t: TenantKeys, fields: Record<string, unknown>) => ok(await db(t, 'add', { jsondata: JSON.stringify(fields) }));

  test("MiRTA's example: the PIN is stored, never answered; confno defaults to number-TENANT", async () => {
    const row = await add(h.acme, { cr_number: '887', cr_name: 'Test conference', pin: '5678' });
    assert.equal(row.cr_confno, '887-ACME');
    assert.equal('cr_pin' in row, false);
    assert.equal('pin' in row, false);
    const stored = await h.runtime.services.objects.get('conference', h.acme.id, 1);
    assert.equal(stored.cr_pin, '5678');
    assert.equal(stored.cr_adminpin, '');
    // Renumbering keeps a default confno in step; a custom one stays.
    assert.equal((await ok(await db(h.acme, 'update', { objectid: '1', jsondata: '{"cr_number":"888"}' }))).cr_confno, '888-ACME');
    await ok(await db(h.acme, 'update', { objectid: '1', jsondata: '{"confno":"board"}' }));
    assert.equal((await ok(await db(h.acme, 'update', { objectid: '1', jsondata: '{"cr_number":"889","adminpin":"1111"}' }))).cr_confno, 'board');
    assert.equal((await h.runtime.services.objects.get('conference', h.acme.id, 1)).cr_adminpin, '1111');
  });

  test('PINs are digits; numbers are unique per tenant; dates are checked', async () => {
    const bad = (fields: Record<string, unknown>) => db(h.acme, 'add', { jsondata: JSON.stringify({ cr_number: '1', cr_name: 'R', ...fields }) });
    await expectError(await bad({ pin: '12ab' }), 'invalid_parameter', 'Invalid pin for conference: expected digits only, 1-32 long');
    await expectError(await bad({ startdate: 'tomorrow' }), 'invalid_parameter', 'Invalid startdate for conference: expected YYYY-MM-DD HH:MM:SS');
    await expectError(await bad({ cr_name: '' }), 'missing_parameter', "Missing required field 'cr_name' for conference");
    await add(h.acme, { cr_number: '1', cr_name: 'R', startdate: '2026-12-01 09:00' });
    await expectError(await bad({}), 'conflict', 'Conference R already exists');
    // The same number in another tenant is another room.
    const theirs = await add(h.globex, { cr_number: '1', cr_name: 'R' });
    assert.equal(theirs.cr_confno, '1-GLOBEX');
  });

  test('te_maxconferences holds', async () => {
    await h.runtime.services.tenants.update(h.acme.id, { te_maxconferences: 1 });
    await add(h.acme, { number: '10', name: 'One' });
    await expectError(await db(h.acme, 'add', { jsondata: '{"number":"11","name":"Two"}' }), 'conflict', 'Tenant ACME already has its maximum of 1 conferences (te_maxconferences)');
  });
});
