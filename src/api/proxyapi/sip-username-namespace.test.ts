// Security review: a tenant's custom SIP usernames live in its own namespace (`<anything>-<OWNCODE>`), so one
// tenant can neither take nor probe another's (`102-ACME` from GLOBEX), and a taken name gets one answer
// whoever holds it. The registrar's lookup then maps a REGISTER's username to the tenant its suffix names.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, expectError, type Harness, type TenantKeys, HARNESS_ENGINES } from '../../../test/support/api-harness.ts';
import { expectOpenApiError, openapi } from '../../../test/support/openapi-harness.ts';
import { StoreAccountDirectory } from '../../pbx/registrar/index.ts';

type Row = Record<string, string | null>;

for (const engine of HARNESS_ENGINES) describe(`SIP usernames across tenants on ${engine}`, () => {
  let h: Harness;

  const db = (t: TenantKeys, action: string, params: Record<string, string> = {}) =>
    h.post({ key: t.fullKey, tenant: t.code, reqtype: 'MANAGEDB', object: 'extension', action, ...params });
  const ok = async (res: Response): Promise<Row> => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return (await res.json()) as Row;
  };
  const add = (t: TenantKeys, fields: Record<string, unknown>) => db(t, 'add', { jsondata: JSON.stringify(fields) });
  const update = (t: TenantKeys, id: string | null | undefined, fields: Record<string, unknown>) => db(t, 'update', { objectid: String(id), jsondata: JSON.stringify(fields) });
  const outside = (code: string) => `Invalid ex_username for extension: a custom SIP username must end with -${code}`;
  const taken = (name: string) => `SIP username ${name} is not available`;

  beforeEach(async () => {
    h = await createHarness({}, { engine });
    await ok(await add(h.acme, { ex_number: '102', ex_tech: 'SIP', secret: 'acme-secret' }));
  });
  afterEach(() => h.close());

  test("another tenant's names are refused with the same answer whether they exist or not", async () => {
    // 102-ACME exists, 103-ACME does not: GLOBEX cannot tell them apart.
    for (const name of ['102-ACME', '103-ACME', 'alice', '102-acme', '102-ACME-GLOBEX-x']) {
      await expectError(await add(h.globex, { ex_number: '500', ex_username: name }), 'invalid_parameter', outside('GLOBEX'));
    }
    const mine = await ok(await add(h.globex, { ex_number: '500' }));
    assert.equal(mine.ex_username, '500-GLOBEX');
    for (const name of ['102-ACME', '103-ACME']) await expectError(await update(h.globex, mine.ex_id, { username: name }), 'invalid_parameter', outside('GLOBEX'));
    // ACME can still create 103 with its default name: nobody squatted it.
    assert.equal((await ok(await add(h.acme, { ex_number: '103' }))).ex_username, '103-ACME');
  });

  test('custom names inside the own namespace; a taken one gets one neutral answer', async () => {
    const desk = await ok(await add(h.globex, { ex_number: '500', sipusername: 'front.desk-GLOBEX', secret: 'globex-secret', ex_tech: 'SIP' }));
    assert.equal(desk.ex_username, 'front.desk-GLOBEX');
    await expectError(await add(h.globex, { ex_number: '501', ex_username: 'front.desk-GLOBEX' }), 'conflict', taken('front.desk-GLOBEX'));
    const other = await ok(await add(h.globex, { ex_number: '502' }));
    await expectError(await update(h.globex, other.ex_id, { ex_username: 'front.desk-GLOBEX' }), 'conflict', taken('front.desk-GLOBEX'));
    // Sending an extension's own name back is no change.
    assert.equal((await ok(await update(h.globex, desk.ex_id, { ex_username: 'front.desk-GLOBEX', ex_name: 'Desk' }))).ex_name, 'Desk');
    // A duplicate number is still reported as such, before its default username.
    await expectError(await add(h.globex, { ex_number: '502' }), 'conflict', 'Extension 502 already exists');
  });

  test('a name squatted before this rule answers the rightful tenant like any taken name', async () => {
    // Written around the service, as an older release allowed: GLOBEX holds ACME's 300-ACME.
    await h.runtime.store.objects('extension').insert(h.globex.id, { ex_number: '777', ex_username: '300-ACME', ex_secret: 'x' });
    await expectError(await add(h.acme, { ex_number: '300' }), 'conflict', taken('300-ACME'));
    await ok(await add(h.acme, { ex_number: '301', ex_username: 'spare-ACME' }));
    await expectError(await add(h.acme, { ex_number: '302', ex_username: 'spare-ACME' }), 'conflict', taken('spare-ACME'));
  });

  test("openapi.php: POST and PATCH /extensions keep to the tenant's namespace", async () => {
    const globex = (method: string, path: string, body?: unknown) => openapi(h, method, `${path}?tenant=GLOBEX`, { key: h.globex.fullKey, body });
    expectOpenApiError(await globex('POST', '/extensions', { number: '500', sipusername: '102-ACME' }), 400, 'invalid_field', outside('GLOBEX'));
    const made = await globex('POST', '/extensions', { number: '500' });
    assert.equal(made.status, 201, made.text);
    expectOpenApiError(await globex('PATCH', `/extensions/${String((made.json as Row).ex_id)}`, { sipusername: '103-ACME' }), 400, 'invalid_field', outside('GLOBEX'));
  });

  test("the registrar finds each name in the tenant its suffix names, with that tenant's secret", async () => {
    await ok(await add(h.globex, { ex_number: '500', ex_username: 'desk-GLOBEX', ex_tech: 'SIP', secret: 'globex-secret' }));
    const accounts = new StoreAccountDirectory(h.runtime.store, h.clock, { realm: 'callgrid', domains: [] });
    const acme = await accounts.findByUsername('102-ACME', 'pbx.example');
    assert.deepEqual(acme && [acme.tenantId, acme.number, acme.password], [h.acme.id, '102', 'acme-secret']);
    const globex = await accounts.findByUsername('desk-GLOBEX', 'pbx.example');
    assert.deepEqual(globex && [globex.tenantId, globex.number, globex.password], [h.globex.id, '500', 'globex-secret']);
    assert.equal(await accounts.findByUsername('103-ACME', 'pbx.example'), undefined);
  });
});
