// End-to-end: the installed `callgrid` command (`node bin/callgrid.js`) on a fresh
// data directory, its effects checked through a real `callgrid start` on the same
// store. One run on SQLite, and one on a throwaway PostgreSQL database when
// CALLGRID_TEST_PG_URL is set.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BAD_KEY_TEXT,
  BIN,
  api,
  cleanEnv,
  createScratchDatabase,
  eventually,
  freePort,
  runCli,
  spawnChild,
  stopAll,
  tempDir,
  type Child,
  type CliResult,
} from './process.ts';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const KEY_LINE = /^[0-9a-f]{64}$/;
const ANY_KEY = /[0-9a-f]{64}/;
/** The lookup cache of a running server is 2 s by default: a change made by the CLI shows within it. */
const PROPAGATION_MS = 6_000;

/** Non-empty lines of an output. */
const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

function assertOk(result: CliResult, what: string): void {
  assert.equal(result.code, 0, `${what}: exit ${String(result.code)}\n${result.stdout}\n${result.stderr}`);
}

/** A failure the README promises: a non-zero exit and one line on stderr. */
function assertFails(result: CliResult, pattern: RegExp): void {
  assert.notEqual(result.code, 0, `expected a failure:\n${result.stdout}\n${result.stderr}`);
  assert.equal(result.signal, null);
  const errorLines = lines(result.stderr);
  assert.equal(errorLines.length, 1, `one line on stderr:\n${result.stderr}`);
  assert.match(errorLines[0] ?? '', /^callgrid: /);
  assert.match(errorLines[0] ?? '', pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

function tenantKeys(result: CliResult): { full: string; readOnly: string } {
  const full = /^\s+full\s+([0-9a-f]{64})$/m.exec(result.stdout)?.[1];
  const readOnly = /^\s+read-only\s+([0-9a-f]{64})$/m.exec(result.stdout)?.[1];
  assert.ok(full && readOnly, `two keys printed:\n${result.stdout}`);
  assert.notEqual(full, readOnly);
  return { full, readOnly };
}

function printedKey(result: CliResult): string {
  assertOk(result, 'key command');
  const out = lines(result.stdout);
  assert.equal(out.length, 1, `only the key on stdout:\n${result.stdout}`);
  assert.match(out[0] ?? '', KEY_LINE);
  return out[0] ?? '';
}

/** Rows of a printed table as column → value maps. */
function table(stdout: string): Array<Record<string, string>> {
  const [header = '', ...rows] = lines(stdout);
  const columns = [...header.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ name: m[0], at: m.index }));
  return rows.map((row) =>
    Object.fromEntries(columns.map((column, i) => [column.name, row.slice(column.at, columns[i + 1]?.at ?? row.length).trim()])),
  );
}

interface StartedServer {
  readonly child: Child;
  readonly base: string;
}

/** `callgrid start` on the same store as the CLI; the bad-key limit raised so that probes of revoked keys are not throttled. */
async function startServer(env: Record<string, string>, cwd: string): Promise<StartedServer> {
  const port = await freePort();
  const child = spawnChild('callgrid start', process.execPath, [BIN, 'start'], {
    cwd,
    env: cleanEnv({ ...env, CALLGRID_HTTP_PORT: String(port), CALLGRID_HTTP_HOST: '127.0.0.1', CALLGRID_AUTH_FAILURE_LIMIT: '1000' }),
  });
  await child.waitForOutput(/HTTP API\s+\S+\n[\s\S]*?\n\n/, START_TIMEOUT_MS);
  return { child, base: `http://127.0.0.1:${port}` };
}

/** Whether `key` is accepted for INFO config of `tenant` (`fresh`: past the lookup cache). */
async function works(base: string, key: string, tenant: string, fresh = false): Promise<boolean> {
  const res = await api(base, { key, tenant, reqtype: 'INFO', info: 'config', format: 'json', ...(fresh ? { cache: 'no' } : {}) });
  if (res.text === JSON.stringify(BAD_KEY_TEXT)) return false;
  assert.ok('maxextensions' in (JSON.parse(res.text) as object), res.text);
  return true;
}

