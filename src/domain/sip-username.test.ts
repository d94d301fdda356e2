// The tenant namespace of SIP usernames: `<anything>-<TENANTCODE>`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSipUsername, inTenantNamespace } from './sip-username.ts';

test('default usernames are in their tenant namespace and in no other', () => {
  assert.equal(defaultSipUsername('102', 'ACME'), '102-ACME');
  assert.equal(inTenantNamespace(defaultSipUsername('102', 'ACME'), 'ACME'), true);
  assert.equal(inTenantNamespace(defaultSipUsername('102', 'ACME'), 'EVIL'), false);
  // A code that ends another code does not reach into its namespace: the '-' is part of the suffix.
  assert.equal(inTenantNamespace(defaultSipUsername('102', 'BACME'), 'ACME'), false);
});

test('custom names: anything before -CODE, the code exact', () => {
  for (const name of ['front.desk-ACME', 'a-b-ACME', '*30-ACME']) assert.equal(inTenantNamespace(name, 'ACME'), true, name);
  for (const name of ['-ACME', 'ACME', 'alice', '102-acme', '102-ACME ', '102-ACMEX', '102-ACME-EVIL']) assert.equal(inTenantNamespace(name, 'ACME'), false, name);
  assert.equal(inTenantNamespace('x-', ''), false);
});
