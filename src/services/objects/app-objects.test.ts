// The OpenAPI-only application objects (spec §3.4.24, §3.4.19) through the ObjectService over a real
// in-memory SQLite store: CRUD, allow-listed fields, references, tenant isolation, the global userprofile.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, PbxError } from '../../shared/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { ObjectService } from './object-service.ts';
import { OBJECT_RULES } from './rules.ts';

type Payload = Record<string, unknown>;

interface Case {
  readonly object: string;
  readonly create: Payload;
  /** Column -> value the created row holds (aliases resolved, defaults applied). */
  readonly holds: Readonly<Record<string, string | number | null>>;
  readonly update: Payload;
  readonly keeps: string;
  readonly required: string;
}

const CASES: readonly Case[] = [
  { object: 'flow', create: { name: 'Day/Night', fl_number: '*30', state: 'DAY' }, holds: { fl_name: 'Day/Night', fl_value: 'DAY' }, update: { status: 'NIGHT' }, keeps: 'fl_number', required: 'fl_name' },
  { object: 'paginggroup', create: { pa_number: '600', pa_name: 'All', pin: '1234', pa_bidirectional: 'yes' }, holds: { pa_bidirectional: 'on', pa_pin: '1234' }, update: { pa_name: 'Warehouse' }, keeps: 'pa_number', required: 'pa_number' },
  { object: 'tenantvariable', create: { tv_al_id: 3, value: 'x=1' }, holds: { tv_al_id: 3, tv_value: 'x=1', tv_locked: '' }, update: { tv_locked: true }, keeps: 'tv_value', required: 'tv_al_id' },
  { object: 'disa', create: { ds_name: 'Road warrior', ds_pin: '4321', ds_digitstimeout: '5' }, holds: { ds_digitstimeout: 5, ds_pin: '4321' }, update: { ds_blockcid: 'on' }, keeps: 'ds_name', required: 'ds_name' },
  { object: 'campaign', create: { ca_name: 'Spring', ca_maxchannels: 4, channelsforfreeagents: 2 }, holds: { ca_type: 'VOICE', ca_state: 'PAUSED', ca_channelsforfreeagents: 2 }, update: { ca_state: 'ACTIVE' }, keeps: 'ca_maxchannels', required: 'ca_name' },
  { object: 'cronjob', create: { cr_name: 'Nightly', cr_hour: '2', cr_minute: '*/15' }, holds: { cr_type: 'CALL', cr_day: '*', cr_minute: '*/15' }, update: { cr_active: 'on' }, keeps: 'cr_hour', required: 'cr_name' },
  { object: 'featurecode', create: { code: '*880', comment: 'Pickup' }, holds: { fe_code: '*880', fe_comment: 'Pickup' }, update: { fe_comment: 'Group pickup' }, keeps: 'fe_code', required: 'fe_code' },
  { object: 'shortnumber', create: { sn_number: '11', sn_destnumber: 'EXT-100' }, holds: { sn_destnumber: 'EXT-100' }, update: { destination: '+390612345678' }, keeps: 'sn_number', required: 'sn_number' },
  { object: 'pincode', create: { pin: '1234', name: 'Sales team' }, holds: { pc_code: '1234', pc_description: 'Sales team', pc_disabled: '' }, update: { disabled: 'yes' }, keeps: 'pc_code', required: 'pc_code' },
];

