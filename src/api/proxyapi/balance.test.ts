// BALANCE (spec §2.34) adds ledger entries; INFO balance reads the sum, over
// all time or between start and end.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, type Harness, expectError } from '../../../test/support/api-harness.ts';

describe('BALANCE and INFO balance', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());
  const add = (amount: string, extra: Record<string, string> = {}) => h.get({ key: h.adminKey, tenant: 'ACME', reqtype: 'BALANCE', amount, ...extra });
  const read = (extra: Record<string, string> = {}) => h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'INFO', info: 'balance', ...extra });

  test('a format BALANCE cannot answer in is refused before the entry is written', async () => {
    await expectError(await add('10', { format: 'csv' }), 'unsupported_format', 'Format csv is not available for BALANCE');
    assert.equal(await (await read()).text(), '0.00');
  });

  test('a new tenant has a zero balance', async () => {
    const res = await read();
    assert.equal(res.headers.get('content-type'), 'text/html; charset=UTF-8');
    assert.equal(await res.text(), '0.00');
    assert.equal(await (await read({ format: 'json' })).json(), 0);
  });

  test('adding answers OK and the new balance; negative amounts subtract', async () => {
    assert.equal(await (await add('10.5', { description: 'top-up' })).text(), 'OK|10.50|');
    assert.equal(await (await add('-2.25')).text(), 'OK|8.25|');
    assert.equal(await (await add('+0.0001')).text(), 'OK|8.2501|');
    assert.equal(await (await add('-20')).text(), 'OK|-11.7499|');
    assert.equal(await (await read()).text(), '-11.7499');
  });

  test('json answers', async () => {
    const res = await add('12.5', { format: 'json' });
    assert.equal(res.headers.get('content-type'), 'application/json; charset=UTF-8');
    assert.deepEqual(await res.json(), { result: 'OK', balance: 12.5 });
    const info = await read({ format: 'json' });
    assert.equal(info.headers.get('content-type'), 'application/json; charset=UTF-8');
    assert.equal(await info.json(), 12.5);
  });

  test('INFO balance is a bare number, the same bytes in plain and json (spec §2.12)', async () => {
    await add('12.5');
    assert.equal(await (await read()).text(), '12.50');
    assert.equal(await (await read({ format: 'json' })).text(), '12.50');
  });

  test('a huge amount is kept to the last digit or refused, never rounded', async () => {
    for (const amount of ['999999999999.9999', '-900719925474.0993']) {
      const res = await add(amount);
      const body = await res.text();
      if (res.headers.get('x-callgrid-error') === null) {
        assert.equal(body, `OK|${amount.replace(/^\+/, '')}|`);
        await add(amount.startsWith('-') ? amount.slice(1) : `-${amount}`);
      } else {
        assert.equal(res.headers.get('x-callgrid-error'), 'invalid_parameter');
        assert.match(body, new RegExp(`^Invalid amount '${amount.replace(/\./g, '\\.')}': `));
      }
      assert.equal(await (await read()).text(), '0.00');
    }
    assert.equal(await (await add('900719925474.0991')).text(), 'OK|900719925474.0991|');
  });

  test('a bad amount is refused and nothing is added', async () => {
    for (const amount of ['abc', '1e3', '1.23456', '1,5', '--1', '12345678901234']) {
      await expectError(await add(amount), 'invalid_parameter', `Invalid amount '${amount}': expected a number with at most 4 decimals, e.g. 10.50 or -2`);
    }
    await expectError(await h.get({ key: h.adminKey, tenant: 'ACME', reqtype: 'BALANCE' }), 'missing_parameter', 'No amount specified');
    assert.equal(await (await read()).text(), '0.00');
  });

  test('a description over 255 characters is refused', async () => {
    await expectError(await add('1', { description: 'd'.repeat(256) }), 'invalid_parameter', 'Invalid description: at most 255 characters');
    assert.equal(await (await read()).text(), '0.00');
  });

  test("each tenant has its own ledger", async () => {
    await add('10');
    assert.equal(await (await h.get({ key: h.adminKey, tenant: 'GLOBEX', reqtype: 'BALANCE', amount: '1' })).text(), 'OK|1.00|');
    assert.equal(await (await read()).text(), '10.00');
    assert.equal(await (await h.get({ key: h.globex.readOnlyKey, tenant: 'GLOBEX', reqtype: 'INFO', info: 'balance' })).text(), '1.00');
  });
});

