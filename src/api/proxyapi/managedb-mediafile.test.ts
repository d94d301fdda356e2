// MANAGEDB mediafile's audio (spec §3.4.14, §3.1) and MEDIAFILE getaudio (§2.19): a multipart upload is
// stored under the tenant's own folder, served back byte for byte with its type, and never to another tenant.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHarness, expectError, type Harness, type TenantKeys } from '../../../test/support/api-harness.ts';

type Row = Record<string, string | null>;

/** A valid 8 kHz mono 16-bit PCM WAV of `samples` samples. */
function wav(samples: number): Uint8Array {
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(8000 * Math.sin(i / 3)), i * 2);
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
  return new Uint8Array(Buffer.concat([header, data]));
}

describe('MANAGEDB mediafile audio', () => {
  let h: Harness;
  let dataDir: string;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'callgrid-media-'));
    h = await createHarness({ CALLGRID_DATA_DIR: dataDir });
  });
  afterEach(async () => {
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const query = (t: TenantKeys, params: Record<string, string>) => new URLSearchParams({ key: t.fullKey, tenant: t.code, ...params }).toString();
  const db = (t: TenantKeys, action: string, params: Record<string, string> = {}) =>
    h.post({ key: t.fullKey, tenant: t.code, reqtype: 'MANAGEDB', object: 'mediafile', action, ...params });
  const upload = (t: TenantKeys, id: string, bytes: Uint8Array | string, name = 'audio.wav', field = 'filename') => {
    const form = new FormData();
    form.set(field, typeof bytes === 'string' ? bytes : new Blob([bytes]), ...(typeof bytes === 'string' ? [] : [name]) as [string?]);
    return h.runtime.app.request(`/pbx/proxyapi.php?${query(t, { reqtype: 'MANAGEDB', object: 'mediafile', action: 'updatebinary', objectid: id })}`, { method: 'POST', body: form });
  };
  const ok = async (res: Response): Promise<Row> => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return (await res.json()) as Row;
  };
  const create = async (t: TenantKeys, name = 'Beep') => ok(await db(t, 'add', { jsondata: JSON.stringify({ me_name: name }) }));

  test('upload a WAV, read the same bytes back with getbinary and getaudio; the file lies in the tenant folder', async () => {
    const row = await create(h.acme);
    const id = String(row.me_id);
    const audio = wav(8000);
    const uploaded = await ok(await upload(h.acme, id, audio));
    assert.equal(uploaded.me_format, 'wav');
    assert.equal(uploaded.me_size, String(audio.length));
    assert.equal(uploaded.me_md5, createHash('md5').update(audio).digest('hex'));
    assert.equal(uploaded.me_name, 'Beep');

    const path = join(dataDir, 'tenants', String(h.acme.id), 'media', `${id}.wav`);
    assert.deepEqual(new Uint8Array(readFileSync(path)), audio);

    const got = await db(h.acme, 'getbinary', { objectid: id });
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('content-type'), 'audio/wav');
    assert.deepEqual(new Uint8Array(await got.arrayBuffer()), audio);

    const viaReqtype = await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'MEDIAFILE', action: 'GETAUDIO', objectid: id });
    assert.equal(viaReqtype.headers.get('content-type'), 'audio/wav');
    assert.deepEqual(new Uint8Array(await viaReqtype.arrayBuffer()), audio);
    // Read-only keys may listen.
    const ro = await h.get({ key: h.acme.readOnlyKey, tenant: 'ACME', reqtype: 'MEDIAFILE', action: 'getaudio', objectid: id });
    assert.equal(ro.headers.get('content-type'), 'audio/wav');
  });

  test('another tenant can neither fetch nor replace the audio', async () => {
    const row = await create(h.acme);
    const id = String(row.me_id);
    await ok(await upload(h.acme, id, wav(100)));
    await expectError(await db(h.globex, 'getbinary', { objectid: id }), 'not_found', `Media file ${id} not found`);
    await expectError(await h.get({ key: h.globex.fullKey, tenant: 'GLOBEX', reqtype: 'MEDIAFILE', action: 'getaudio', objectid: id }), 'not_found', `Media file ${id} not found`);
    await expectError(await upload(h.globex, id, wav(50)), 'not_found', `Media file ${id} not found`);
    // Globex's own media file 2 is stored in Globex's folder.
    const theirs = await create(h.globex, 'Theirs');
    await ok(await upload(h.globex, String(theirs.me_id), wav(10)));
    assert.ok(existsSync(join(dataDir, 'tenants', String(h.globex.id), 'media', `${String(theirs.me_id)}.wav`)));
    assert.equal((await (await db(h.acme, 'getbinary', { objectid: id })).arrayBuffer()).byteLength, 44 + 200);
  });

  test('the stored name comes from the id, never from the uploaded file name', async () => {
    const row = await create(h.acme);
    await ok(await upload(h.acme, String(row.me_id), wav(10), '../../../../etc/evil.wav'));
    assert.ok(existsSync(join(dataDir, 'tenants', String(h.acme.id), 'media', '1.wav')));
    assert.equal(existsSync(join(dataDir, 'etc')), false);
  });

  test('a new upload of another format replaces the old file; delete removes row and file', async () => {
    const row = await create(h.acme);
    const folder = join(dataDir, 'tenants', String(h.acme.id), 'media');
    await ok(await upload(h.acme, '1', wav(10)));
    // A real MP3: uploads are converted for the relay, so audio that does not decode is refused.
    const mp3 = new Uint8Array(readFileSync(new URL('../../../test/fixtures/audio/tone-1k-44k-stereo.mp3', import.meta.url)));
    const replaced = await ok(await upload(h.acme, '1', mp3, 'song.mp3'));
    assert.equal(replaced.me_format, 'mp3');
    assert.equal(existsSync(join(folder, '1.wav')), false);
    // What the PBX plays: the upload converted to 8 kHz mono 16-bit WAV, beside the original.
    assert.equal(readFileSync(join(folder, '1.8k.wav')).readUInt32LE(24), 8000);
    const got = await db(h.acme, 'getbinary', { objectid: '1' });
    assert.equal(got.headers.get('content-type'), 'audio/mpeg');
    assert.deepEqual(new Uint8Array(await got.arrayBuffer()), mp3);
    assert.deepEqual(await ok(await db(h.acme, 'delete', { objectid: String(row.me_id) })), { result: 'OK', deleted: '1' });
    assert.equal(existsSync(join(folder, '1.mp3')), false);
    assert.equal(existsSync(join(folder, '1.8k.wav')), false);
  });

  test('bad uploads are refused with a clear error, and nothing is stored', async () => {
    await create(h.acme);
    await expectError(await db(h.acme, 'updatebinary', { objectid: '1' }), 'missing_parameter', 'No filename specified');
    await expectError(await upload(h.acme, '1', 'not a file'), 'missing_parameter', 'No filename specified: send it as a multipart/form-data file, not as text');
    await expectError(await upload(h.acme, '1', new Uint8Array(0)), 'invalid_parameter', 'Invalid filename for media file: the file is empty');
    await expectError(
      await upload(h.acme, '1', new TextEncoder().encode('<?php system($_GET[1]); ?>'), 'x.wav'),
      'invalid_parameter',
      'Invalid filename for media file: unrecognised audio (the name says wav, the content is not); expected WAV, MP3 or OGG, or a .gsm/.ulaw/.alaw/.sln file',
    );
    const big = wav(520_000);
    await expectError(await upload(h.acme, '1', big), 'invalid_parameter', `Invalid filename for media file: ${big.length} bytes is over the limit of 1032192 bytes`);
    await expectError(await db(h.acme, 'getbinary', { objectid: '1' }), 'not_found', 'Media file 1 has no audio yet; upload it with updatebinary');
    await expectError(await upload(h.acme, '2', wav(10)), 'not_found', 'Media file 2 not found');
    assert.equal(existsSync(join(dataDir, 'tenants')), false);
    const ro = await h.runtime.app.request(`/pbx/proxyapi.php?${new URLSearchParams({ key: h.acme.readOnlyKey, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'mediafile', action: 'updatebinary', objectid: '1' })}`, { method: 'POST', body: new FormData() });
    assert.equal(ro.headers.get('x-callgrid-error'), 'read_only_key');
    await expectError(await h.get({ key: h.acme.fullKey, tenant: 'ACME', reqtype: 'MEDIAFILE', action: 'list' }), 'unknown_action', 'Unknown action list for MEDIAFILE: expected getaudio');
  });

  test('a media file in use by a queue cannot be deleted; the audio stays', async () => {
    await create(h.acme);
    await ok(await upload(h.acme, '1', wav(10)));
    await h.runtime.services.objects.create('queue', h.acme.id, { qu_name: 'Support', qu_thankyou_me_id: 1 });
    await expectError(await db(h.acme, 'delete', { objectid: '1' }), 'conflict', 'Media file Beep is in use by queue Support (qu_thankyou_me_id); change those first');
    assert.ok(existsSync(join(dataDir, 'tenants', String(h.acme.id), 'media', '1.wav')));
  });
});
