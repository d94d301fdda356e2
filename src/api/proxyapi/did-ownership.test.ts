// Security review: a DID number belongs to one tenant. Another tenant cannot add or rename a DID to any spelling
// of it (`+5551000`, `005551000`, `5551000`) through MANAGEDB or openapi.php, the refusal does not say who holds
// it, and inbound calls to the number still reach the owner.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, expectError, type Harness, type TenantKeys, HARNESS_ENGINES } from '../../../test/support/api-harness.ts';
import { expectOpenApiError, openapi } from '../../../test/support/openapi-harness.ts';
import { routeInbound, StoreRoutingDirectory } from '../../pbx/dialplan/index.ts';

type Row = Record<string, string | null>;

for (const engine of HARNESS_ENGINES) describe(`DID numbers across tenants on ${engine}`, () => {
  let h: Harness;
  let owned: Row;
  let ext: Row;

  const db = (t: TenantKeys, object: string, action: string, params: Record<string, string> = {}, key = t.fullKey) =>
    h.post({ key, tenant: t.code, reqtype: 'MANAGEDB', object, action, ...params });
  const ok = async (res: Response): Promise<unknown> => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return res.json();
  };
  const addDid = (t: TenantKeys, number: string, key = t.fullKey) => db(t, 'did', 'add', { jsondata: JSON.stringify({ di_number: number }) }, key);
  const refused = (number: string) => `DID number ${number} is not available`;

  beforeEach(async () => {
    h = await createHarness({}, { engine });
    ext = (await ok(await db(h.acme, 'extension', 'add', { jsondata: '{"ex_number":"100"}' }))) as Row;
    owned = (await ok(await addDid(h.acme, '5551000'))) as Row;
    await ok(await db(h.acme, 'destination', 'replace', { typesrc: 'DID', typeidsrc: String(owned.di_id), jsondata: JSON.stringify([`EXT-${ext.ex_id}`]) }));
  });
  afterEach(() => h.close());

  /** Where a carrier call to `called` goes, as the dialplan decides it (no tenant named: the DID decides). */
  const inbound = async (called: string) => {
    const decision = await routeInbound(new StoreRoutingDirectory(h.runtime.store), { called, caller: '+4420' });
    return decision.ok ? [decision.tenantId, decision.did.didId, decision.first] : decision.reason;
  };

  test("another tenant cannot add any spelling of a held number; the error names no tenant; the owner's calls still route", async () => {
    for (const number of ['+5551000', '005551000', '5551000']) {
      await expectError(await addDid(h.globex, number), 'conflict', refused(number));
      // The admin key acting for that tenant is refused the same way.
      await expectError(await addDid(h.globex, number, h.adminKey), 'conflict', refused(number));
    }
    assert.deepEqual(await ok(await db(h.globex, 'did', 'list')), []);
    for (const called of ['5551000', '+5551000', '005551000']) {
      assert.deepEqual(await inbound(called), [h.acme.id, Number(owned.di_id), { kind: 'extension', extensionId: Number(ext.ex_id) }], called);
    }
  });

  test('renaming a DID onto a held number is refused; the holder may respell its own', async () => {
    const other = (await ok(await addDid(h.globex, '5552000'))) as Row;
    for (const number of ['+5551000', '005551000', '5551000']) {
      await expectError(await db(h.globex, 'did', 'update', { objectid: String(other.di_id), jsondata: JSON.stringify({ di_number: number }) }), 'conflict', refused(number));
    }
    assert.equal(((await ok(await db(h.globex, 'did', 'get', { objectid: String(other.di_id) }))) as Row).di_number, '5552000');
    const respelled = (await ok(await db(h.acme, 'did', 'update', { objectid: String(owned.di_id), jsondata: '{"di_number":"+5551000"}' }))) as Row;
    assert.equal(respelled.di_number, '+5551000');
    assert.equal(await inbound('5551000').then((d) => Array.isArray(d) && d[0]), h.acme.id);
  });

  test('one number is one DID inside a tenant too, with the same answer', async () => {
    for (const number of ['5551000', '+5551000', '005551000']) await expectError(await addDid(h.acme, number), 'conflict', refused(number));
    assert.equal(((await ok(await db(h.acme, 'did', 'list'))) as Row[]).length, 1);
  });

  test('a released number can be taken by another tenant; rows do not show the normalised number', async () => {
    assert.equal('di_number_key' in owned, false);
    await ok(await db(h.acme, 'did', 'delete', { objectid: String(owned.di_id) }));
    const taken = (await ok(await addDid(h.globex, '+5551000'))) as Row;
    assert.equal(taken.di_te_id, String(h.globex.id));
    assert.deepEqual(Object.keys(taken).filter((k) => !k.startsWith('di_')), []);
  });

  test('openapi.php: POST and PATCH /dids are refused the same way', async () => {
    const globex = (method: string, path: string, body?: unknown) => openapi(h, method, `${path}?tenant=GLOBEX`, { key: h.globex.fullKey, body });
    for (const number of ['+5551000', '005551000', '5551000']) expectOpenApiError(await globex('POST', '/dids', { number }), 409, 'conflict', refused(number));
    const made = await globex('POST', '/dids', { number: '5552000' });
    assert.equal(made.status, 201, made.text);
    const id = String((made.json as Row).di_id);
    expectOpenApiError(await globex('PATCH', `/dids/${id}`, { number: '+5551000' }), 409, 'conflict', refused('+5551000'));
    expectOpenApiError(await globex('PATCH', `/dids/${id}`, { di_number: '005551000' }), 409, 'conflict', refused('005551000'));
  });
});
