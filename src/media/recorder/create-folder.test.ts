// createFolder: makes the missing levels, accepts existing ones, and ends with an error (never spins) elsewhere.
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createFolder } from './create-folder.ts';
import { tempDir } from './recorder.test-support.ts';

test('makes every missing level and accepts folders that exist', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const deep = join(dir, 'a', 'b', 'c');
    await createFolder(deep);
    await createFolder(deep);
    assert.ok((await stat(deep)).isDirectory());
  } finally {
    await cleanup();
  }
});

test('a file in the way or a folder that refuses children is an error', async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await writeFile(join(dir, 'file'), '');
    await assert.rejects(createFolder(join(dir, 'file', 'sub')), { code: 'ENOTDIR' });
    await assert.rejects(createFolder(join(dir, 'file')), { code: 'ENOTDIR' });
    // Node's own recursive mkdir never settles on this one.
    await assert.rejects(createFolder('/proc/self/no-such-folder/x'), { code: 'ENOENT' });
  } finally {
    await cleanup();
  }
});
