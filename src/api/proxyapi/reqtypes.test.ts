// The reqtype table: every MiRTA reqtype answers something (never an empty
// body), the ones still to come say so, and unknown names get clear errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, expectError } from '../../../test/support/api-harness.ts';
import { REQTYPES } from './reqtypes.ts';
import { INFO_TYPES } from './handlers/info/index.ts';
import { MANAGED_OBJECTS } from './handlers/managedb/index.ts';
import { laterHandlers } from './handlers/later.ts';
import { HANDLERS } from './dispatch.ts';

// What is not built yet is read from the tables themselves, so this test follows the code as capabilities land;
// the capabilities themselves are tested in their own files.
const PENDING = REQTYPES.filter((r) => (HANDLERS[r] as unknown) === (laterHandlers as Record<string, unknown>)[r]);
const PENDING_INFO = Object.entries(INFO_TYPES).filter(([, type]) => 'notImplemented' in type && type.notImplemented).map(([name]) => name);

describe('the reqtype table', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());
  const admin = (params: Record<string, string>) => h.get({ key: h.adminKey, tenant: 'ACME', ...params });

  test('lists the 39 reqtypes of the spec plus HELP', () => {
    assert.equal(REQTYPES.length, 40);
    assert.equal(new Set(REQTYPES).size, 40);
    for (const name of Object.keys(laterHandlers)) assert.ok((REQTYPES as readonly string[]).includes(name), name);
  });

  for (const reqtype of PENDING) {
    test(`${reqtype} answers Not implemented`, async () => {
      await expectError(await admin({ reqtype }), 'not_implemented', `Not implemented: ${reqtype}`);
      const json = await admin({ reqtype: reqtype.toLowerCase(), format: 'json' });
      assert.equal(json.headers.get('x-callgrid-error'), 'not_implemented');
      assert.equal(await json.text(), JSON.stringify(`Not implemented: ${reqtype}`));
    });
  }

  test('an unknown reqtype is named in upper case', async () => {
    await expectError(await admin({ reqtype: 'FOO' }), 'unknown_reqtype', 'Unknown reqtype FOO');
    await expectError(await admin({ reqtype: ' foo ' }), 'unknown_reqtype', 'Unknown reqtype FOO');
  });

  test('a missing or empty reqtype', async () => {
    await expectError(await admin({}), 'missing_parameter', 'No reqtype specified');
    await expectError(await admin({ reqtype: ' ' }), 'missing_parameter', 'No reqtype specified');
  });

  test('the key is checked before the reqtype', async () => {
    const res = await h.get({ key: 'nope', reqtype: 'FOO' });
    assert.equal(res.headers.get('x-callgrid-error'), 'bad_key');
  });
});

describe('INFO types', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());
  const admin = (params: Record<string, string>) => h.get({ key: h.adminKey, tenant: 'ACME', reqtype: 'INFO', ...params });

  test('cover every info type of the spec (§2.12)', () => {
    const spec = ['queues', 'queue', 'queuecallers', 'agents', 'agentsconnected', 'agentsdelay', 'outdialed', 'simpledialed', 'call', 'fax', 'inforecording', 'recording', 'recordings', 'transcript', 'playrecording', 'voicemail', 'voicemailtranscript', 'dids', 'pincodes', 'sms', 'extensions', 'extstate', 'regstate', 'config', 'cdrs', 'simplecdrs', 'queuelogs', 'ivrlogs', 'balance', 'flow', 'variable'];
    assert.deepEqual(Object.keys(INFO_TYPES).sort(), [...spec].sort());
  });

  for (const name of PENDING_INFO) {
    test(`INFO ${name} answers Not implemented`, async () => {
      await expectError(await admin({ info: name.toUpperCase() }), 'not_implemented', `Not implemented: INFO ${name}`);
    });
  }

  test('an unknown info type lists the known ones', async () => {
    await expectError(await admin({ info: 'Nope' }), 'unknown_info', `Unknown info type nope: expected one of ${Object.keys(INFO_TYPES).join(', ')}`);
  });

  test('a missing info type', async () => {
    await expectError(await admin({}), 'missing_parameter', 'No info specified');
  });
});

