// MANAGEDB CRUD of every routing object (spec §3.4.3-§3.4.16) through the catalogue, table-driven:
// create/list/get/update/delete, the refusals every write shares, tenant isolation and admin-only objects.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, expectError, HARNESS_ENGINES } from '../../../test/support/api-harness.ts';

type Row = Record<string, string | null>;
type Fields = Record<string, unknown>;

interface Case {
  readonly object: string;
  readonly global: boolean;
  readonly title: string;
  readonly idColumn: string;
  readonly labelColumn: string;
  /** A valid create payload; the label column gets a distinct value per test. */
  readonly create: Fields;
  readonly update: Fields;
  readonly required: string;
  /** A field, a bad value, and the reason the refusal gives. */
  readonly wrongType: readonly [string, unknown, string];
  /** What the second tenant's create changes when the label is one tenant's only (a DID number). */
  readonly otherTenant?: Fields;
  /** Objects the create payload needs first (returns the payload). */
  prepare?(h: Harness, add: (object: string, fields: Fields, key?: string) => Promise<Row>): Promise<Fields>;
}

const CASES: readonly Case[] = [
  { object: 'did', global: false, title: 'DID', idColumn: 'di_id', labelColumn: 'di_number', create: { di_number: '390612345678', di_comment: 'Main', di_recording: 'yes' }, update: { di_comment: 'Test DID', di_recording: 'no' }, otherTenant: { di_number: '390612345679' }, required: 'di_number', wrongType: ['di_maxchannels', 'many', 'expected a whole number'] },
  { object: 'ivr', global: false, title: 'IVR', idColumn: 'iv_id', labelColumn: 'iv_name', create: { iv_name: 'Main menu', timeout: 5 }, update: { iv_ivrtype: 'VOICE' }, required: 'iv_name', wrongType: ['iv_ivrtype', 'SPEECH', 'expected one of DTMF, VOICE'] },
  { object: 'condition', global: false, title: 'condition', idColumn: 'co_id', labelColumn: 'co_name', create: { co_name: 'Office hours', co_type: 'WEEKTIME', co_timezone: 'Europe/Rome' }, update: { co_param1: 'x' }, required: 'co_type', wrongType: ['co_timezone', 'Mars/Olympus', 'expected an IANA time zone such as Europe/Rome'] },
  { object: 'calleridblacklist', global: false, title: 'blacklisted caller id', idColumn: 'bl_id', labelColumn: 'bl_callerid', create: { bl_callerid: '0612345678', bl_reason: 'spam' }, update: { bl_reason: 'robocall' }, required: 'bl_callerid', wrongType: ['bl_reason', { a: 1 }, 'expected text'] },
  { object: 'huntlist', global: false, title: 'hunt list', idColumn: 'hu_id', labelColumn: 'hu_name', create: { hu_name: 'Sales', hu_number: '600', hu_type: 'RINGALL' }, update: { hu_ringtime: '25', hu_usemoh: 'yes' }, required: 'hu_name', wrongType: ['hu_checkinuse', 'perhaps', "expected 'on' or '' (also yes/no, 1/0, true/false)"] },
  { object: 'custom', global: false, title: 'custom destination', idColumn: 'cu_id', labelColumn: 'cu_name', create: { cu_name: 'Boss phone', cu_ct_id: 1, cu_param1: 3564732920, cu_param2: 'INCOMINGDID', cu_param3: '30' }, update: { cu_param1: '0636287454' }, required: 'cu_name', wrongType: ['cu_ct_id', 'one', 'expected a whole number'] },
  { object: 'provider', global: true, title: 'provider', idColumn: 'pr_id', labelColumn: 'pr_name', create: { pr_peername: 'new_provider', pr_name: 'New Provider', pr_tech: 'SIP', pr_userealtime: 'on', allow: 'alaw:20', host: '172.16.1.100', password: 'pw' }, update: { pr_peername: 'test_extradevel' }, required: 'pr_name', wrongType: ['pr_tech', 'H323', 'expected one of SIP, PJSIP, IAX2, DAHDI, LOCAL, SMS'] },
  { object: 'routingprofile', global: true, title: 'routing profile', idColumn: 'rp_id', labelColumn: 'rp_name', create: { rp_name: 'Only National', rp_type: 'VOICE' }, update: { rp_description: 'National calls only' }, required: 'rp_name', wrongType: ['rp_type', 'MMS', 'expected one of VOICE, SMS, FAX'] },
  {
    object: 'route',
    global: true,
    title: 'route',
    idColumn: 'dl_id',
    labelColumn: 'dl_name',
    create: { dl_name: 'Free Numbers', dl_regex: '^800.*' },
    update: { dl_emergencyroute: '', dl_usepin: 'on' },
    required: 'dl_regex',
    wrongType: ['dl_regex', '^(800', 'not a valid regular expression (missing closing ): ^(800)'],
    async prepare(_h, add) {
      const rp = await add('routingprofile', { rp_name: 'Default' });
      const pr = await add('provider', { pr_name: 'Carrier' });
      return { dl_rp_id: rp.rp_id, dl_pr_id: pr.pr_id };
    },
  },
];

