// FLOWS, SETFLOW and INFO flow (spec §2.6, §2.24, §2.12): flow states coupled to flow values, per tenant.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, expectError, type Harness, type TenantKeys } from '../../../test/support/api-harness.ts';
import { FLOW_COLUMNS } from './handlers/flows.ts';

describe('flows', () => {
  let h: Harness;
  let dayNight: number;
  let plainFlow: number;
  let globexFlow: number;
  beforeEach(async () => {
    h = await createHarness();
    const flows = h.runtime.services.objects;
    // A day/night switch: INUSE (lamp on) = NIGHT, NOT_INUSE = DAY; UNAVAILABLE and RINGING map to nothing.
    dayNight = Number((await flows.create('flow', h.acme.id, { fl_name: 'Day/Night', fl_number: '*30', fl_value: 'DAY', fl_value_for_inuse: 'NIGHT', fl_value_for_notinuse: 'DAY' })).fl_id);
    plainFlow = Number((await flows.create('flow', h.acme.id, { fl_name: 'No number', fl_value: 'x' })).fl_id);
    // The other tenant owns the same number with other values.
    globexFlow = Number((await flows.create('flow', h.globex.id, { fl_name: 'Lunch', fl_number: '*30', fl_value: 'OPEN', fl_value_for_inuse: 'CLOSED', fl_value_for_notinuse: 'OPEN' })).fl_id);
  });
  afterEach(() => h.close());

  const as = (t: TenantKeys, params: Record<string, string>, key = t.fullKey) => h.get({ key, tenant: t.code, ...params });
  const setFlow = (params: Record<string, string>, t = h.acme) => as(t, { reqtype: 'SETFLOW', ...params });
  const stateOf = async (id: number, t = h.acme) => (await as(t, { reqtype: 'INFO', info: 'flow', id: String(id) })).text();
  const valueOf = async (id: number, t = h.acme) => (await h.runtime.services.objects.get('flow', t.id, id)).fl_value;

  test('FLOWS json: the 18 keys in order; a state never set is derived from fl_value', async () => {
    const rows = (await (await as(h.acme, { reqtype: 'FLOWS', format: 'json' })).json()) as Array<Record<string, string | null>>;
    assert.equal(rows.length, 2);
    assert.deepEqual(Object.keys(rows[0] ?? {}), [...FLOW_COLUMNS]);
    assert.equal(FLOW_COLUMNS.length, 18);
    assert.deepEqual(rows[0], {
      fl_id: String(dayNight), fl_te_id: String(h.acme.id), fl_name: 'Day/Night', fl_comment: '', fl_number: '*30', fl_value: 'DAY',
      fl_value_for_unavailable: '', fl_value_for_inuse: 'NIGHT', fl_value_for_notinuse: 'DAY', fl_value_for_ringing: '', fl_variable_name: '',
      fl_monitor_type: '', fl_monitor_type_id: null, fl_monitor_parameter: '', st_extension: '*30-ACME', st_state: 'NOT_INUSE', st_timestamp: null, st_peername: '',
    });
    assert.deepEqual([rows[1]?.st_extension, rows[1]?.st_state], [`FLOW-${plainFlow}`, 'UNAVAILABLE']);
  });

  test('FLOWS plain: a pipe table with a header, one line per flow; read-only keys read it', async () => {
    const lines = (await (await as(h.acme, { reqtype: 'FLOWS' }, h.acme.readOnlyKey)).text()).split('\n');
    assert.equal(lines[0], `${FLOW_COLUMNS.join('|')}|`);
    assert.equal(lines[1], `${dayNight}|${h.acme.id}|Day/Night||*30|DAY||NIGHT|DAY||||||*30-ACME|NOT_INUSE|||`);
    assert.equal(lines.length, 4, 'header, two flows, and the final newline');
    assert.equal(lines[3], '');
  });

  test('SETFLOW state sets the mapped value; INFO flow and FLOWS show it with its time', async () => {
    assert.equal(await (await setFlow({ number: '*30', state: 'INUSE' })).text(), 'OK');
    assert.equal(await valueOf(dayNight), 'NIGHT');
    assert.equal(await stateOf(dayNight), 'INUSE');
    assert.equal(await (await as(h.acme, { reqtype: 'INFO', info: 'flow', id: String(dayNight), format: 'json' })).text(), '"INUSE"');
    h.clock.advance(5000);
    const json = await (await setFlow({ number: '*30', state: 'not_inuse', format: 'json' })).json();
    assert.deepEqual(json, { result: 'OK', state: 'NOT_INUSE', value: 'DAY' });
    const [row] = (await (await as(h.acme, { reqtype: 'FLOWS', format: 'json' })).json()) as Array<Record<string, string | null>>;
    assert.deepEqual([row?.st_state, row?.st_timestamp, row?.fl_value], ['NOT_INUSE', '2026-11-27 10:00:05', 'DAY']);
    // A state that maps to nothing changes the lamp only.
    assert.deepEqual(await (await setFlow({ number: '*30', state: 'RINGING', format: 'json' })).json(), { result: 'OK', state: 'RINGING', value: 'DAY' });
    assert.equal(await stateOf(dayNight), 'RINGING');
  });

  test('SETFLOW value sets the state mapped to it; an unmapped value leaves a state that maps to nothing, else UNAVAILABLE', async () => {
    assert.deepEqual(await (await setFlow({ number: '*30', value: 'NIGHT', format: 'json' })).json(), { result: 'OK', state: 'INUSE', value: 'NIGHT' });
    assert.equal(await stateOf(dayNight), 'INUSE');
    assert.deepEqual(await (await setFlow({ number: '*30', value: 'HOLIDAY', format: 'json' })).json(), { result: 'OK', state: 'UNAVAILABLE', value: 'HOLIDAY' });
    assert.equal(await valueOf(dayNight), 'HOLIDAY');
    await setFlow({ number: '*30', state: 'RINGING' });
    assert.deepEqual(await (await setFlow({ number: '*30', value: 'STORM', format: 'json' })).json(), { result: 'OK', state: 'RINGING', value: 'STORM' });
    assert.equal(await stateOf(dayNight), 'RINGING');
  });

  test('SETFLOW state and value: stored as given when they agree, refused when the state maps to another value', async () => {
    assert.deepEqual(await (await setFlow({ number: '*30', state: 'INUSE', value: 'NIGHT', format: 'json' })).json(), { result: 'OK', state: 'INUSE', value: 'NIGHT' });
    assert.deepEqual(await (await setFlow({ number: '*30', state: 'RINGING', value: 'ALARM', format: 'json' })).json(), { result: 'OK', state: 'RINGING', value: 'ALARM' });
    await expectError(await setFlow({ number: '*30', state: 'INUSE', value: 'DAY' }), 'invalid_parameter', "Invalid value 'DAY' with state INUSE for flow *30: that state sets the value 'NIGHT'");
    assert.equal(await stateOf(dayNight), 'RINGING', 'a refused request changes nothing');
    assert.equal(await valueOf(dayNight), 'ALARM');
  });

  test('a value written by MANAGEDB or openapi.php moves the lamp when the stored state no longer agrees', async () => {
    await setFlow({ number: '*30', state: 'INUSE' });
    await h.runtime.services.objects.update('flow', h.acme.id, dayNight, { state: 'DAY' });
    assert.equal(await stateOf(dayNight), 'NOT_INUSE');
  });

  test('two tenants with the same flow number: each SETFLOW and read touches only its own', async () => {
    await setFlow({ number: '*30', state: 'INUSE' }, h.globex);
    assert.equal(await valueOf(globexFlow, h.globex), 'CLOSED');
    assert.equal(await stateOf(globexFlow, h.globex), 'INUSE');
    assert.equal(await valueOf(dayNight), 'DAY');
    assert.equal(await stateOf(dayNight), 'NOT_INUSE');
    await expectError(await as(h.acme, { reqtype: 'INFO', info: 'flow', id: String(globexFlow) }), 'not_found', `Flow ${globexFlow} not found`);
    const globexRows = (await (await as(h.globex, { reqtype: 'FLOWS', format: 'json' })).json()) as Array<Record<string, string>>;
    assert.deepEqual(globexRows.map((r) => [r.st_extension, r.st_state]), [['*30-GLOBEX', 'INUSE']]);
  });

  test('errors name the parameter; read-only keys cannot set', async () => {
    await expectError(await setFlow({ state: 'INUSE' }), 'missing_parameter', 'No number specified: give the flow number');
    await expectError(await setFlow({ number: '*99', state: 'INUSE' }), 'not_found', 'Flow *99 not found');
    await expectError(await setFlow({ number: '*30', state: 'BUSY' }), 'invalid_parameter', "Invalid state 'BUSY': expected INUSE, NOT_INUSE, UNAVAILABLE or RINGING");
    await expectError(await setFlow({ number: '*30', state: '', value: '' }), 'missing_parameter', 'No state or value specified: give state=INUSE|NOT_INUSE|UNAVAILABLE|RINGING and/or value');
    await expectError(await setFlow({ number: '*30', value: 'v'.repeat(256) }), 'invalid_parameter', 'Invalid value for flow *30: at most 255 characters');
    const readOnly = await as(h.acme, { reqtype: 'SETFLOW', number: '*30', state: 'INUSE' }, h.acme.readOnlyKey);
    await expectError(readOnly, 'read_only_key', 'This API key is read-only: SETFLOW changes data');
    assert.equal(await stateOf(dayNight), 'NOT_INUSE');
    await expectError(await as(h.acme, { reqtype: 'INFO', info: 'flow' }), 'missing_parameter', 'No id specified');
    await expectError(await as(h.acme, { reqtype: 'INFO', info: 'flow', id: 'x' }), 'invalid_parameter', "Invalid id 'x': expected a positive whole number");
    await expectError(await h.get({ key: h.adminKey, reqtype: 'FLOWS' }), 'missing_parameter', 'No tenant specified');
  });

  test('flows sharing a number are refused by SETFLOW, naming them', async () => {
    const twin = Number((await h.runtime.services.objects.create('flow', h.acme.id, { fl_name: 'Twin', fl_number: '*30' })).fl_id);
    await expectError(await setFlow({ number: '*30', state: 'INUSE' }), 'conflict', `Flow number *30 is used by 2 flows (ids ${dayNight}, ${twin}); give each its own number`);
  });
});