describe('callgrid CLI on SQLite', () => {
  const data = tempDir('cli');
  const settings = { CALLGRID_DATA_DIR: data.path };
  const cli = (args: readonly string[], input?: string) => runCli(args, cleanEnv(settings), { cwd: data.path, ...(input === undefined ? {} : { input }) });
  const keys = { acmeFull: '', acmeReadOnly: '', admin: '', extraFull: '', rotatedFull: '' };
  let server: StartedServer | undefined;

  after(async () => {
    await stopAll();
    data.remove();
  });

  test('migrate makes the SQLite database in CALLGRID_DATA_DIR', async () => {
    const result = await cli(['migrate']);
    assertOk(result, 'migrate');
    assert.match(result.stdout, /^Applied: 0001-foundation/);
    assert.ok(existsSync(join(data.path, 'callgrid.db')), `callgrid.db in ${readdirSync(data.path).join(', ')}`);
    const again = await cli(['migrate']);
    assertOk(again, 'second migrate');
    assert.match(again.stdout, /up to date/);
  });

  test('tenant create ACME --name "Acme" prints the full and the read-only key', async () => {
    const result = await cli(['tenant', 'create', 'ACME', '--name', 'Acme']);
    assertOk(result, 'tenant create');
    const created = tenantKeys(result);
    keys.acmeFull = created.full;
    keys.acmeReadOnly = created.readOnly;
    assert.equal(result.stderr, '');
  });

  test('tenant list shows ACME', async () => {
    const result = await cli(['tenant', 'list']);
    assertOk(result, 'tenant list');
    const acme = table(result.stdout).find((row) => row.CODE === 'ACME');
    assert.ok(acme, result.stdout);
    assert.equal(acme.NAME, 'Acme');
    assert.equal(acme.DISABLED, '');
    assert.doesNotMatch(result.stdout, ANY_KEY);
  });

  test('tenant create of an existing code fails with one line, in any letter case', async () => {
    // Run side by side, as scripts may: concurrent CLI runs must not trip over the store.
    const [upper, lower] = await Promise.all([cli(['tenant', 'create', 'ACME']), cli(['tenant', 'create', 'acme'])]);
    assertFails(upper, /ACME.*exists/);
    assertFails(lower, /ACME.*exists/i);
  });

  test('tenant create bad-code fails clearly', async () => {
    assertFails(await cli(['tenant', 'create', 'bad-code']), /bad-code/);
    const list = await cli(['tenant', 'list']);
    assert.deepEqual(
      table(list.stdout).map((row) => row.CODE),
      ['ACME'],
    );
  });

  test('key create --scope admin prints an admin key', async () => {
    keys.admin = printedKey(await cli(['key', 'create', '--scope', 'admin']));
  });

  test('key create --scope full --tenant ACME prints another full key', async () => {
    keys.extraFull = printedKey(await cli(['key', 'create', '--scope', 'full', '--tenant', 'ACME']));
    assert.notEqual(keys.extraFull, keys.acmeFull);
  });

  test('key create --scope full without --tenant, a bad scope or an unknown tenant fail clearly', async () => {
    const [noTenant, readOnlyNoTenant, badScope, unknownTenant] = await Promise.all([
      cli(['key', 'create', '--scope', 'full']),
      cli(['key', 'create', '--scope', 'readonly']),
      cli(['key', 'create', '--scope', 'superuser', '--tenant', 'ACME']),
      cli(['key', 'create', '--scope', 'full', '--tenant', 'NOPE']),
    ]);
    assertFails(noTenant, /--tenant/);
    assertFails(readOnlyNoTenant, /--tenant/);
    assertFails(badScope, /superuser/);
    assertFails(unknownTenant, /NOPE/);
  });

  test('key list shows scopes and ...hints, never a key', async () => {
    const result = await cli(['key', 'list']);
    assertOk(result, 'key list');
    assert.doesNotMatch(result.stdout, ANY_KEY, 'no full key listed');
    for (const key of Object.values(keys).filter(Boolean)) assert.ok(!result.stdout.includes(key.slice(0, 16)), 'not even the start of a key');
    const rows = table(result.stdout).map((row) => `${row.SCOPE} ${row.TENANT} ${row['ENDS WITH']}`);
    assert.deepEqual(rows.sort(), [
      `admin - ...${keys.admin.slice(-4)}`,
      `full ACME ...${keys.acmeFull.slice(-4)}`,
      `full ACME ...${keys.extraFull.slice(-4)}`,
      `readonly ACME ...${keys.acmeReadOnly.slice(-4)}`,
    ].sort());

    const acme = await cli(['key', 'list', '--tenant', 'ACME']);
    assert.deepEqual(table(acme.stdout).map((row) => row.TENANT), ['ACME', 'ACME', 'ACME']);
  });

  test('a server started on this data directory accepts the keys the CLI made', async () => {
    server = await startServer(settings, data.path);
    assert.doesNotMatch(server.child.stdout(), ANY_KEY, 'an admin key exists: no first-start keys');
    assert.equal(await works(server.base, keys.acmeFull, 'ACME'), true);
    assert.equal(await works(server.base, keys.extraFull, 'ACME'), true);
    assert.equal(await works(server.base, keys.acmeReadOnly, 'ACME'), true);
    assert.equal(await works(server.base, keys.admin, 'ACME'), true);
  });

  test('key rotate --scope full --tenant ACME prints a new key; the old full keys stop working', async () => {
    assert.ok(server, 'server started');
    const result = await cli(['key', 'rotate', '--scope', 'full', '--tenant', 'ACME']);
    keys.rotatedFull = printedKey(result);
    assert.match(result.stderr, /Revoked 2 full key/);

    assert.equal(await works(server.base, keys.acmeFull, 'ACME', true), false, 'old key refused at once with cache=no');
    assert.equal(await works(server.base, keys.extraFull, 'ACME', true), false);
    await eventually(async () => !(await works(server!.base, keys.acmeFull, 'ACME')), PROPAGATION_MS, 'the old key is refused within the lookup cache time');
    assert.equal(await works(server.base, keys.rotatedFull, 'ACME'), true, 'the new key works');
    assert.equal(await works(server.base, keys.acmeReadOnly, 'ACME'), true, 'the read-only key is not touched');

    const list = table((await cli(['key', 'list', '--tenant', 'ACME'])).stdout).filter((row) => row.SCOPE === 'full');
    assert.deepEqual(list.map((row) => row['ENDS WITH']), [`...${keys.rotatedFull.slice(-4)}`]);
  });

  test('tenant disable ACME: its keys get the Too bad answer; enable brings them back', async () => {
    assert.ok(server, 'server started');
    const disabled = await cli(['tenant', 'disable', 'ACME']);
    assertOk(disabled, 'tenant disable');
    assert.match(disabled.stdout, /ACME disabled/);
    const row = table((await cli(['tenant', 'list'])).stdout).find((r) => r.CODE === 'ACME');
    assert.notEqual(row?.DISABLED ?? '', '', 'tenant list shows it disabled');

    await eventually(async () => !(await works(server!.base, keys.rotatedFull, 'ACME')), PROPAGATION_MS, 'the disabled tenant key is refused');
    const plain = await api(server.base, { key: keys.rotatedFull, tenant: 'ACME', reqtype: 'INFO', info: 'config' });
    assert.equal(plain.text, `${BAD_KEY_TEXT}\n`);
    assert.equal(await works(server.base, keys.acmeReadOnly, 'ACME', true), false);

    assertOk(await cli(['tenant', 'enable', 'ACME']), 'tenant enable');
    await eventually(async () => works(server!.base, keys.rotatedFull, 'ACME'), PROPAGATION_MS, 'the enabled tenant key works again');
    assertFails(await cli(['tenant', 'disable', 'NOPE']), /NOPE/);
  });

  test('user create alice --password-stdin --tenant ACME, then user list', async () => {
    const password = 'stdin-Secret 42';
    const created = await cli(['user', 'create', 'alice', '--password-stdin', '--tenant', 'ACME'], `${password}\n`);
    assertOk(created, 'user create');
    assert.match(created.stdout, /alice created/);
    assert.ok(!created.stdout.includes(password) && !created.stderr.includes(password), 'the password is not echoed');

    const list = await cli(['user', 'list']);
    assertOk(list, 'user list');
    const alice = table(list.stdout).find((row) => row.USERNAME === 'alice');
    assert.ok(alice, list.stdout);
    assert.equal(alice.TENANTS, 'ACME');
    assert.ok(!list.stdout.includes(password));

    // The password read from stdin, without its newline, is the one that logs in.
    assert.ok(server, 'server started');
    const ok = await api(server.base, { key: keys.admin, reqtype: 'CHECKAUTH', username: 'alice', password });
    assert.match(ok.text, /^OK\|\d+\|alice\|\|ACME\|/, ok.text);
    const withNewline = await api(server.base, { key: keys.admin, reqtype: 'CHECKAUTH', username: 'alice', password: `${password}\n` });
    assert.doesNotMatch(withNewline.text, /^OK/);

    assertFails(await cli(['user', 'create', 'alice', '--password-stdin'], 'other\n'), /alice/);
  });

  test('user create --password-stdin with nothing on stdin fails instead of making a user without a password', async () => {
    assertFails(await cli(['user', 'create', 'bob', '--password-stdin'], ''), /password/i);
    const list = await cli(['user', 'list']);
    assert.equal(table(list.stdout).find((row) => row.USERNAME === 'bob'), undefined, 'no user bob');
  });

  test('an unknown command fails with a non-zero exit, naming it', async () => {
    const result = await cli(['frobnicate']);
    assert.notEqual(result.code, 0);
    assert.equal(result.stdout, '');
    assert.match(lines(result.stderr)[0] ?? '', /^callgrid: .*unknown command 'frobnicate'/);
  });

  test('drain --wait: the server of this data directory drains (no calls: at once), exits 0 and removes its pid file', async () => {
    assert.ok(server, 'server started');
    const pidFile = join(data.path, 'callgrid.pid');
    assert.ok(existsSync(pidFile), 'callgrid start wrote its pid file');
    const drained = await cli(['drain', '--wait']);
    assertOk(drained, 'drain');
    assert.match(drained.stdout, /is draining[\s\S]*has stopped/);
    assert.deepEqual(await server.child.waitForExit(15_000), { code: 0, signal: null });
    assert.match(server.child.stdout(), /draining: new calls are refused/);
    assert.ok(!existsSync(pidFile), 'the pid file is gone');
    assertFails(await cli(['drain']), /No running node/);
  });
});

