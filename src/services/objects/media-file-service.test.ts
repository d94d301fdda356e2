// MediaFileService over a real in-memory store and a temporary data dir: format detection, the size
// limit, paths built from ids only, and tenant scoping of the audio.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, PbxError } from '../../shared/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { MediaFileService, detectAudioFormat } from './media-file-service.ts';
import { normalizeMac } from './app-rules.ts';

const bytes = (text: string, extra = 8) => new Uint8Array([...Buffer.from(text, 'latin1'), ...new Array<number>(extra).fill(1)]);
const refused = (code: string, message: string) => (error: unknown) => error instanceof PbxError && error.code === code && error.message === message;

describe('detectAudioFormat', () => {
  test('headers decide; headerless formats go by extension', () => {
    assert.equal(detectAudioFormat(bytes('RIFF\0\0\0\0WAVEfmt '), 'x.mp3'), 'wav');
    assert.equal(detectAudioFormat(bytes('OggS'), 'x'), 'ogg');
    assert.equal(detectAudioFormat(bytes('ID3'), 'x'), 'mp3');
    assert.equal(detectAudioFormat(new Uint8Array([0xff, 0xfb, 0x90]), 'x'), 'mp3');
    assert.equal(detectAudioFormat(bytes('anything'), 'prompt.ULAW'), 'ulaw');
    assert.equal(detectAudioFormat(bytes('anything'), 'prompt.gsm'), 'gsm');
    assert.throws(() => detectAudioFormat(bytes('MZ\x90'), 'setup.exe'), refused('invalid_parameter', 'Invalid filename for media file: unrecognised audio; expected WAV, MP3 or OGG, or a .gsm/.ulaw/.alaw/.sln/.g722 file'));
  });
});

describe('MediaFileService', () => {
  let store: Store;
  let dir: string;
  let media: MediaFileService;
  let acme: number;
  let globex: number;
  const wav = bytes('RIFF\0\0\0\0WAVEfmt ', 20);

  beforeEach(async () => {
    store = openStore('sqlite::memory:');
    await store.migrate();
    dir = mkdtempSync(join(tmpdir(), 'callgrid-media-unit-'));
    media = new MediaFileService(store, new FakeClock('2026-11-27T10:00:00Z'), { dataDir: dir, maxBytes: 64 });
    acme = (await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-11-27 10:00:00')).te_id;
    globex = (await store.tenants.create({ te_code: 'GLOBEX', te_name: 'Globex' }, '2026-11-27 10:00:00')).te_id;
    await store.objects('mediafile').insert(acme, { me_name: 'Beep' });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('upload stores size, md5, format and date; audio reads it back for its tenant only', async () => {
    const row = await media.upload(acme, 1, wav, 'whatever');
    assert.deepEqual([row.me_format, row.me_size, row.me_datetime], ['wav', wav.length, '2026-11-27 10:00:00']);
    assert.match(String(row.me_md5), /^[0-9a-f]{32}$/);
    assert.ok(existsSync(join(dir, 'tenants', String(acme), 'media', '1.wav')));
    const audio = await media.audio(acme, 1);
    assert.deepEqual([audio.contentType, audio.fileName], ['audio/wav', '1.wav']);
    assert.deepEqual(new Uint8Array(audio.bytes), wav);
    await assert.rejects(media.audio(globex, 1), refused('not_found', 'Media file 1 not found'));
  });

  test('the size limit is enforced before anything is written', async () => {
    await assert.rejects(media.upload(acme, 1, bytes('RIFF\0\0\0\0WAVE', 60), 'x.wav'), refused('invalid_parameter', 'Invalid filename for media file: 72 bytes is over the limit of 64 bytes'));
    assert.equal(existsSync(join(dir, 'tenants')), false);
  });

  test('a missing file on disk is a clear not found', async () => {
    await media.upload(acme, 1, wav, 'x.wav');
    rmSync(join(dir, 'tenants'), { recursive: true });
    await assert.rejects(media.audio(acme, 1), refused('not_found', 'Media file 1 has no audio on this node'));
  });

  test('paths are built from positive ids and known formats only', () => {
    assert.equal(media.pathOf(3, 7, 'wav'), join(dir, 'tenants', '3', 'media', '7.wav'));
    assert.throws(() => media.pathOf(3, 7, '../x'));
    assert.throws(() => media.pathOf(0, 7, 'wav'));
    assert.throws(() => media.pathOf(3, 1.5, 'wav'));
  });
});

describe('normalizeMac', () => {
  test('upper case, colon separated, whatever the input separators', () => {
    assert.equal(normalizeMac('aa-bb-cc-dd-ee-ff'), 'AA:BB:CC:DD:EE:FF');
    assert.equal(normalizeMac('aabbccddeeff0011'), 'AA:BB:CC:DD:EE:FF:00:11');
  });
});
