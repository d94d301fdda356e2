// MANAGEDB on the application objects (spec §3.4.4-§3.4.22) through the catalogue: the same checks for
// each object (CRUD as MiRTA string rows, allow-listed fields, tenant isolation, read-only keys, literal
// text). Object-specific behaviour has its own managedb-<object>.test.ts.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, expectError, type Harness, type TenantKeys, HARNESS_ENGINES } from '../../../test/support/api-harness.ts';

type Row = Record<string, string | null>;
type Payload = Record<string, unknown>;

interface Case {
  readonly object: string;
  /** The create payload for a tenant (may create what it refers to first). */
  create(h: Harness, t: TenantKeys): Promise<Payload> | Payload;
  /** Columns the new row must show. */
  readonly shows: Readonly<Record<string, string | null>>;
  readonly update: Payload;
  /** A column the update does not send and must not change. */
  readonly keeps: string;
  readonly required: string;
  /** A free-text column for the byte-for-byte check (none for pure link rows). */
  readonly text?: string;
  readonly writeOnly?: readonly string[];
  /** MANAGEDB offers delete (phones are list/get/add/update only, §3.1). */
  readonly deletes: boolean;
}

const NASTY = `O'Brien "quoted" <script>alert(1)</script> '; DROP TABLE x; -- ünïcödé 📞`;
let macs = 0;

const CASES: readonly Case[] = [
  {
    object: 'queue',
    create: () => ({ qu_name: 'Support Line', strategy: 'RINGALL', timeout: '30', number: '700' }),
    shows: { qu_name: 'Support Line', qu_strategy: 'RINGALL', qu_membertimeout: '30', qu_number: '700', qu_timeout: null },
    update: { strategy: 'RRMEMORY', qu_timeout: 300 },
    keeps: 'qu_name',
    required: 'qu_name',
    text: 'qu_name',
    deletes: true,
  },
  {
    object: 'conference',
    create: () => ({ cr_number: '887', cr_name: 'Test conference', pin: '5678', adminpin: '9999' }),
    shows: { cr_number: '887', cr_name: 'Test conference' },
    update: { cr_name: 'Board room', opts: 'M' },
    keeps: 'cr_number',
    required: 'cr_number',
    text: 'cr_name',
    writeOnly: ['cr_pin', 'cr_adminpin'],
    deletes: true,
  },
  {
    object: 'musiconhold',
    create: () => ({ mu_name: 'jazz', randomizeorder: 'yes', mode: 'files' }),
    shows: { mu_name: 'jazz', mu_randomizeorder: 'on', mu_mode: 'files', mu_default: '' },
    update: { volume: -3 },
    keeps: 'mu_randomizeorder',
    required: 'mu_name',
    text: 'mu_application',
    deletes: true,
  },
  {
    object: 'mediafile',
    create: () => ({ me_name: 'Beep', me_description: 'a short beep' }),
    shows: { me_name: 'Beep', me_size: null, me_md5: '', me_format: '', me_datetime: '2026-11-27 10:00:00' },
    update: { me_name: 'Long beep' },
    keeps: 'me_description',
    required: 'me_name',
    text: 'me_name',
    deletes: true,
  },
  {
    object: 'voicemail',
    create: () => ({ mailbox: '9000', password: '1234567', fullname: 'This is a test', email: 'test@example.com' }),
    shows: { mailbox: '9000', fullname: 'This is a test', email: 'test@example.com', attach: 'yes' },
    update: { name: 'Renamed box' },
    keeps: 'email',
    required: 'mailbox',
    text: 'fullname',
    writeOnly: ['password', 'imappassword'],
    deletes: true,
  },
  {
    object: 'phone',
    // A MAC is unique across the PBX, so each phone gets its own.
    create: () => ({ ph_name: 'George Basement', ph_mac: `aa-bb-cc-dd-ee-${(++macs).toString(16).padStart(2, '0')}`, ph_pm_id: 5 }),
    shows: { ph_name: 'George Basement', ph_pm_id: '5', ph_active: 'on', ph_line0_ex_id: null },
    update: { ph_name: 'George Lower Basement' },
    keeps: 'ph_mac',
    required: 'ph_mac',
    text: 'ph_description',
    writeOnly: ['ph_password', 'ph_http_password'],
    deletes: false,
  },
  {
    object: 'phonephonebook',
    async create(h, t) {
      const phone = await h.runtime.services.objects.create('phone', t.id, { ph_name: 'Desk', ph_mac: `02:00:00:00:00:${(++macs).toString(16).padStart(2, '0')}` });
      return { pp_ph_id: phone.ph_id, pp_pb_id: 4 };
    },
    shows: { pp_pb_id: '4', pp_order: '0' },
    update: { order: 2 },
    keeps: 'pp_pb_id',
    required: 'pp_ph_id',
    deletes: true,
  },
];

