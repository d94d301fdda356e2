// openapi.php /cdrs, /simplecdrs (spec §5.4: INFO's rows, today by default), /auth/token and
// /extensions/state (§5.4 shapes), /dial's checks, and the 501 of /aianalysis and /ailogs naming what is missing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness } from '../../../test/support/api-harness.ts';
import { expectOpenApiError, openapi } from '../../../test/support/openapi-harness.ts';
import { CDR_COLUMNS } from '../../domain/index.ts';
import { StoreBindingStore } from '../../pbx/index.ts';

type Row = Record<string, unknown>;

describe('openapi.php reports and actions', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    const { cdrs, tenants } = h.runtime.services;
    const acme = await tenants.get(h.acme.id);
    const globex = await tenants.get(h.globex.id);
    // The harness clock says 2026-11-27: two calls today, one last month, and Globex's with the same numbers.
    await cdrs.record(acme, { start: '2026-11-27 09:00:00', answer: '2026-11-27 09:00:05', end: '2026-11-27 09:01:00', uniqueid: 'n1-1.1', linkedid: 'n1-1.1', src: '100', dst: '5551234', firstdst: '5551234', duration: 60, billsec: 55, disposition: 'ANSWERED', userfield: '[outbound]' });
    await cdrs.record(acme, { start: '2026-11-27 10:00:00', uniqueid: 'n1-1.2', src: '5559999', dst: '101', firstdst: '200', disposition: 'NO ANSWER', userfield: '[inbound]' });
    await cdrs.record(acme, { start: '2026-10-15 08:00:00', uniqueid: 'n1-0.9', src: '100', dst: '101', disposition: 'ANSWERED' });
    await cdrs.record(globex, { start: '2026-11-27 09:30:00', uniqueid: 'g1-1.1', src: '100', dst: '5551234', userfield: '[outbound]' });
    await cdrs.recordSimple(h.acme.id, { sc_start: '2026-11-27 09:00:00', sc_uniqueid: 'n1-1.1', sc_direction: 'OUT', sc_calleridnum: '100', sc_dialednum: '5551234', sc_disposition: 'ANSWERED', sc_duration: 60, sc_billsec: 55 });
    await cdrs.recordSimple(h.acme.id, { sc_start: '2026-11-27 10:00:00', sc_uniqueid: 'n1-1.2', sc_direction: 'IN', sc_calleridnum: '5559999', sc_disposition: 'NO ANSWER', sc_duration: 20, sc_billsec: 0 });
    await cdrs.recordSimple(h.globex.id, { sc_start: '2026-11-27 09:30:00', sc_uniqueid: 'g1-1.1', sc_direction: 'OUT', sc_calleridnum: '100' });
  });
  after(() => h.close());

  const acme = (method: string, path: string, body?: unknown, key = h.acme.fullKey) => openapi(h, method, `${path}${path.includes('?') ? '&' : '?'}tenant=ACME`, { key, body });
  const ids = async (path: string, key?: string) => {
    const reply = await acme('GET', path, undefined, key);
    assert.equal(reply.status, 200, reply.text);
    return (reply.json as Row[]).map((r) => r.uniqueid ?? r.sc_uniqueid);
  };

  test('/cdrs: the 30 INFO columns as strings, today by default, filters, /cdrs/{id}, aliases', async () => {
    const [first] = (await acme('GET', '/cdrs?uniqueid=n1-1.1')).json as Row[];
    assert.deepEqual(Object.keys(first ?? {}), [...CDR_COLUMNS]);
    assert.equal(first?.accountcode, 'ACME');
    assert.equal(first?.duration, '60');
    assert.deepEqual(await ids('/cdrs'), ['n1-1.1', 'n1-1.2']);
    assert.deepEqual(await ids('/cdrs?start=2026-10-01&end=2026-10-31'), ['n1-0.9']);
    assert.deepEqual(await ids('/cdrs?direction=in'), ['n1-1.2']);
    assert.deepEqual(await ids('/calls?phone=5551234'), ['n1-1.1']);
    assert.deepEqual(await ids(`/cdrs/${String(first?.ID)}`), ['n1-1.1']);
    // The same rows as INFO cdrs.
    const info = await (await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'INFO', info: 'cdrs', format: 'json' })).json();
    assert.deepEqual((await acme('GET', '/cdrs')).json, info);
  });

  test('/simplecdrs: the §5.4 fields and id, exclusive minimums, direction filter', async () => {
    const rows = (await acme('GET', '/simplecdrs')).json as Row[];
    assert.deepEqual(Object.keys(rows[0] ?? {}), ['sc_te_id', 'tenantcode', 'sc_start', 'sc_direction', 'sc_calleridnum', 'sc_calleridname', 'sc_dialednum', 'sc_disposition', 'sc_duration', 'sc_billsec', 'sc_uniqueid', 'sc_whoanswered', 'id']);
    assert.equal(rows[0]?.sc_billsec, '55');
    assert.deepEqual(await ids('/simplecdrs?minduration=20'), ['n1-1.1']);
    assert.deepEqual(await ids('/simple_cdrs?mintalktime=0'), ['n1-1.1']);
    assert.deepEqual(await ids('/simplecdrs?direction=IN,LOCAL'), ['n1-1.2']);
    assert.deepEqual(await ids(`/simplecdrs/${String(rows[1]?.id)}`), ['n1-1.2']);
  });

  test('reports: tenant isolation, tenant=% for the admin only, GET only, bad filters and formats', async () => {
    assert.deepEqual(await ids('/cdrs?uniqueid=g1-1.1'), []);
    const all = await openapi(h, 'GET', '/cdrs?tenant=%25', { key: h.adminKey });
    assert.deepEqual((all.json as Row[]).map((r) => r.uniqueid), ['n1-1.1', 'g1-1.1', 'n1-1.2']);
    assert.deepEqual(((await openapi(h, 'GET', '/simplecdrs?tenant=GLO%25', { key: h.adminKey })).json as Row[]).map((r) => r.sc_uniqueid), ['g1-1.1']);
    expectOpenApiError(await openapi(h, 'GET', '/cdrs?tenant=%25', { key: h.acme.fullKey }), 403, 'admin_required');
    assert.equal((await acme('GET', '/cdrs', undefined, h.acme.readOnlyKey)).status, 200);
    expectOpenApiError(await acme('POST', '/cdrs', {}), 405, 'method_not_allowed');
    expectOpenApiError(await acme('GET', '/cdrs?direction=SIDEWAYS'), 400, 'invalid_field', /direction/);
    expectOpenApiError(await acme('GET', '/cdrs?start=yesterday'), 400, 'invalid_field', /start/);
    expectOpenApiError(await acme('GET', '/simplecdrs?minduration=-1'), 400, 'invalid_field', /minduration/);
    expectOpenApiError(await acme('GET', '/cdrs?format=xml&template=T'), 400, 'invalid_format');
    expectOpenApiError(await acme('GET', '/cdrs/1/2'), 404, 'not_found');
  });

  test('/auth/token: global full key, ONCE token usable once by CHECKAUTH, dated token, reset, §5.6 errors', async () => {
    await h.runtime.services.users.create({ us_username: 'api.operator', us_password: 'pw' });
    const post = (body: unknown, key = h.adminKey) => openapi(h, 'POST', '/auth/token', { key, body });
    expectOpenApiError(await openapi(h, 'POST', '/auth/token?tenant=ACME', { key: h.acme.fullKey, body: { user: 'api.operator', validity: 'ONCE' } }), 403, 'admin_required');
    expectOpenApiError(await post({ validity: 'ONCE' }), 400, 'missing_user');
    expectOpenApiError(await post({ user: 'nobody', validity: 'ONCE' }), 404, 'user_not_found');
    expectOpenApiError(await post({ user: 'api.operator', validity: 'someday' }), 400, 'invalid_validity');
    expectOpenApiError(await post({ user: 'api.operator', validity: '2026-06-30 23:59:59' }), 400, 'invalid_validity', /passed/);
    expectOpenApiError(await post({ user: 'api.operator' }), 400, 'invalid_validity');
    expectOpenApiError(await post({ user: 'api.operator', validity: 'ONCE', extra: 1 }), 400, 'invalid_field', /extra/);
    const once = await post({ user: 'api.operator', validity: 'once' });
    assert.equal(once.status, 200, once.text);
    const body = once.json as Row;
    assert.deepEqual(Object.keys(body), ['token', 'user', 'target_type', 'validity']);
    assert.equal(body.target_type, 'WEBPASSWORD');
    assert.equal((await h.runtime.services.users.authenticate('api.operator', String(body.token))).via, 'token');
    await assert.rejects(h.runtime.services.users.authenticate('api.operator', String(body.token)), /Authentication failed/);
    const dated = await post({ user: 'api.operator', validity: '2027-01-31 12:00' });
    assert.equal((dated.json as Row).validity, '2027-01-31 12:00:59', 'a moment without seconds lasts to the end of its minute');
    const reset = await openapi(h, 'DELETE', '/auth/token', { key: h.adminKey, body: { user: 'api.operator' } });
    assert.deepEqual(reset.json, { reset: true, user: 'api.operator', target_type: 'WEBPASSWORD' });
    await assert.rejects(h.runtime.services.users.authenticate('api.operator', String((dated.json as Row).token)), /Authentication failed/);
    assert.equal((await openapi(h, 'DELETE', '/auth/token?user=api.operator', { key: h.adminKey })).status, 200, 'DELETE may name the user in the query');
    expectOpenApiError(await openapi(h, 'GET', '/auth/token', { key: h.adminKey }), 405, 'method_not_allowed');
  });

  test('/extensions/state: not registered, registered and idle, unknown number, tenant required, isolation', async () => {
    const objects = h.runtime.services.objects;
    const ext = await objects.create('extension', h.acme.id, { ex_number: '100', secret: 'pw-100' });
    await objects.create('extension', h.globex.id, { ex_number: '200', secret: 'pw-200' });
    const empty = { UniqueID: '', LinkedID: '', 'Connected Line ID': '', 'Connected Line ID Name': '', Context: '', Extension: '', Direction: '', OtherParty: '' };
    assert.deepEqual((await acme('GET', '/extensions/state?number=100')).json, { ...empty, UniqueID: 'KO', LinkedID: 'Extension not registered' });
    const now = h.clock.now().getTime();
    await new StoreBindingStore(h.runtime.store.registrations).put({
      tenantId: h.acme.id, extensionId: Number(ext.ex_id), aor: 'sip:100-ACME@pbx', username: '100-ACME', contactUri: 'sip:100-ACME@192.0.2.10:5062', contact: '<sip:100-ACME@192.0.2.10:5062>',
      expiresAt: new Date(now + 600_000), callId: 'c1', cseq: 1, q: null, source: { protocol: 'udp', address: '192.0.2.10', port: 5062 }, flowId: null, userAgent: 'baresip', node: 'node-a',
      registeredAt: new Date(now), lastRttMs: null, reachable: true,
    });
    const idle = await acme('GET', '/extensions/state?ext=100', undefined, h.acme.readOnlyKey);
    assert.equal(idle.status, 200, idle.text);
    assert.deepEqual(idle.json, empty);
    expectOpenApiError(await acme('GET', '/extensions/state?number=200'), 404, 'extension_not_found', 'Extension not found.');
    expectOpenApiError(await acme('GET', '/extensions/state'), 400, 'missing_required_field');
    expectOpenApiError(await openapi(h, 'GET', '/extensions/state?number=100', { key: h.adminKey }), 400, 'tenant_required');
    assert.equal((await openapi(h, 'GET', '/extensions/state?number=100&tenant=ACME', { key: h.adminKey })).status, 200);
  });

  test("/dial reads DIAL's fields from JSON and refuses bad ones by name; without SIP on the node it says so", async () => {
    expectOpenApiError(await acme('POST', '/dial', { source: '100' }), 400, 'missing_required_field', /No dest specified/);
    expectOpenApiError(await acme('POST', '/dial', { source: '100', dest: '200', ring: 3 }), 400, 'invalid_field', /Unknown field 'ring'/);
    expectOpenApiError(await acme('POST', '/dial', { source: '100', dest: '200', dialtimeout: 9999 }), 400, 'invalid_field', /dialtimeout/);
    expectOpenApiError(await acme('POST', '/dial', { source: '100', dest: '200', vars: ['x'] }), 400, 'invalid_field', /vars/);
    expectOpenApiError(await acme('POST', '/dial', { source: '999', dest: '200' }), 404, 'object_not_found', /Extension 999 not found/);
    expectOpenApiError(await openapi(h, 'POST', '/dial', { key: h.adminKey, body: { source: '100', dest: '200' } }), 400, 'tenant_required');
    // The in-process API runs no SIP: a valid order is refused with why, not accepted and dropped.
    expectOpenApiError(await acme('POST', '/dial', { source: '100', dest: '200', vars: { crm: 42 }, autoanswer: true }), 501, 'not_implemented', /SIP side is not running/);
  });

  test('/aianalysis and /ailogs answer 501 naming what they wait for', async () => {
    expectOpenApiError(await acme('GET', '/aianalysis?uniqueid=1'), 501, 'not_implemented', /transcripts and AI analysis/);
    expectOpenApiError(await acme('GET', '/ailogs'), 501, 'not_implemented', /AI agents/);
    expectOpenApiError(await acme('POST', '/dial', { source: '100' }, h.acme.readOnlyKey), 403, 'read_only_api_key');
  });
});
