// INFO ivrlogs (spec §2.12), in process: the choices the PBX reported through the IVR log, a tenant's own only, in
// a date window (today by default), as json, plain with a header, and csv; bad dates name the parameter.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, expectError, type Harness, type TenantKeys } from '../../../test/support/api-harness.ts';

type Row = Record<string, string>;
const COLUMNS = ['ID', 'date', 'linkedid', 'ivrid', 'ivrname', 'callerid', 'calleridname', 'round', 'keys', 'choice', 'destination'];

describe('INFO ivrlogs', () => {
  let h: Harness;

  /** A choice as the IVR step reports it, at `at` (UTC). */
  async function choose(t: TenantKeys, at: string, keys: string, choice: string, destination: string): Promise<void> {
    h.clock.advance(new Date(`${at}Z`).getTime() - h.clock.now().getTime());
    await h.runtime.services.ivrLogs.record({ tenantId: t.id, linkedId: `n1-${at.slice(11, 13)}.1`, ivrId: 7, ivrName: 'Main | menu', callerNumber: '+41441230000', callerName: 'Ann', round: 1, keys, choice, destination });
  }

  before(async () => {
    h = await createHarness();
    await choose(h.acme, '2026-11-25T08:00:00', '', 'TIMEOUT', 'IVR_TIMEOUT');
    await choose(h.acme, '2026-11-27T09:00:00', '1', 'KEY', 'IVR_1');
    await choose(h.acme, '2026-11-27T09:30:00', '101', 'EXTENSION', 'EXT-21');
    await choose(h.globex, '2026-11-27T09:45:00', '2', 'KEY', 'IVR_2');
  });
  after(() => h.close());

  const info = (t: TenantKeys, params: Record<string, string> = {}) => h.get({ key: t.fullKey, tenant: t.code, reqtype: 'INFO', info: 'ivrlogs', ...params });

  test("json: today's choices by default, string values under the documented columns", async () => {
    const res = await info(h.acme, { format: 'json' });
    assert.equal(res.headers.get('content-type'), 'application/json; charset=UTF-8');
    const rows = (await res.json()) as Row[];
    assert.deepEqual(rows.map((r) => Object.keys(r)), [COLUMNS, COLUMNS]);
    assert.deepEqual({ ...rows[0], ID: '' }, {
      ID: '', date: '2026-11-27 09:00:00', linkedid: 'n1-09.1', ivrid: '7', ivrname: 'Main | menu', callerid: '+41441230000', calleridname: 'Ann', round: '1', keys: '1', choice: 'KEY', destination: 'IVR_1',
    });
    assert.deepEqual(rows.map((r) => r.choice), ['KEY', 'EXTENSION']);
  });

  test('start/end as the spec example; plain with a header; csv; another tenant sees only its own', async () => {
    const all = (await (await info(h.acme, { format: 'json', start: '2023-01-01', end: '2026-12-31' })).json()) as Row[];
    assert.deepEqual(all.map((r) => r.destination), ['IVR_TIMEOUT', 'IVR_1', 'EXT-21']);
    const plain = await (await info(h.acme, { start: '2026-11-25', end: '2026-11-25' })).text();
    const lines = plain.trimEnd().split('\n');
    assert.equal(lines[0], `${COLUMNS.join('|')}|`);
    assert.match(lines[1] ?? '', /^\d+\|2026-11-25 08:00:00\|n1-08\.1\|7\|Main   menu\|\+41441230000\|Ann\|1\|\|TIMEOUT\|IVR_TIMEOUT\|$/);
    assert.equal(lines.length, 2);
    const csv = await (await info(h.acme, { start: '2026-11-01', format: 'csv' })).text();
    assert.equal(csv.split('\r\n')[0], COLUMNS.join(','));
    assert.equal(csv.trimEnd().split('\r\n').length, 4);
    const theirs = (await (await info(h.globex, { start: '2026-11-01', format: 'json' })).json()) as Row[];
    assert.deepEqual(theirs.map((r) => r.keys), ['2']);
  });

  test('no choices: json [], plain the header alone', async () => {
    assert.equal(await (await info(h.acme, { format: 'json', start: '2020-01-01', end: '2020-01-31' })).text(), '[]');
    assert.equal(await (await info(h.acme, { start: '2020-01-01', end: '2020-01-31' })).text(), `${COLUMNS.join('|')}|\n`);
  });

  test('bad dates name the parameter; an end before the start is refused', async () => {
    await expectError(await info(h.acme, { start: '2026-11-27', end: '2026-11-01' }), 'invalid_parameter', "Invalid end '2026-11-01': it is before start '2026-11-27'");
    const bad = await info(h.acme, { start: 'yesterday' });
    assert.equal(bad.headers.get('x-callgrid-error'), 'invalid_parameter');
    assert.match(await bad.text(), /start/);
  });

  test('a tenant key cannot read another tenant by naming it', async () => {
    const res = await h.get({ key: h.globex.fullKey, tenant: h.acme.code, reqtype: 'INFO', info: 'ivrlogs', format: 'json', start: '2026-11-01' });
    assert.notEqual(res.headers.get('x-callgrid-error'), null);
    assert.doesNotMatch(await res.text(), /IVR_1/);
  });
});