describe('MANAGEDB objects', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());
  const admin = (params: Record<string, string>) => h.get({ key: h.adminKey, tenant: 'ACME', reqtype: 'MANAGEDB', ...params });

  for (const [object, definition] of Object.entries(MANAGED_OBJECTS)) {
    const pending = Object.entries(definition.actions as Record<string, { notImplemented?: true }>).filter(([, a]) => a.notImplemented).map(([name]) => name);
    if (pending.length === 0) continue;
    test(`MANAGEDB ${object}: ${pending.join(', ')} answer Not implemented`, async () => {
      for (const action of pending) {
        await expectError(await admin({ object: object.toUpperCase(), action: action.toUpperCase(), objectid: '1', jsondata: '{}' }), 'not_implemented', `Not implemented: MANAGEDB ${object} ${action}`);
      }
    });
  }

  test('plural object names are accepted', async () => {
    for (const object of ['CUSTOMTYPES', 'phones', 'sipregs', 'Extensions']) {
      const res = await admin({ object, action: 'list' });
      assert.equal(res.headers.get('x-callgrid-error'), null, `${object}: ${await res.clone().text()}`);
      assert.ok(Array.isArray(await res.json()), object);
    }
  });

  test('an unknown object lists the known ones', async () => {
    await expectError(await admin({ object: 'gizmo', action: 'list' }), 'unknown_object', `Unknown object gizmo for MANAGEDB: expected one of ${Object.keys(MANAGED_OBJECTS).join(', ')}`);
  });

  test('an unknown action lists the actions of the object', async () => {
    await expectError(await admin({ object: 'tenant', action: 'fly' }), 'unknown_action', 'Unknown action fly for MANAGEDB tenant: expected one of list, get, add, update, delete');
    await expectError(await admin({ object: 'did', action: 'replace' }), 'unknown_action', 'Unknown action replace for MANAGEDB did: expected one of list, get, add, update, delete');
  });

  test('missing object or action', async () => {
    await expectError(await admin({ action: 'list' }), 'missing_parameter', 'No object specified');
    await expectError(await admin({ object: 'tenant' }), 'missing_parameter', 'No action specified');
  });

  test('an action named like an Object.prototype member is an unknown action', async () => {
    for (const action of ['constructor', '__proto__']) {
      await expectError(await admin({ object: 'tenant', action }), 'unknown_action', `Unknown action ${action} for MANAGEDB tenant: expected one of list, get, add, update, delete`);
    }
  });
});

describe('HELP', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  test('is text/html in <pre> and names every reqtype', async () => {
    const res = await h.get({ key: h.adminKey, reqtype: 'help' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=UTF-8');
    const body = await res.text();
    assert.match(body, /^<pre>\n/);
    assert.match(body, /<\/pre>\n$/);
    for (const name of REQTYPES) assert.ok(body.includes(`<b>reqtype=${name}</b>`), name);
  });

  test('lists the MANAGEDB objects and the INFO types', async () => {
    const body = await (await h.get({ key: h.adminKey, reqtype: 'HELP' })).text();
    for (const name of Object.keys(MANAGED_OBJECTS)) assert.ok(body.includes(`    ${name}`), name);
    for (const name of Object.keys(INFO_TYPES)) assert.ok(body.includes(`    ${name}: `), name);
  });

  test('stays HTML when json is asked for', async () => {
    const res = await h.get({ key: h.adminKey, reqtype: 'HELP', format: 'json' });
    assert.equal(res.headers.get('content-type'), 'text/html; charset=UTF-8');
    assert.match(await res.text(), /^<pre>/);
  });

  test('with a tenant key needs the tenant (spec §2.40)', async () => {
    const refused = await h.get({ key: h.acme.readOnlyKey, reqtype: 'HELP' });
    assert.equal(refused.headers.get('x-callgrid-error'), 'bad_key');
    const res = await h.get({ key: h.acme.readOnlyKey, tenant: 'ACME', reqtype: 'HELP' });
    assert.match(await res.text(), /^<pre>/);
  });
});
