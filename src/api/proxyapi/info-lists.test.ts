// INFO queues, pincodes, variable and dids (spec §2.12): list shapes, tenant isolation, the admin's all-tenant view.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, expectError, type Harness, type TenantKeys } from '../../../test/support/api-harness.ts';

describe('INFO lists', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  const info = (t: TenantKeys, type: string, params: Record<string, string> = {}, key = t.fullKey) => h.get({ key, tenant: t.code, reqtype: 'INFO', info: type, ...params });
  const create = (name: string, t: TenantKeys, payload: Record<string, unknown>) => h.runtime.services.objects.create(name, t.id, payload);

  test('queues: one plain line `<id>: <name>|`, json {"<qu_id>":"<qu_name>"}; only the tenant\'s own', async () => {
    assert.equal(await (await info(h.acme, 'queues')).text(), '');
    assert.deepEqual(await (await info(h.acme, 'queues', { format: 'json' })).json(), {});
    const sales = await create('queue', h.acme, { qu_name: 'Sales, EU' });
    await create('queue', h.globex, { qu_name: 'Hidden' });
    const support = await create('queue', h.acme, { qu_name: 'Sup|port' });
    assert.equal(await (await info(h.acme, 'queues')).text(), `${sales.qu_id}: Sales, EU|${support.qu_id}: Sup port|`);
    assert.deepEqual(await (await info(h.acme, 'queues', { format: 'json' })).json(), { [String(sales.qu_id)]: 'Sales, EU', [String(support.qu_id)]: 'Sup|port' });
  });

  test('pincodes: plain Id|Code|Description|Disabled with a header, json pc_ rows; read-only keys get no PINs', async () => {
    assert.equal(await (await info(h.acme, 'pincodes')).text(), 'Id|Code|Description|Disabled|\n');
    assert.deepEqual(await (await info(h.acme, 'pincodes', { format: 'json' })).json(), []);
    const pin = await create('pincode', h.acme, { pc_code: '4321', pc_description: 'Sales team' });
    await create('pincode', h.acme, { pc_code: '9999', pc_description: 'Old', pc_disabled: 'on' });
    await create('pincode', h.globex, { pc_code: '4321', pc_description: 'Globex' });
    const lines = (await (await info(h.acme, 'pincodes')).text()).split('\n');
    assert.deepEqual(lines.slice(1), [`${pin.pc_id}|4321|Sales team||`, `${Number(pin.pc_id) + 1}|9999|Old|on|`, '']);
    const rows = (await (await info(h.acme, 'pincodes', { format: 'json' })).json()) as Array<Record<string, string | null>>;
    assert.deepEqual(rows[0], { pc_id: String(pin.pc_id), pc_te_id: String(h.acme.id), pc_code: '4321', pc_description: 'Sales team', pc_disabled: '', pc_rp_id: null });
    assert.equal(rows.length, 2);
    const readOnly = (await (await info(h.acme, 'pincodes', {}, h.acme.readOnlyKey)).text()).split('\n');
    assert.equal(readOnly[1], `${pin.pc_id}||Sales team||`);
    const readOnlyJson = (await (await info(h.acme, 'pincodes', { format: 'json' }, h.acme.readOnlyKey)).json()) as Array<Record<string, string>>;
    assert.deepEqual(readOnlyJson.map((r) => r.pc_code), ['', '']);
  });

  test('variable: the value by tv_id (plain raw, json string); errors name the id', async () => {
    const variable = await create('tenantvariable', h.acme, { tv_al_id: 3, tv_value: 'night|mode' });
    const other = await create('tenantvariable', h.globex, { tv_al_id: 3, tv_value: 'secret' });
    assert.equal(await (await info(h.acme, 'variable', { id: String(variable.tv_id) })).text(), 'night|mode');
    assert.equal(await (await info(h.acme, 'variable', { id: String(variable.tv_id), format: 'json' })).text(), '"night|mode"');
    await expectError(await info(h.acme, 'variable'), 'missing_parameter', 'No id specified');
    await expectError(await info(h.acme, 'variable', { id: 'abc' }), 'invalid_parameter', "Invalid id 'abc': expected a positive whole number");
    await expectError(await info(h.acme, 'variable', { id: String(other.tv_id) }), 'not_found', `Tenant variable ${other.tv_id} not found`);
    assert.equal(await (await info(h.acme, 'variable', { id: String(variable.tv_id) }, h.acme.readOnlyKey)).text(), 'night|mode');
  });

  test('dids: plain header and rows with the tenant code; json DID rows with te_ columns by name and by MiRTA position, no secrets', async () => {
    await create('did', h.acme, { di_country: '39', di_area: '02', di_number: '12345', di_comment: 'Main', di_recording: 'yes', di_fax_store: 'no', di_maxchannels: 4, di_smsemail: 's@acme.example' });
    await h.runtime.services.tenants.update(h.acme.id, { te_recordingpassword: 's3cret-rec' });
    await create('did', h.globex, { di_number: '12346', di_comment: 'Globex main' });
    const lines = (await (await info(h.acme, 'dids')).text()).split('\n');
    assert.deepEqual(lines, ['Country|Area|Number|Tenant|Comment|Recording|Faxstation ID|FAX Email|Max Channels|Recording EMail|SMS Email|', '39|02|12345|ACME|Main|yes|||4||s@acme.example|', '']);
    const [row, ...rest] = (await (await info(h.acme, 'dids', { format: 'json' })).json()) as Array<Record<string, string | null>>;
    assert.equal(rest.length, 0);
    assert.equal(row?.di_number, '12345');
    assert.equal(row?.di_te_id, String(h.acme.id));
    assert.equal(row?.te_code, 'ACME');
    assert.equal(row?.te_name, 'ACME Inc.');
    assert.equal(row?.di_maxchannels, '4');
    assert.ok(!('te_recordingpassword' in (row ?? {})), 'write-only tenant columns stay hidden');
    assert.ok(!Object.values(row ?? {}).includes('s3cret-rec'), 'not under a position either');
    // A real dashboard reads [2][3][4] (country+area+number), [5] (comment) and [13] (di_fax_store): MiRTA's order.
    assert.deepEqual([row?.['0'], row?.['1'], row?.['2'], row?.['3'], row?.['4'], row?.['5'], row?.['6'], row?.['13'], row?.['16']], [row?.di_id, String(h.acme.id), '39', '02', '12345', 'Main', 'yes', 'no', '4']);
    const named = Object.keys(row ?? {}).filter((key) => !/^\d+$/.test(key));
    assert.ok(named.every((key) => /^(di|te)_/.test(key)), named.join());
    const positions = Object.keys(row ?? {}).filter((key) => /^\d+$/.test(key));
    assert.equal(positions.length, named.length, 'every value twice');
    for (const key of positions) assert.ok(named.some((name) => row?.[name] === row?.[key]));
    // Key order as PHP's fetch_array(BOTH) writes it: "0","di_id","1","di_te_id",...
    const text = await (await info(h.acme, 'dids', { format: 'json' })).text();
    assert.ok(text.startsWith(`[{"0":"${row?.di_id}","di_id":"${row?.di_id}","1":"${h.acme.id}","di_te_id":"${h.acme.id}","2":"39","di_country":"39",`), text.slice(0, 120));
  });

  test('dids with the admin key: every tenant without tenant, one tenant with it, a pattern with tenant=GLO%', async () => {
    await create('did', h.acme, { di_number: '111' });
    await create('did', h.globex, { di_number: '222' });
    const tenantsOf = async (params: Record<string, string>) =>
      ((await (await h.get({ key: h.adminKey, reqtype: 'INFO', info: 'dids', format: 'json', ...params })).json()) as Array<Record<string, string>>).map((r) => `${r.di_number}@${r.te_code}`);
    assert.deepEqual(await tenantsOf({}), ['111@ACME', '222@GLOBEX']);
    assert.deepEqual(await tenantsOf({ tenant: '%' }), ['111@ACME', '222@GLOBEX']);
    assert.deepEqual(await tenantsOf({ tenant: 'GLOBEX' }), ['222@GLOBEX']);
    assert.deepEqual(await tenantsOf({ tenant: 'GLO%' }), ['222@GLOBEX']);
    const plain = await (await h.get({ key: h.adminKey, reqtype: 'INFO', info: 'dids' })).text();
    assert.deepEqual(plain.split('\n').slice(1), ['||111|ACME||||||||', '||222|GLOBEX||||||||', '']);
  });
});