const pgUrl = process.env.CALLGRID_TEST_PG_URL;

describe('callgrid CLI and start on PostgreSQL', { skip: pgUrl ? false : 'CALLGRID_TEST_PG_URL is not set' }, () => {
  const data = tempDir('cli-pg');
  let database: { url: string; drop(): Promise<void> } | undefined;
  const settings: Record<string, string> = { CALLGRID_DATA_DIR: data.path };
  const cli = (args: readonly string[]) => runCli(args, cleanEnv(settings), { cwd: data.path });

  before(async () => {
    database = await createScratchDatabase(pgUrl ?? '');
    settings.CALLGRID_DATABASE_URL = database.url;
  });

  after(async () => {
    try {
      await stopAll();
    } finally {
      await database?.drop();
      data.remove();
    }
  });

  test('migrate, tenant create, key rotate, start and disable work on a fresh database', async () => {
    assertOk(await cli(['migrate']), 'migrate');
    const created = await cli(['tenant', 'create', 'ACME', '--name', 'Acme']);
    assertOk(created, 'tenant create');
    const acme = tenantKeys(created);
    assertFails(await cli(['tenant', 'create', 'ACME']), /ACME.*exists/);
    const rotated = printedKey(await cli(['key', 'rotate', '--scope', 'full', '--tenant', 'ACME']));
    assert.equal(table((await cli(['tenant', 'list'])).stdout)[0]?.CODE, 'ACME');

    // No admin key yet: this start is the first one, on PostgreSQL.
    const server = await startServer(settings, data.path);
    try {
      const stdout = server.child.stdout();
      assert.match(stdout, /store: postgres/);
      assert.match(stdout, /Admin key\s+[0-9a-f]{64}/);
      assert.ok(existsSync(join(data.path, 'credentials.json')));
      assert.ok(!existsSync(join(data.path, 'callgrid.db')), 'no SQLite file when CALLGRID_DATABASE_URL is set');

      assert.equal(await works(server.base, rotated, 'ACME'), true);
      assert.equal(await works(server.base, acme.full, 'ACME', true), false, 'the rotated-away key is refused');
      assert.equal(await works(server.base, acme.readOnly, 'ACME'), true);

      assertOk(await cli(['tenant', 'disable', 'ACME']), 'tenant disable');
      assert.equal(await works(server.base, rotated, 'ACME', true), false, 'a disabled tenant key is refused');
      const list = table((await cli(['key', 'list'])).stdout);
      assert.deepEqual(list.map((row) => row.SCOPE).sort(), ['admin', 'full', 'full', 'readonly', 'readonly']);
    } finally {
      await server.child.stop(STOP_TIMEOUT_MS);
    }
    assert.equal(server.child.exited()?.code, 0, 'the server stopped cleanly');
  });
});
