// The database copy of `callgrid backup`: a readable SQLite copy with the rows written so far; PostgreSQL left to pg_dump.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/index.ts';
import { DatabaseBackupService } from './database-backup-service.ts';

const dir = mkdtempSync(join(tmpdir(), 'callgrid-db-backup-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('SQLite: the copy opens as a store holding the rows of the open one', async () => {
  const url = `sqlite:${join(dir, 'live.db')}`;
  const live = openStore(url);
  await live.migrate();
  await live.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-03-01 10:00:00');
  try {
    const copy = new DatabaseBackupService(live).copyDatabase(url, join(dir, 'copy.db'));
    assert.deepEqual(copy, { copied: true });
  } finally {
    await live.close();
  }
  const restored = openStore(`sqlite:${join(dir, 'copy.db')}`);
  try {
    assert.equal((await restored.tenants.getByCode('ACME'))?.te_name, 'Acme');
  } finally {
    await restored.close();
  }
});

test('SQLite: an existing target is an error, not an overwrite', async () => {
  const url = `sqlite:${join(dir, 'live2.db')}`;
  const live = openStore(url);
  await live.migrate();
  await live.close();
  const service = new DatabaseBackupService({ dialect: 'sqlite' });
  service.copyDatabase(url, join(dir, 'twice.db'));
  assert.throws(() => service.copyDatabase(url, join(dir, 'twice.db')), /twice\.db|exists|output file/i);
});

test('SQLite: a missing database file is named, and no empty one is made', () => {
  const missing = join(dir, 'nothing-here.db');
  assert.throws(() => new DatabaseBackupService({ dialect: 'sqlite' }).copyDatabase(`sqlite:${missing}`, join(dir, 'x.db')), /No database at .*nothing-here\.db/);
  assert.equal(existsSync(missing), false);
});

test('PostgreSQL: nothing is copied, and the reason says pg_dump', () => {
  const copy = new DatabaseBackupService({ dialect: 'postgres' }).copyDatabase('postgres://u@h/db', join(dir, 'pg.db'));
  assert.equal(copy.copied, false);
  assert.match(copy.copied ? '' : copy.reason, /pg_dump/);
  assert.equal(existsSync(join(dir, 'pg.db')), false);
});
