// End-to-end: `callgrid backup` of a running node while provisioning and CDR writes go on, `callgrid restore`
// into a fresh folder, and the restored store holding the same tenants, extensions, CDRs and media bytes.
// On PostgreSQL (CALLGRID_TEST_PG_URL) the backup says to use pg_dump and still archives the folders.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { buildRuntime, type Runtime } from '../../src/main.ts';
import { createLogger } from '../../src/shared/index.ts';
import { startPbxServer, type PbxServer } from './pbx-server.ts';
import { api, cleanEnv, createScratchDatabase, runCli, stopAll, tempDir, type CliResult } from './process.ts';

const TENANTS = ['ACME', 'GLOBEX'] as const;
type Code = (typeof TENANTS)[number];

function assertOk(result: CliResult, what: string): void {
  assert.equal(result.code, 0, `${what}: exit ${String(result.code)}\n${result.stdout}\n${result.stderr}`);
}

/** A valid 8 kHz mono 16-bit PCM WAV whose samples depend on `seed`, so two tenants' files differ. */
function wav(samples: number, seed: number): Buffer {
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(8000 * Math.sin(i / (3 + seed))), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** The store of a data folder, opened in this process as the CLI opens it (a second connection beside the server's). */
function openRuntime(dataDir: string): Promise<Runtime> {
  return buildRuntime(loadConfig({ CALLGRID_DATA_DIR: dataDir, CALLGRID_DEMO_TENANT: '' }, dataDir), { logger: createLogger('silent') });
}

describe('callgrid backup and restore on SQLite', () => {
  const data = tempDir('backup');
  const live = join(data.path, 'live');
  const restored = join(data.path, 'restored');
  const archive = join(data.path, 'node.tar.gz');
  const keys: Record<string, string> = {};
  let server: PbxServer;
  let writer: Runtime | undefined;
  let copy: Runtime | undefined;

  const post = async (params: Record<string, string>): Promise<Record<string, string>> => {
    const answer = await api(server.base, {}, { method: 'POST', body: new URLSearchParams(params) });
    assert.equal(answer.headers.get('x-callgrid-error'), null, answer.text);
    return JSON.parse(answer.text) as Record<string, string>;
  };
  const managedb = (code: Code, object: string, action: string, params: Record<string, string>) =>
    post({ key: keys[code] ?? '', tenant: code, reqtype: 'MANAGEDB', object, action, ...params });

  before(async () => {
    server = await startPbxServer({ dataDir: live, mediaAddress: '127.0.0.1' });
  });

  after(async () => {
    await writer?.close();
    await copy?.close();
    await stopAll();
    data.remove();
  });

  test('a backup taken under load restores the same tenants, extensions, CDRs and media into a fresh folder', async () => {
    const media: Record<string, { id: string; bytes: Buffer }> = {};
    for (const [i, code] of TENANTS.entries()) {
      keys[code] = (await post({ key: server.adminKey, reqtype: 'MANAGEDB', object: 'tenant', action: 'add', jsondata: JSON.stringify({ te_code: code, te_name: code }) })).apikey ?? '';
      for (const number of ['100', '101']) await managedb(code, 'extension', 'add', { jsondata: JSON.stringify({ ex_number: number, ex_name: `${code} ${number}` }) });
      const row = await managedb(code, 'mediafile', 'add', { jsondata: JSON.stringify({ me_name: 'Greeting' }) });
      const bytes = wav(4000, i);
      const form = new FormData();
      form.set('filename', new Blob([bytes]), 'greeting.wav');
      const query = new URLSearchParams({ key: keys[code] ?? '', tenant: code, reqtype: 'MANAGEDB', object: 'mediafile', action: 'updatebinary', objectid: row.me_id ?? '' });
      const uploaded = await fetch(`${server.base}/pbx/proxyapi.php?${query.toString()}`, { method: 'POST', body: form });
      assert.equal(uploaded.headers.get('x-callgrid-error'), null, await uploaded.text());
      media[code] = { id: row.me_id ?? '', bytes };
    }
    // CDRs come from calls; writing rows through the store (as the CDR writer does) keeps this test call-free.
    writer = await openRuntime(live);
    const tenantId = async (code: Code) => (await writer?.store.tenants.getByCode(code))?.te_id ?? 0;
    const acmeId = await tenantId('ACME');
    for (const code of TENANTS) {
      const id = await tenantId(code);
      for (let n = 0; n < 5; n++) await writer.store.cdrs.insert(id, { accountcode: code, start: '2026-03-01 10:00:00', uniqueid: `before-${code}-${n}`, src: '100', dst: '101' });
    }

    // Provisioning and CDR writes go on, one after the other, for as long as the backup runs.
    let stop = false;
    let churned = 0;
    const churn = (async () => {
      while (!stop) {
        await managedb('ACME', 'extension', 'add', { jsondata: JSON.stringify({ ex_number: String(200 + churned), ex_name: 'churn' }) });
        await writer?.store.cdrs.insert(acmeId, { accountcode: 'ACME', start: '2026-03-02 10:00:00', uniqueid: `during-${churned}`, src: '100' });
        churned += 1;
      }
    })();
    const backup = await runCli(['backup', archive], cleanEnv({ CALLGRID_DATA_DIR: live }));
    stop = true;
    await churn;
    assertOk(backup, 'backup');
    assert.match(backup.stdout, /Backup written to .*node\.tar\.gz \(database and \d+ data files from .*live\)/);
    assert.ok(churned > 0, 'writes ran while the backup was taken');

    const restore = await runCli(['restore', archive, '--data-dir', restored], cleanEnv({}));
    assertOk(restore, 'restore');
    assert.match(restore.stdout, /Database: .*restored\/callgrid\.db/);
    const again = await runCli(['restore', archive, '--data-dir', restored], cleanEnv({}));
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /^callgrid: --data-dir .*restored is not empty/m);

    copy = await openRuntime(restored);
    const source = writer;
    const codes = (runtime: Runtime) => runtime.store.tenants.list().then((rows) => rows.map((t) => t.te_code).sort());
    assert.deepEqual(await codes(copy), await codes(source));
    for (const code of TENANTS) {
      const id = await tenantId(code);
      const numbers = async (runtime: Runtime) => (await runtime.store.objects('extension').list(id)).map((row) => String(row.ex_number));
      const liveNumbers = await numbers(source);
      const copyNumbers = await numbers(copy);
      assert.ok(copyNumbers.includes('100') && copyNumbers.includes('101'), `${code}: ${copyNumbers.join(',')}`);
      assert.ok(copyNumbers.every((n) => liveNumbers.includes(n)), `${code}: every restored extension is a live one`);
      const cdrs = (await copy.store.cdrs.list({ tenantIds: [id] })).map((row) => row.uniqueid);
      for (let n = 0; n < 5; n++) assert.ok(cdrs.includes(`before-${code}-${n}`), `${code}: CDR before-${code}-${n} restored`);
      if (code === 'ACME') {
        // One snapshot: extension k is added before CDR k, so the copy holds k extensions and k or k-1 CDRs.
        const extensions = copyNumbers.filter((n) => Number(n) >= 200).length;
        const during = cdrs.filter((u) => u.startsWith('during-')).length;
        assert.ok(during === extensions || during === extensions - 1, `consistent snapshot: ${extensions} churn extensions, ${during} churn CDRs`);
      }
      // The restored node serves the same bytes to the same key: key hashes and media files came back together.
      const entry = media[code];
      const query = new URLSearchParams({ key: keys[code] ?? '', tenant: code, reqtype: 'MANAGEDB', object: 'mediafile', action: 'getbinary', objectid: entry?.id ?? '' });
      const got = await copy.app.request(`/pbx/proxyapi.php?${query.toString()}`);
      assert.equal(got.status, 200, await got.clone().text());
      assert.deepEqual(Buffer.from(await got.arrayBuffer()), entry?.bytes);
    }
  });
});

describe('callgrid backup on PostgreSQL', { skip: process.env.CALLGRID_TEST_PG_URL ? false : 'CALLGRID_TEST_PG_URL is not set' }, () => {
  test('says to use pg_dump for the database and still archives the tenant folders', async () => {
    const scratch = await createScratchDatabase(process.env.CALLGRID_TEST_PG_URL ?? '');
    const data = tempDir('backup-pg');
    try {
      const live = join(data.path, 'live');
      mkdirSync(join(live, 'tenants', '1', 'media'), { recursive: true });
      writeFileSync(join(live, 'tenants', '1', 'media', '7.wav'), wav(100, 1));
      const env = { CALLGRID_DATABASE_URL: scratch.url };
      const archive = join(data.path, 'folders.tar.gz');
      const backup = await runCli(['backup', archive], cleanEnv({ ...env, CALLGRID_DATA_DIR: live }));
      assertOk(backup, 'backup');
      assert.match(backup.stdout, /PostgreSQL: back it up with pg_dump/);
      const restore = await runCli(['restore', archive, '--data-dir', join(data.path, 'restored')], cleanEnv(env));
      assertOk(restore, 'restore');
      assert.match(restore.stdout, /holds no database \(PostgreSQL\)/);
      assert.deepEqual(readdirSync(join(data.path, 'restored', 'tenants', '1', 'media')), ['7.wav']);
    } finally {
      data.remove();
      await scratch.drop();
    }
  });
});
