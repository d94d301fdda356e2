// MANAGEDB queue (spec §3.4.4): the realtime fields sent flat (`strategy`, `timeout`, ...), MiRTA's
// example payload, references to media files of the same tenant, and te_maxqueues.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, expectError, type Harness, type TenantKeys } from '../../../test/support/api-harness.ts';

type Row = Record<string, string | null>;

describe('MANAGEDB queue', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  const db = (t: TenantKeys, action: string, params: Record<string, string> = {}) =>
    h.post({ key: t.fullKey, tenant: t.code, reqtype: 'MANAGEDB', object: 'QUEUE', action, ...params });
  const add = async (t: TenantKeys, fields: Record<string, unknown>) => {
    const res = await db(t, 'add', { jsondata: JSON.stringify(fields) });
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return (await res.json()) as Row;
  };

  test("MiRTA's example payload: realtime fields land in their columns, defaults fill the rest", async () => {
    const row = await add(h.acme, { qu_name: 'Support Line', strategy: 'RINGALL', timeout: '30' });
    assert.equal(row.qu_strategy, 'RINGALL');
    assert.equal(row.qu_membertimeout, '30');
    assert.equal(row.qu_timeout, null);
    const other = await add(h.acme, { name: 'Sales', number: '701', wrapuptime: 5, joinempty: 'yes', autofill: 'yes', ringinuse: 'no', musiconhold: 'jazz', autopause: 'all' });
    assert.equal(other.qu_strategy, 'RINGALL');
    assert.equal(other.qu_membertimeout, '15');
    assert.equal(other.qu_wrapuptime, '5');
    assert.equal(other.qu_joinempty, 'yes');
    assert.equal(other.qu_autofill, 'yes');
    assert.equal(other.qu_ringinuse, '');
    assert.equal(other.qu_musiconhold, 'jazz');
    assert.equal(other.qu_autopause, 'all');
    assert.equal('strategy' in other, false);
  });

  test('bad realtime values are refused naming the field', async () => {
    const bad = (fields: Record<string, unknown>) => db(h.acme, 'add', { jsondata: JSON.stringify({ qu_name: 'Q', ...fields }) });
    const strategies = 'RINGALL, LEASTRECENT, FEWESTCALLS, RANDOM, RRMEMORY, RRORDERED, LINEAR, WRANDOM';
    await expectError(await bad({ strategy: 'ringall' }), 'invalid_parameter', `Invalid strategy for queue: expected one of ${strategies}`);
    await expectError(await bad({ timeout: 'long' }), 'invalid_parameter', 'Invalid timeout for queue: expected a whole number');
    await expectError(await bad({ strategy: 'LINEAR', qu_strategy: 'RANDOM' }), 'invalid_parameter', "Invalid jsondata for queue: 'strategy' and 'qu_strategy' both set qu_strategy; send one");
    await expectError(await bad({ qu_number: '70 1' }), 'invalid_parameter', 'Invalid qu_number for queue: expected digits (and * # +), 1-32 long');
    await expectError(await bad({ qu_api_lastmessage: '2026-01-01' }), 'invalid_parameter', 'Invalid qu_api_lastmessage for queue: it is set by the PBX and cannot be written');
  });

  test('prompts must be media files of the same tenant', async () => {
    const theirs = await h.runtime.services.objects.create('mediafile', h.globex.id, { me_name: 'Theirs' });
    await expectError(
      await db(h.acme, 'add', { jsondata: JSON.stringify({ qu_name: 'Q', qu_thankyou_me_id: theirs.me_id }) }),
      'invalid_parameter',
      `Invalid qu_thankyou_me_id for queue: media file ${String(theirs.me_id)} does not exist in this tenant`,
    );
    const mine = await h.runtime.services.objects.create('mediafile', h.acme.id, { me_name: 'Mine' });
    const row = await add(h.acme, { qu_name: 'Q', qu_thankyou_me_id: mine.me_id });
    assert.equal(row.qu_thankyou_me_id, String(mine.me_id));
  });

  test('two tenants keep queue 700 apart; te_maxqueues holds', async () => {
    await add(h.acme, { qu_name: 'A', qu_number: '700' });
    await add(h.globex, { qu_name: 'G', qu_number: '700' });
    const names = async (t: TenantKeys) => ((await (await db(t, 'list')).json()) as Row[]).map((r) => r.qu_name);
    assert.deepEqual(await names(h.acme), ['A']);
    assert.deepEqual(await names(h.globex), ['G']);
    await h.runtime.services.tenants.update(h.acme.id, { te_maxqueues: 2 });
    await add(h.acme, { qu_name: 'B' });
    await expectError(await db(h.acme, 'add', { jsondata: '{"qu_name":"C"}' }), 'conflict', 'Tenant ACME already has its maximum of 2 queues (te_maxqueues)');
    await add(h.globex, { qu_name: 'G2' });
  });
});