describe('OpenAPI-only application objects', () => {
  let store: Store;
  let objects: ObjectService;
  let acme: number;
  let globex: number;

  beforeEach(async () => {
    store = openStore('sqlite::memory:');
    await store.migrate();
    objects = new ObjectService(store, new FakeClock('2026-11-27T10:00:00Z'), OBJECT_RULES);
    acme = (await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-11-27 10:00:00')).te_id;
    globex = (await store.tenants.create({ te_code: 'GLOBEX', te_name: 'Globex' }, '2026-11-27 10:00:00')).te_id;
  });
  afterEach(() => store.close());

  const refused = (code: string, message: string) => (error: unknown) => error instanceof PbxError && error.code === code && error.message === message;

  for (const c of CASES) {
    test(`${c.object}: create, list, get, update, delete; unknown and missing fields refused; tenants apart`, async () => {
      const schema = objects.schema(c.object);
      const id = schema.idColumn;
      const row = await objects.create(c.object, acme, c.create);
      for (const [column, value] of Object.entries(c.holds)) assert.equal(row[column], value, column);
      assert.equal(row[schema.tenantColumn ?? ''], acme);
      const other = await objects.create(c.object, globex, c.create);
      assert.deepEqual(await objects.list(c.object, acme), [row]);
      assert.deepEqual(await objects.get(c.object, acme, Number(row[id])), row);

      const updated = await objects.update(c.object, acme, Number(row[id]), c.update);
      assert.equal(updated[c.keeps], row[c.keeps]);
      assert.notDeepEqual(updated, row);

      const Title = `${schema.title[0]?.toUpperCase()}${schema.title.slice(1)}`;
      const theirs = Number(other[id]);
      await assert.rejects(objects.get(c.object, acme, theirs), refused('not_found', `${Title} ${theirs} not found`));
      await assert.rejects(objects.update(c.object, acme, theirs, c.update), refused('not_found', `${Title} ${theirs} not found`));
      await assert.rejects(objects.delete(c.object, acme, theirs), refused('not_found', `${Title} ${theirs} not found`));
      await assert.rejects(objects.create(c.object, acme, { ...c.create, bogus: 1 }), refused('invalid_parameter', `Unknown field 'bogus' for ${schema.title}`));
      const without = Object.fromEntries(Object.entries(c.create).filter(([k]) => k !== c.required && schema.aliases?.[k] !== c.required));
      await assert.rejects(objects.create(c.object, acme, without), refused('missing_parameter', `Missing required field '${c.required}' for ${schema.title}`));

      await objects.delete(c.object, acme, Number(row[id]));
      assert.deepEqual(await objects.list(c.object, acme), []);
      assert.deepEqual(await objects.list(c.object, globex), [other]);
    });
  }

  test('campaign numbers belong to a campaign of the same tenant, which cannot go while it has numbers', async () => {
    const mine = await objects.create('campaign', acme, { ca_name: 'Spring' });
    const theirs = await objects.create('campaign', globex, { ca_name: 'Theirs' });
    await assert.rejects(
      objects.create('campaignnumber', acme, { campaign_id: theirs.ca_id, number: '+3906123' }),
      refused('invalid_parameter', `Invalid cn_ca_id for campaign number: campaign ${String(theirs.ca_id)} does not exist in this tenant`),
    );
    const number = await objects.create('campaignnumber', acme, { caid: mine.ca_id, cn_number: '+3906123', cn_field1: 'Mario' });
    assert.equal(number.cn_attempts, 0);
    await assert.rejects(objects.delete('campaign', acme, Number(mine.ca_id)), refused('conflict', 'Campaign Spring is in use by campaign number +3906123 (cn_ca_id); change those first'));
    await assert.rejects(objects.create('campaignnumber', acme, { cn_ca_id: mine.ca_id, cn_number: 'call me' }), refused('invalid_parameter', 'Invalid cn_number for campaign number: expected a phone number (digits, optional leading +)'));
  });

  test('values are checked: cron fields, codes, PINs, read-only run bookkeeping', async () => {
    await assert.rejects(objects.create('cronjob', acme, { cr_name: 'x', cr_hour: '2; rm -rf /' }), refused('invalid_parameter', 'Invalid cr_hour for cron job: expected a cron field such as *, 5, 1-5, */15 or 1,15'));
    await assert.rejects(objects.create('cronjob', acme, { cr_name: 'x', cr_pid: 1 }), refused('invalid_parameter', 'Invalid cr_pid for cron job: it is set by the PBX and cannot be written'));
    await assert.rejects(objects.create('featurecode', acme, { fe_code: '*88a' }), refused('invalid_parameter', 'Invalid fe_code for feature code: expected digits, * and #, 1-32 long'));
    await assert.rejects(objects.create('pincode', acme, { pc_code: '1' }), refused('invalid_parameter', 'Invalid pc_code for PIN code: expected digits only, 2-32 long'));
    await objects.create('featurecode', acme, { fe_code: '*880' });
    await assert.rejects(objects.create('featurecode', acme, { fe_code: '*880' }), refused('conflict', 'Feature code *880 already exists'));
    await objects.create('featurecode', globex, { fe_code: '*880' });
  });

  test('userprofile is global: one list for everyone, names unique, reserved set by the PBX only', async () => {
    const profile = await objects.create('userprofile', acme, { name: 'Operators', userpanel: 'on' });
    assert.equal(profile.up_userpanel, 'on');
    assert.equal('up_te_id' in profile, false);
    assert.deepEqual(await objects.list('userprofile', globex), [profile]);
    await assert.rejects(objects.create('userprofile', null, { up_name: 'Operators' }), refused('conflict', 'User profile Operators already exists'));
    await assert.rejects(objects.update('userprofile', null, 1, { up_reserved: 'on' }), refused('invalid_parameter', 'Invalid up_reserved for user profile: it is set by the PBX and cannot be written'));
    await objects.delete('userprofile', null, 1);
    assert.deepEqual(await objects.list('userprofile', null), []);
  });
});