for (const engine of HARNESS_ENGINES) describe(`MANAGEDB routing objects on ${engine}`, () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({}, { engine });
  });
  afterEach(() => h.close());

  const call = (object: string, action: string, params: Record<string, string> = {}, key?: string, tenant = 'ACME') =>
    h.post({ key: key ?? h.acme.fullKey, tenant, reqtype: 'MANAGEDB', object, action, ...params });
  const ok = async (res: Response): Promise<unknown> => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return res.json();
  };
  const keyFor = (c: { global: boolean }) => (c.global ? h.adminKey : h.acme.fullKey);
  const add = async (object: string, fields: Fields, key?: string, tenant = 'ACME') => (await ok(await call(object, 'add', { jsondata: JSON.stringify(fields) }, key ?? h.adminKey, tenant))) as Row;

  for (const c of CASES) {
    const payload = async () => ({ ...(await c.prepare?.(h, add)), ...c.create });

    test(`${c.object}: add, list, get, update (only the fields sent), delete`, async () => {
      const key = keyFor(c);
      const created = await add(c.object, await payload(), key);
      const id = String(created[c.idColumn]);
      assert.match(id, /^\d+$/);
      for (const value of Object.values(created)) assert.ok(value === null || typeof value === 'string');
      if (!c.global) assert.equal(created[`${c.idColumn.slice(0, 2)}_te_id`], String(h.acme.id));
      assert.deepEqual(((await ok(await call(c.object, 'list', {}, key))) as Row[]).map((r) => r[c.idColumn]), [id]);
      assert.deepEqual(await ok(await call(c.object, 'get', { objectid: id }, key)), created);
      const updated = (await ok(await call(c.object, 'update', { objectid: id, jsondata: JSON.stringify(c.update) }, key))) as Row;
      for (const [column, value] of Object.entries(created)) {
        if (!Object.keys(c.update).includes(column)) assert.equal(updated[column], value, column);
      }
      assert.notDeepEqual(updated, created);
      assert.deepEqual(await ok(await call(c.object, 'delete', { objectid: id }, key)), { result: 'OK', deleted: id });
      assert.deepEqual(await ok(await call(c.object, 'list', {}, key)), []);
      await expectError(await call(c.object, 'get', { objectid: id }, key), 'not_found', `${c.title[0]?.toUpperCase()}${c.title.slice(1)} ${id} not found`);
    });

    test(`${c.object}: unknown field, missing required field and wrong type are refused naming the field`, async () => {
      const key = keyFor(c);
      const base = await payload();
      const bad = (fields: Fields) => call(c.object, 'add', { jsondata: JSON.stringify(fields) }, key);
      await expectError(await bad({ ...base, bogus_field: 'x' }), 'invalid_parameter', `Unknown field 'bogus_field' for ${c.title}`);
      const { [c.required]: _dropped, ...missing } = base;
      await expectError(await bad(missing), 'missing_parameter', `Missing required field '${c.required}' for ${c.title}`);
      const [field, value, why] = c.wrongType;
      await expectError(await bad({ ...base, [field]: value }), 'invalid_parameter', `Invalid ${field} for ${c.title}: ${why}`);
      assert.deepEqual(await ok(await call(c.object, 'list', {}, key)), []);
    });

    test(`${c.object}: text is stored byte for byte`, async () => {
      const text = `O'Brien "q" <script>alert(1)</script> '; DROP TABLE x; -- ünïcödé 📞`;
      const column = c.object === 'did' ? 'di_comment' : c.object === 'calleridblacklist' ? 'bl_reason' : c.object === 'route' ? 'dl_name' : c.labelColumn;
      const row = await add(c.object, { ...(await payload()), [column]: text }, keyFor(c));
      assert.equal(row[column], text);
      const listed = (await ok(await call(c.object, 'list', {}, keyFor(c)))) as Row[];
      assert.equal(listed[0]?.[column], text);
    });

    test(`${c.object}: read-only keys never write${c.global ? '; tenant keys are refused (admin key only)' : ''}`, async () => {
      const ro = await call(c.object, 'add', { jsondata: JSON.stringify(c.create) }, h.acme.readOnlyKey);
      if (c.global) {
        await expectError(ro, 'admin_required', 'MANAGEDB needs the admin API key');
        await expectError(await call(c.object, 'list', {}, h.acme.fullKey), 'admin_required', 'MANAGEDB needs the admin API key');
        await expectError(await call(c.object, 'add', { jsondata: JSON.stringify(c.create) }, h.acme.fullKey), 'admin_required', 'MANAGEDB needs the admin API key');
      } else {
        assert.equal(ro.headers.get('x-callgrid-error'), 'read_only_key');
        const created = await add(c.object, await payload(), h.acme.fullKey);
        const id = String(created[c.idColumn]);
        assert.equal(((await ok(await call(c.object, 'get', { objectid: id }, h.acme.readOnlyKey))) as Row)[c.idColumn], id);
        for (const action of ['update', 'delete']) {
          assert.equal((await call(c.object, action, { objectid: id, jsondata: '{}' }, h.acme.readOnlyKey)).headers.get('x-callgrid-error'), 'read_only_key');
        }
      }
    });

    if (!c.global) {
      test(`${c.object}: two tenants own the same values separately; another tenant's id reads as not found`, async () => {
        const base = await payload();
        const a = await add(c.object, base, h.acme.fullKey, 'ACME');
        const g = await add(c.object, { ...base, ...c.otherTenant }, h.globex.fullKey, 'GLOBEX');
        if (!c.otherTenant) assert.equal(a[c.labelColumn], g[c.labelColumn]);
        const gid = String(g[c.idColumn]);
        const what = `${c.title[0]?.toUpperCase()}${c.title.slice(1)} ${gid} not found`;
        assert.deepEqual(((await ok(await call(c.object, 'list'))) as Row[]).map((r) => r[c.idColumn]), [String(a[c.idColumn])]);
        await expectError(await call(c.object, 'get', { objectid: gid }), 'not_found', what);
        await expectError(await call(c.object, 'update', { objectid: gid, jsondata: JSON.stringify(c.update) }), 'not_found', what);
        await expectError(await call(c.object, 'delete', { objectid: gid }), 'not_found', what);
        assert.deepEqual(await ok(await call(c.object, 'get', { objectid: gid }, h.globex.fullKey, 'GLOBEX')), g);
      });
    }
  }
});
