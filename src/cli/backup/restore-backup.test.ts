// restoreBackup refuses crafted archives (tar-slip: '..', absolute paths, links) and non-empty folders
// before writing anything, and restores a well-formed one.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Header } from 'tar';
import { restoreBackup } from './restore-backup.ts';

const root = mkdtempSync(join(tmpdir(), 'callgrid-restore-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface Entry {
  readonly path: string;
  readonly type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link';
  readonly body?: string;
  readonly linkpath?: string;
}

const MANIFEST: Entry = { path: 'callgrid-backup.json', body: JSON.stringify({ format: 'callgrid-backup', version: 1, created: '2026-01-01T00:00:00Z', node: 'n1', database: 'none' }) };

/** A tar file written header by header, so it can hold what no honest packer writes. */
function archive(name: string, entries: readonly Entry[]): string {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const type = entry.type ?? 'File';
    const header = new Header({ path: entry.path, type, size: type === 'File' ? body.length : 0, mode: type === 'Directory' ? 0o755 : 0o644, mtime: new Date(0), ...(entry.linkpath ? { linkpath: entry.linkpath } : {}) });
    header.encode();
    blocks.push(header.block ?? Buffer.alloc(0));
    if (type === 'File' && body.length > 0) blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  const file = join(root, `${name}.tar`);
  writeFileSync(file, Buffer.concat(blocks));
  return file;
}

let folders = 0;
/** A new data folder inside a parent, so anything escaping it shows up in the parent. */
function target(): { parent: string; dataDir: string } {
  const parent = join(root, `t${++folders}`);
  mkdirSync(parent);
  return { parent, dataDir: join(parent, 'data') };
}

async function assertRefused(file: string, pattern: RegExp): Promise<void> {
  const { parent, dataDir } = target();
  await assert.rejects(restoreBackup(file, { dataDir, databaseUrl: `sqlite:${join(dataDir, 'callgrid.db')}` }), pattern);
  assert.deepEqual(readdirSync(parent), [], 'nothing written, in the folder or beside it');
}

describe('callgrid restore', () => {
  test('a well-formed archive lands in the new folder (and its manifest is not copied there)', async () => {
    const file = archive('good', [MANIFEST, { path: 'tenants/', type: 'Directory' }, { path: 'tenants/1/', type: 'Directory' }, { path: 'tenants/1/media/', type: 'Directory' }, { path: 'tenants/1/media/3.wav', body: 'RIFF audio' }]);
    const { dataDir } = target();
    const summary = await restoreBackup(file, { dataDir, databaseUrl: `sqlite:${join(dataDir, 'callgrid.db')}` });
    assert.equal(summary.files, 1);
    assert.equal(summary.database, undefined);
    assert.equal(readFileSync(join(dataDir, 'tenants/1/media/3.wav'), 'utf8'), 'RIFF audio');
    assert.deepEqual(readdirSync(dataDir), ['tenants']);
  });

  test("an entry climbing out with '..' is refused", async () => {
    await assertRefused(archive('dotdot', [MANIFEST, { path: 'tenants/1/../../../escaped.txt', body: 'x' }]), /Refusing backup file .*'tenants\/1\/\.\.\/\.\.\/\.\.\/escaped\.txt' climbs out/);
  });

  test('an absolute path is refused', async () => {
    await assertRefused(archive('absolute', [MANIFEST, { path: `${root}/absolute.txt`, body: 'x' }]), /has an absolute path/);
    assert.equal(existsSync(join(root, 'absolute.txt')), false);
  });

  test('a symlink, then a file written through it, is refused', async () => {
    const outside = join(root, 'outside');
    mkdirSync(outside);
    const file = archive('symlink', [MANIFEST, { path: 'tenants/', type: 'Directory' }, { path: 'tenants/1', type: 'SymbolicLink', linkpath: outside }, { path: 'tenants/1/pwned.txt', body: 'x' }]);
    await assertRefused(file, /'tenants\/1' is a SymbolicLink entry/);
    assert.deepEqual(readdirSync(outside), []);
  });

  test('a hard link to a file outside is refused', async () => {
    await assertRefused(archive('hardlink', [MANIFEST, { path: 'tenants/', type: 'Directory' }, { path: 'tenants/passwd', type: 'Link', linkpath: '/etc/passwd' }]), /is a Link entry/);
  });

  test('names a backup never writes are refused, and so is an archive without a manifest', async () => {
    await assertRefused(archive('stranger', [MANIFEST, { path: 'credentials.json', body: '{}' }]), /'credentials\.json' is not part of a Callgrid backup/);
    await assertRefused(archive('no-manifest', [{ path: 'tenants/', type: 'Directory' }]), /is not a Callgrid backup/);
    const junk = join(root, 'junk.tar.gz');
    writeFileSync(junk, 'not an archive at all, just text that is long enough to be looked at as a header block '.repeat(10));
    await assertRefused(junk, /not a readable tar archive|not a Callgrid backup/);
  });

  test('a non-empty data folder is refused and left as it was', async () => {
    const file = archive('good2', [MANIFEST]);
    const { dataDir } = target();
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'keep.txt'), 'mine');
    await assert.rejects(restoreBackup(file, { dataDir, databaseUrl: `sqlite:${join(dataDir, 'callgrid.db')}` }), /--data-dir .* is not empty/);
    assert.deepEqual(readdirSync(dataDir), ['keep.txt']);
  });

  test('a missing backup file is named in the error', async () => {
    const { dataDir } = target();
    await assert.rejects(restoreBackup(join(root, 'nope.tar.gz'), { dataDir, databaseUrl: 'sqlite::memory:' }), /Backup file .*nope\.tar\.gz not found/);
  });
});