for (const engine of HARNESS_ENGINES) for (const c of CASES) {
  describe(`MANAGEDB ${c.object} (catalogue checks) on ${engine}`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await createHarness({}, { engine });
    });
    afterEach(() => h.close());

    const schema = () => h.runtime.services.objects.schema(c.object);
    const Title = () => `${schema().title[0]?.toUpperCase()}${schema().title.slice(1)}`;
    const db = (t: TenantKeys, action: string, params: Record<string, string> = {}, key = t.fullKey) =>
      h.post({ key, tenant: t.code, reqtype: 'MANAGEDB', object: c.object, action, ...params });
    const ok = async (res: Response): Promise<unknown> => {
      assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
      return res.json();
    };
    const add = async (t: TenantKeys, extra: Payload = {}) => (await ok(await db(t, 'add', { jsondata: JSON.stringify({ ...(await c.create(h, t)), ...extra }) }))) as Row;
    const list = async (t: TenantKeys) => (await ok(await db(t, 'list'))) as Row[];

    test('add, list, get answer string rows; write-only fields never show', async () => {
      const row = await add(h.acme);
      assert.equal(row[schema().idColumn], '1');
      assert.equal(row[schema().tenantColumn ?? ''], String(h.acme.id));
      for (const [column, value] of Object.entries(c.shows)) assert.equal(row[column], value, column);
      for (const column of c.writeOnly ?? []) assert.equal(column in row, false, column);
      assert.ok(Object.values(row).every((v) => v === null || typeof v === 'string'));
      assert.deepEqual(await list(h.acme), [row]);
      assert.deepEqual(await ok(await db(h.acme, 'get', { objectid: '1' })), row);
    });

    test('update changes only the fields sent; delete removes the row', async () => {
      const row = await add(h.acme);
      const updated = (await ok(await db(h.acme, 'update', { objectid: '1', jsondata: JSON.stringify(c.update) }))) as Row;
      assert.equal(updated[c.keeps], row[c.keeps]);
      assert.notDeepEqual(updated, row);
      if (!c.deletes) {
        await expectError(await db(h.acme, 'delete', { objectid: '1' }), 'unknown_action', `Unknown action delete for MANAGEDB ${c.object}: expected one of list, get, add, update`);
        return;
      }
      assert.deepEqual(await ok(await db(h.acme, 'delete', { objectid: '1' })), { result: 'OK', deleted: '1' });
      assert.deepEqual(await list(h.acme), []);
      await expectError(await db(h.acme, 'get', { objectid: '1' }), 'not_found', `${Title()} 1 not found`);
    });

    test('unknown fields, missing required fields and wrong types are refused by name', async () => {
      const payload = await c.create(h, h.acme);
      const send = (json: Payload) => db(h.acme, 'add', { jsondata: JSON.stringify(json) });
      await expectError(await send({ ...payload, bogus_field: 'x' }), 'invalid_parameter', `Unknown field 'bogus_field' for ${schema().title}`);
      const { [c.required]: _dropped, ...without } = payload;
      const alias = Object.entries(schema().aliases ?? {}).find(([, column]) => column === c.required)?.[0];
      if (alias) delete without[alias];
      await expectError(await send(without), 'missing_parameter', `Missing required field '${c.required}' for ${schema().title}`);
      await expectError(await send({ ...payload, [schema().idColumn.replace(/id$/, 'nope')]: 1 }), 'invalid_parameter', `Unknown field '${schema().idColumn.replace(/id$/, 'nope')}' for ${schema().title}`);
      assert.deepEqual(await list(h.acme), []);
    });

    test('another tenant reads as not found; each tenant sees its own rows', async () => {
      await add(h.acme);
      const theirs = await add(h.globex);
      const id = String(theirs[schema().idColumn]);
      await expectError(await db(h.acme, 'get', { objectid: id }), 'not_found', `${Title()} ${id} not found`);
      await expectError(await db(h.acme, 'update', { objectid: id, jsondata: JSON.stringify(c.update) }), 'not_found', `${Title()} ${id} not found`);
      if (c.deletes) await expectError(await db(h.acme, 'delete', { objectid: id }), 'not_found', `${Title()} ${id} not found`);
      assert.equal((await list(h.acme)).length, 1);
      assert.deepEqual(await list(h.globex), [theirs]);
    });

    test('read-only keys read but never write', async () => {
      await add(h.acme);
      assert.equal((await list(h.acme)).length, 1);
      const refused = await db(h.acme, 'add', { jsondata: JSON.stringify(await c.create(h, h.acme)) }, h.acme.readOnlyKey);
      assert.equal(refused.headers.get('x-callgrid-error'), 'read_only_key');
      const ro = (await ok(await db(h.acme, 'list', {}, h.acme.readOnlyKey))) as Row[];
      assert.equal(ro.length, 1);
    });

    if (c.text) {
      const column = c.text;
      test('text is stored byte for byte, and a too long one is refused', async () => {
        const row = await add(h.acme, { [column]: NASTY });
        assert.equal(row[column], NASTY);
        assert.equal((await list(h.acme))[0]?.[column], NASTY);
        const max = schema().columns[column]?.max ?? 0;
        await expectError(
          await db(h.acme, 'update', { objectid: '1', jsondata: JSON.stringify({ [column]: 'x'.repeat(max + 1) }) }),
          'invalid_parameter',
          `Invalid ${column} for ${schema().title}: at most ${max} characters (got ${max + 1})`,
        );
      });
    }
  });
}
