// INFO cdrs and simplecdrs (spec §2.12): filters, tenant isolation, `tenant=%` with the admin key
// only, the 30-column csv header, XML templates, and clear errors for bad input.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, expectError, HARNESS_ENGINES } from '../../../test/support/api-harness.ts';
import { CDR_COLUMNS, type Tenant } from '../../domain/index.ts';

type Row = Record<string, string | null>;

for (const engine of HARNESS_ENGINES) describe(`INFO cdrs and simplecdrs on ${engine}`, () => {
  let h: Harness;
  let acme: Tenant;
  before(async () => {
    h = await createHarness({}, { engine });
    const cdrs = h.runtime.services.cdrs;
    acme = await h.runtime.services.tenants.get(h.acme.id);
    const globex = await h.runtime.services.tenants.get(h.globex.id);
    // The harness clock says 2026-11-27; two calls today, one last month, and Globex's with the same numbers.
    await cdrs.record(acme, { start: '2026-11-27 09:00:00', answer: '2026-11-27 09:00:05', end: '2026-11-27 09:01:00', uniqueid: 'n1-1.1', linkedid: 'n1-1.1', clid: '"Ann" <100>', src: '100', dst: '5551234', firstdst: '5551234', duration: 60, billsec: 55, disposition: 'ANSWERED', userfield: '[outbound]', cc_cost: '0.0125' });
    await cdrs.record(acme, { start: '2026-11-27 10:00:00', uniqueid: 'n1-1.2', linkedid: 'n1-1.2', src: '5559999', dst: '101', firstdst: '200', wherelanded: '101', disposition: 'NO ANSWER', userfield: '[inbound]', clid: 'Tom & <Jerry>' });
    await cdrs.record(acme, { start: '2026-10-15 08:00:00', uniqueid: 'n1-0.9', src: '100', dst: '101', disposition: 'ANSWERED' });
    await cdrs.record(globex, { start: '2026-11-27 09:30:00', uniqueid: 'g1-1.1', src: '100', dst: '5551234', userfield: '[outbound]' });
    await cdrs.recordSimple(acme.te_id, { sc_start: '2026-11-27 09:00:00', sc_uniqueid: 'n1-1.1', sc_direction: 'OUT', sc_calleridnum: '100', sc_calleridname: 'Ann', sc_dialednum: '5551234', sc_disposition: 'ANSWERED', sc_duration: 60, sc_whoanswered: '' });
    await cdrs.recordSimple(acme.te_id, { sc_start: '2026-11-27 10:00:00', sc_uniqueid: 'n1-1.2', sc_direction: 'IN', sc_calleridnum: '5559999', sc_dialednum: '200', sc_disposition: 'NO ANSWER', sc_whoanswered: '101' });
    await cdrs.recordSimple(globex.te_id, { sc_start: '2026-11-27 09:30:00', sc_uniqueid: 'g1-1.1', sc_direction: 'OUT', sc_calleridnum: '100' });
    await cdrs.putTemplate(acme.te_id, 'Test_XML', '<cdrs>{row_loop}<cdr id="{$uniqueid}" tenant="{$te_id}" dir="{$direction}">{$clid}</cdr>\\n{/row_loop}</cdrs>');
  });
  after(() => h.close());

  const get = (params: Record<string, string>, key = h.acme.fullKey, tenant = 'ACME') => h.get({ key, tenant, reqtype: 'INFO', ...params });
  const rows = async (params: Record<string, string>, key?: string, tenant?: string) => {
    const res = await get({ format: 'json', ...params }, key, tenant);
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return (await res.json()) as Row[];
  };
  const uniqueids = async (params: Record<string, string>, key?: string, tenant?: string) => (await rows({ info: 'cdrs', ...params }, key, tenant)).map((r) => r.uniqueid);

  test('json rows carry the 30 columns in order, all strings', async () => {
    const [first] = await rows({ info: 'cdrs', uniqueid: 'n1-1.1' });
    assert.deepEqual(Object.keys(first ?? {}), [...CDR_COLUMNS]);
    assert.equal(first?.accountcode, 'ACME');
    assert.equal(first?.duration, '60');
    assert.equal(first?.cc_cost, '0.0125');
    assert.equal(first?.answer, '2026-11-27 09:00:05');
  });

  test('without start/end the window is today; a date-only end covers its whole day', async () => {
    assert.deepEqual(await uniqueids({}), ['n1-1.1', 'n1-1.2']);
    assert.deepEqual(await uniqueids({ start: '2026-10-01', end: '2026-10-15' }), ['n1-0.9']);
    assert.deepEqual(await uniqueids({ start: '2026-10-01', end: '2026-10-14' }), []);
    assert.deepEqual(await uniqueids({ start: '2026-11-27 09:30', end: '2026-11-27' }), ['n1-1.2']);
    assert.deepEqual(await uniqueids({ uniqueid: 'n1-0.9' }), ['n1-0.9'], 'an id finds the call on any day');
  });

  test('filters: comma lists, phone, direction (case-insensitive), src, firstdst, linkedid', async () => {
    const all = { start: '2026-01-01', end: '2026-12-31' };
    assert.deepEqual(await uniqueids({ ...all, phone: '101,5551234' }), ['n1-0.9', 'n1-1.1', 'n1-1.2']);
    assert.deepEqual(await uniqueids({ ...all, phone: '200' }), ['n1-1.2'], 'phone matches the first dialled number');
    assert.deepEqual(await uniqueids({ ...all, direction: 'in' }), ['n1-1.2']);
    assert.deepEqual(await uniqueids({ ...all, direction: 'OUT,LOCAL' }), ['n1-0.9', 'n1-1.1']);
    assert.deepEqual(await uniqueids({ ...all, src: '100' }), ['n1-0.9', 'n1-1.1']);
    assert.deepEqual(await uniqueids({ ...all, firstdst: '200' }), ['n1-1.2']);
    assert.deepEqual(await uniqueids({ linkedid: 'n1-1.2' }), ['n1-1.2']);
    assert.deepEqual(await uniqueids({ ...all, phone: 'nobody' }), []);
  });

  test('an empty json list is [] (not MiRTA\'s `]`)', async () => {
    const res = await get({ info: 'cdrs', format: 'json', phone: 'nobody' });
    assert.equal(await res.text(), '[]');
  });

  test('a tenant never sees another tenant\'s CDRs, even with the same numbers', async () => {
    assert.deepEqual(await uniqueids({ src: '100' }, h.globex.fullKey, 'GLOBEX'), ['g1-1.1']);
    assert.deepEqual(await uniqueids({ uniqueid: 'n1-1.1' }, h.globex.fullKey, 'GLOBEX'), []);
    assert.deepEqual(await uniqueids({ src: '100' }, h.adminKey, 'GLOBEX'), ['g1-1.1']);
    assert.deepEqual(await uniqueids({}, h.acme.readOnlyKey), ['n1-1.1', 'n1-1.2'], 'read-only keys read');
  });

  test('tenant=% lists every tenant with the admin key and is refused for tenant keys', async () => {
    assert.deepEqual(await uniqueids({ src: '100' }, h.adminKey, '%'), ['n1-1.1', 'g1-1.1']);
    assert.deepEqual(await uniqueids({ src: '100' }, h.adminKey, 'GLO%'), ['g1-1.1']);
    const simple = await rows({ info: 'simplecdrs', calleridnum: '100' }, h.adminKey, '%');
    assert.deepEqual(simple.map((r) => r.tenantcode), ['ACME', 'GLOBEX']);
    await expectError(await get({ info: 'cdrs' }, h.acme.fullKey, '%'), 'admin_required', 'tenant=% (several tenants) needs the admin API key');
    await expectError(await h.get({ key: h.adminKey, reqtype: 'INFO', info: 'cdrs' }), 'missing_parameter', 'No tenant specified (the admin key may use tenant=% for every tenant)');
  });

  test('csv has the 30-column header in order and quotes values with spaces', async () => {
    const res = await get({ info: 'cdrs', format: 'csv', uniqueid: 'n1-1.1' });
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=UTF-8');
    const [header, line, rest] = (await res.text()).split('\r\n');
    assert.equal(header, CDR_COLUMNS.join(','));
    assert.match(line ?? '', /^ACME,\d+,"2026-11-27 09:00:00","2026-11-27 09:00:05",/);
    assert.match(line ?? '', /,"""Ann"" <100>",/);
    assert.equal(rest, '');
  });

  test('no rows (an empty day) answers an empty body in csv, plain and xml, as MiRTA does; json stays []', async () => {
    const body = async (params: Record<string, string>) => {
      const res = await get(params);
      assert.equal(res.headers.get('x-callgrid-error'), null);
      return res.text();
    };
    const day = { start: '2026-11-20', end: '2026-11-20' };
    assert.equal(await body({ info: 'cdrs', format: 'csv', ...day }), '');
    assert.equal(await body({ info: 'cdrs', format: 'csv', phone: 'nobody' }), '');
    assert.equal(await body({ info: 'cdrs', ...day }), '');
    assert.equal(await body({ info: 'cdrs', format: 'xml', template: 'Test_XML', ...day }), '');
    assert.equal(await body({ info: 'simplecdrs', format: 'csv', ...day }), '');
    assert.equal(await body({ info: 'simplecdrs', ...day }), '');
    assert.equal(await body({ info: 'cdrs', format: 'json', ...day }), '[]');
    // With rows the plain table keeps its header line.
    assert.match(await body({ info: 'cdrs', uniqueid: 'n1-1.1' }), /^accountcode\|ID\|/);
  });

  test('format=xml renders the tenant template with te_id and direction, values escaped', async () => {
    const res = await get({ info: 'cdrs', format: 'xml', template: 'Test_XML' });
    assert.equal(res.headers.get('content-type'), 'text/xml; charset=UTF-8');
    assert.equal(
      await res.text(),
      `<cdrs><cdr id="n1-1.1" tenant="${acme.te_id}" dir="OUT">&quot;Ann&quot; &lt;100&gt;</cdr>\n<cdr id="n1-1.2" tenant="${acme.te_id}" dir="IN">Tom &amp; &lt;Jerry&gt;</cdr>\n</cdrs>`,
    );
    await expectError(await get({ info: 'cdrs', format: 'xml' }), 'missing_parameter', 'No template specified');
    await expectError(await get({ info: 'cdrs', format: 'xml', template: 'Nope' }), 'not_found', "XML template 'Nope' not found");
    await expectError(await get({ info: 'cdrs', format: 'xml', template: 'Test_XML' }, h.globex.fullKey, 'GLOBEX'), 'not_found', "XML template 'Test_XML' not found");
    await expectError(await get({ info: 'cdrs', format: 'xml', template: 'Test_XML' }, h.adminKey, '%'), 'invalid_parameter', 'format=xml needs a single tenant: XML templates belong to one tenant');
  });

  test('bad input names the parameter', async () => {
    await expectError(await get({ info: 'cdrs', start: '27/11/2026' }), 'invalid_parameter', "Invalid start '27/11/2026': expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS");
    await expectError(await get({ info: 'cdrs', end: '2026-02-30' }), 'invalid_parameter', "Invalid end '2026-02-30': no such date or time");
    await expectError(await get({ info: 'cdrs', start: '2026-11-27', end: '2026-11-01' }), 'invalid_parameter', "Invalid end '2026-11-01': it is before start '2026-11-27'");
    await expectError(await get({ info: 'cdrs', direction: 'sideways' }), 'invalid_parameter', "Invalid direction 'sideways': expected IN, OUT, LOCAL (comma separated)");
    await expectError(await get({ info: 'cdrs', id: '1,x' }), 'invalid_parameter', "Invalid id 'x': expected a positive whole number");
    await expectError(await get({ info: 'simplecdrs', disposition: 'MAYBE' }), 'invalid_parameter', "Invalid disposition 'MAYBE': expected ANSWERED, NO ANSWER, BUSY, FAILED, CONGESTION (comma separated)");
    await expectError(await get({ info: 'simplecdrs', format: 'xml' }), 'unsupported_format', 'Format xml is not available for INFO');
  });

  test('simplecdrs: the 11 named fields, filters, csv header', async () => {
    const [first, ...others] = await rows({ info: 'simplecdrs', direction: 'out' });
    assert.equal(others.length, 0);
    const named = {
      sc_te_id: String(acme.te_id), tenantcode: 'ACME', sc_start: '2026-11-27 09:00:00', sc_direction: 'OUT', sc_calleridnum: '100', sc_calleridname: 'Ann',
      sc_dialednum: '5551234', sc_disposition: 'ANSWERED', sc_duration: '60', sc_uniqueid: 'n1-1.1', sc_whoanswered: '',
    };
    // Each value also under "0".."10" (spec §2.12), interleaved as PHP's fetch_array(BOTH) writes them.
    assert.deepEqual(first, { ...named, ...Object.fromEntries(Object.values(named).map((value, i) => [String(i), value])) });
    const text = await (await get({ info: 'simplecdrs', direction: 'out', format: 'json' })).text();
    assert.ok(text.startsWith(`[{"0":"${acme.te_id}","sc_te_id":"${acme.te_id}","1":"ACME","tenantcode":"ACME","2":"2026-11-27 09:00:00",`), text);
    assert.deepEqual((await rows({ info: 'simplecdrs', phone: '101' })).map((r) => r.sc_uniqueid), ['n1-1.2'], 'phone matches who answered');
    assert.deepEqual((await rows({ info: 'simplecdrs', calleridnum: '100,5559999' })).length, 2);
    const csv = await (await get({ info: 'simplecdrs', format: 'csv' })).text();
    assert.equal(csv.split('\r\n')[0], 'sc_te_id,tenantcode,sc_start,sc_direction,sc_calleridnum,sc_calleridname,sc_dialednum,sc_disposition,sc_duration,sc_uniqueid,sc_whoanswered');
  });
});
