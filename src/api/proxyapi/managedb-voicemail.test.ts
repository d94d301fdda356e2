// MANAGEDB voicemail (spec §3.4.20): Asterisk's column names (id `uniqueid`, tenant `te_id`), the
// context set to the tenant code, a write-only password (generated when missing), te_maxvoicemails,
// and the message actions that come with calls.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, expectError, type Harness, type TenantKeys } from '../../../test/support/api-harness.ts';

type Row = Record<string, string | null>;

describe('MANAGEDB voicemail', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());

  const db = (t: TenantKeys, action: string, params: Record<string, string> = {}) =>
    h.post({ key: t.fullKey, tenant: t.code, reqtype: 'MANAGEDB', object: 'VOICEMAIL', action, ...params });
  const ok = async (res: Response) => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return (await res.json()) as Row;
  };
  const add = async (t: TenantKeys, fields: Record<string, unknown>) => ok(await db(t, 'add', { jsondata: JSON.stringify(fields) }));

  test("MiRTA's example: Asterisk columns, the tenant's context, the password kept but never shown", async () => {
    const row = await add(h.acme, { mailbox: '9000', password: '1234567', fullname: 'This is a test', email: 'test@example.com' });
    assert.equal(row.uniqueid, '1');
    assert.equal(row.te_id, String(h.acme.id));
    assert.equal(row.context, 'ACME');
    assert.equal(row.stamp, '2026-11-27 10:00:00');
    assert.equal('password' in row, false);
    assert.equal((await h.runtime.services.objects.get('voicemail', h.acme.id, 1)).password, '1234567');
    await expectError(await db(h.acme, 'update', { objectid: '1', jsondata: '{"context":"GLOBEX"}' }), 'invalid_parameter', 'Invalid context for voicemail: it is set by the PBX and cannot be written');
    await expectError(await db(h.acme, 'update', { objectid: '1', jsondata: '{"password":""}' }), 'invalid_parameter', 'Invalid password for voicemail: must not be empty');
  });

  test('a box created without a password gets a 6-digit one', async () => {
    await add(h.acme, { number: '100', name: 'Alice' });
    assert.match(String((await h.runtime.services.objects.get('voicemail', h.acme.id, 1)).password), /^\d{6}$/);
  });

  test('mailbox 100 exists once per tenant, in both tenants; te_maxvoicemails holds', async () => {
    const a = await add(h.acme, { mailbox: '100', fullname: 'Alice' });
    const g = await add(h.globex, { mailbox: '100', fullname: 'Gina' });
    assert.equal(g.context, 'GLOBEX');
    await expectError(await db(h.acme, 'add', { jsondata: '{"mailbox":"100"}' }), 'conflict', 'Voicemail 100 already exists');
    await expectError(await db(h.globex, 'get', { objectid: String(a.uniqueid) }), 'not_found', `Voicemail ${String(a.uniqueid)} not found`);
    await expectError(await db(h.acme, 'add', { jsondata: '{"mailbox":"1a"}' }), 'invalid_parameter', 'Invalid mailbox for voicemail: expected digits, 1-32 long');
    await expectError(await db(h.acme, 'add', { jsondata: '{"mailbox":"101","attach":"maybe"}' }), 'invalid_parameter', "Invalid attach for voicemail: expected 'yes' or 'no'");
    await h.runtime.services.tenants.update(h.acme.id, { te_maxvoicemails: 1 });
    await expectError(await db(h.acme, 'add', { jsondata: '{"mailbox":"101"}' }), 'conflict', 'Tenant ACME already has its maximum of 1 voicemail boxes (te_maxvoicemails)');
  });

  test('message actions answer Not implemented until messages exist', async () => {
    await expectError(await db(h.acme, 'listmessages', { mailboxuser: '001', mailbox: 'INBOX' }), 'not_implemented', 'Not implemented: MANAGEDB voicemail listmessages');
    await expectError(await db(h.acme, 'getmessagerecording', { id: '1' }), 'not_implemented', 'Not implemented: MANAGEDB voicemail getmessagerecording');
  });
});