describe('who may write the balance', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(() => h.close());
  const read = (key: string) => h.get({ key, tenant: 'ACME', reqtype: 'INFO', info: 'balance' });

  test("a tenant's own keys cannot credit its balance: BALANCE needs the admin API key", async () => {
    for (const key of [h.acme.fullKey, h.acme.readOnlyKey]) {
      await expectError(await h.get({ key, tenant: 'ACME', reqtype: 'BALANCE', amount: '1000000' }), 'admin_required', 'BALANCE needs the admin API key');
      await expectError(await h.post({ key, tenant: 'ACME', reqtype: 'BALANCE', amount: '-5' }), 'admin_required', 'BALANCE needs the admin API key');
    }
    assert.equal(await (await read(h.adminKey)).text(), '0.00');
  });

  test('the admin key writes; the tenant keys read what it wrote', async () => {
    assert.equal(await (await h.get({ key: h.adminKey, tenant: 'ACME', reqtype: 'BALANCE', amount: '25', description: 'top-up' })).text(), 'OK|25.00|');
    assert.equal(await (await read(h.acme.fullKey)).text(), '25.00');
    assert.equal(await (await read(h.acme.readOnlyKey)).text(), '25.00');
  });
});

describe('INFO balance between start and end', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
    const entries: Array<[string, string]> = [
      ['2026-11-01T10:00:00Z', '100'],
      ['2026-11-15T12:00:00Z', '20'],
      ['2026-11-15T23:59:59Z', '5'],
      ['2026-11-30T23:30:00Z', '3'],
    ];
    for (const [at, amount] of entries) {
      h.clock.set(at);
      await h.get({ key: h.adminKey, tenant: 'ACME', reqtype: 'BALANCE', amount });
    }
  });
  after(() => h.close());
  const read = (range: Record<string, string>) => h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'INFO', info: 'balance', ...range });

  test('without a range, the whole ledger', async () => {
    assert.equal(await (await read({})).text(), '128.00');
  });

  test('from a start date', async () => {
    assert.equal(await (await read({ start: '2026-11-10' })).text(), '28.00');
    assert.equal(await (await read({ start: '2026-11-30 23:30' })).text(), '3.00');
    assert.equal(await (await read({ start: '2026-11-30 23:30:01' })).text(), '0.00');
  });

  test('a date-only end covers the whole day', async () => {
    assert.equal(await (await read({ end: '2026-11-15' })).text(), '125.00');
    assert.equal(await (await read({ start: '2026-11-15', end: '2026-11-15' })).text(), '25.00');
  });

  test('an end with a time stops there', async () => {
    assert.equal(await (await read({ end: '2026-11-15 11:59:59' })).text(), '100.00');
    assert.equal(await (await read({ end: '2026-11-15 12:00' })).text(), '120.00');
  });

  test('json with a range is the bare number', async () => {
    assert.equal(await (await read({ start: '2026-11-10', end: '2026-11-20', format: 'json' })).json(), 25);
  });

  test('empty start and end are ignored', async () => {
    assert.equal(await (await read({ start: '', end: '' })).text(), '128.00');
  });

  test('bad dates are refused', async () => {
    await expectError(await read({ start: '15/11/2026' }), 'invalid_parameter', "Invalid start '15/11/2026': expected YYYY-MM-DD or YYYY-MM-DD HH:MM:SS");
    await expectError(await read({ end: '2026-02-30' }), 'invalid_parameter', "Invalid end '2026-02-30': no such date or time");
    await expectError(await read({ start: '2026-11-15 25:00' }), 'invalid_parameter', "Invalid start '2026-11-15 25:00': no such date or time");
    await expectError(await read({ start: '2026-11-15', end: '2026-11-01' }), 'invalid_parameter', "Invalid end '2026-11-01': it is before start '2026-11-15'");
  });
});
