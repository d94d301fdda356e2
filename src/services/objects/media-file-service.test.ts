// MediaFileService over a real in-memory store and a temporary data dir: format detection, conversion to the
// relay's format at upload (the original kept for getbinary), the size limit, paths built from ids only, and
// tenant scoping of the audio.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertToRelayWav, type AudioConversion } from '../../media/index.ts';
import { decibels, goertzelAmplitude, makeWav, relaySamples } from '../../media/audio-convert/audio-fixtures.test-support.ts';
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
    assert.throws(() => detectAudioFormat(bytes('MZ\x90'), 'setup.exe'), refused('invalid_parameter', 'Invalid filename for media file: unrecognised audio; expected WAV, MP3 or OGG, or a .gsm/.ulaw/.alaw/.sln file'));
  });
});

describe('MediaFileService', () => {
  let store: Store;
  let dir: string;
  let media: MediaFileService;
  let conversions: number;
  let acme: number;
  let globex: number;
  const folder = () => join(dir, 'tenants', String(acme), 'media');
  const tone = (rate: number, channels: number, seconds = 0.5) =>
    makeWav({ rate, channels, seconds, signal: (t) => 0.4 * Math.sin(2 * Math.PI * 1000 * t) + 0.4 * Math.sin(2 * Math.PI * 6000 * t) });
  const dbfs = (wav: Uint8Array, frequency: number) => decibels(goertzelAmplitude(relaySamples(wav), 8000, frequency, 400, relaySamples(wav).length - 400));

  beforeEach(async () => {
    store = openStore('sqlite::memory:');
    await store.migrate();
    dir = mkdtempSync(join(tmpdir(), 'callgrid-media-unit-'));
    conversions = 0;
    // The in-thread pipeline (the worker runs the same code; audio-converter.test.ts covers the worker).
    const converter: AudioConversion = { convert: (b, f) => ((conversions += 1), convertToRelayWav(b, f)) };
    media = new MediaFileService(store, new FakeClock('2026-11-27T10:00:00Z'), { dataDir: dir, maxBytes: 200_000 }, converter);
    acme = (await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-11-27 10:00:00')).te_id;
    globex = (await store.tenants.create({ te_code: 'GLOBEX', te_name: 'Globex' }, '2026-11-27 10:00:00')).te_id;
    await store.objects('mediafile').insert(acme, { me_name: 'Beep' });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a 44.1 kHz stereo upload plays as 8 kHz mono: 1 kHz kept, 6 kHz > 40 dB down; getbinary answers the original', async () => {
    const original = tone(44_100, 2);
    const row = await media.upload(acme, 1, original, 'whatever');
    // The row describes what was uploaded.
    assert.deepEqual([row.me_format, row.me_size, row.me_md5, row.me_datetime], ['wav', original.length, createHash('md5').update(original).digest('hex'), '2026-11-27 10:00:00']);
    assert.deepEqual(new Uint8Array(readFileSync(join(folder(), '1.wav'))), original);
    const path = await media.audioPath(acme, 1);
    assert.equal(path, join(folder(), '1.8k.wav'));
    const playable = new Uint8Array(readFileSync(path));
    const header = Buffer.from(playable);
    assert.deepEqual([header.readUInt16LE(22), header.readUInt32LE(24), header.readUInt16LE(34), (playable.length - 44) / 2], [1, 8000, 16, 4000]);
    assert.ok(Math.abs(dbfs(playable, 1000) - decibels(0.4)) < 0.1);
    // 6 kHz folds to 2 kHz at 8 kHz: what is left there is the filter's stopband.
    assert.ok(decibels(0.4) - dbfs(playable, 2000) > 40, `${dbfs(playable, 2000)} dBFS at 2 kHz`);
    const audio = await media.audio(acme, 1);
    assert.deepEqual([audio.contentType, audio.fileName], ['audio/wav', '1.wav']);
    assert.deepEqual(new Uint8Array(audio.bytes), original);
    await assert.rejects(media.audio(globex, 1), refused('not_found', 'Media file 1 not found'));
    assert.equal(await media.audioPath(globex, 1), undefined);
  });

  test('an 8 kHz mono 16-bit WAV plays unchanged', async () => {
    const original = makeWav({ rate: 8000, channels: 1, seconds: 0.25, signal: (t) => 0.5 * Math.sin(2 * Math.PI * 700 * t) });
    await media.upload(acme, 1, original, 'x.wav');
    const playable = readFileSync(join(folder(), '1.8k.wav'));
    assert.deepEqual(playable.subarray(44), Buffer.from(original).subarray(original.length - 4000));
  });

  test('an MP3 converts; its bytes stay what was sent', async () => {
    const mp3 = new Uint8Array(readFileSync(new URL('../../../test/fixtures/audio/tone-1k-44k-stereo.mp3', import.meta.url)));
    const row = await media.upload(acme, 1, mp3, 'song.mp3');
    assert.equal(row.me_format, 'mp3');
    const path = await media.audioPath(acme, 1);
    assert.equal(path, join(folder(), '1.8k.wav'));
    assert.ok(dbfs(new Uint8Array(readFileSync(path)), 1000) > -8);
    assert.deepEqual(new Uint8Array((await media.audio(acme, 1)).bytes), mp3);
  });

  test('audio that cannot be decoded is refused naming the parameter, and nothing is written', async () => {
    await assert.rejects(media.upload(acme, 1, bytes('RIFF\0\0\0\0WAVEfmt ', 20), 'x.wav'), refused('invalid_parameter', 'Invalid filename for media file: the WAV file has no data chunk'));
    await assert.rejects(media.upload(acme, 1, new Uint8Array([0xff, 0xfb, 0x90, 0x64, 1, 2, 3]), 'x.mp3'), refused('invalid_parameter', 'Invalid filename for media file: no MPEG audio could be decoded'));
    await assert.rejects(media.upload(acme, 1, bytes('MZ\x90'), 'setup.exe'), refused('invalid_parameter', 'Invalid filename for media file: unrecognised audio; expected WAV, MP3 or OGG, or a .gsm/.ulaw/.alaw/.sln file'));
    await assert.rejects(media.upload(acme, 1, bytes('anything'), 'prompt.g722'), refused('invalid_parameter', 'Invalid filename for media file: G.722 audio cannot be converted; upload WAV, MP3 or Ogg Vorbis'));
    assert.equal(existsSync(join(dir, 'tenants')), false);
    assert.equal((await store.objects('mediafile').get(acme, 1))?.me_format, '');
  });

  test('the size limit is enforced before anything is converted or written', async () => {
    const small = new MediaFileService(store, new FakeClock('2026-11-27T10:00:00Z'), { dataDir: dir, maxBytes: 64 }, { convert: () => assert.fail('converted') });
    await assert.rejects(small.upload(acme, 1, bytes('RIFF\0\0\0\0WAVE', 60), 'x.wav'), refused('invalid_parameter', 'Invalid filename for media file: 72 bytes is over the limit of 64 bytes'));
    assert.equal(existsSync(join(dir, 'tenants')), false);
  });

  test('a file stored before conversion is converted on first play, once; one that cannot be plays as it is', async () => {
    mkdirSync(folder(), { recursive: true });
    writeFileSync(join(folder(), '1.wav'), tone(22_050, 1));
    await store.objects('mediafile').update(acme, 1, { me_format: 'wav', me_md5: 'a' });
    const [first, second] = await Promise.all([media.audioPath(acme, 1), media.audioPath(acme, 1)]);
    assert.deepEqual([first, second, conversions], [join(folder(), '1.8k.wav'), join(folder(), '1.8k.wav'), 1]);
    assert.ok(Math.abs(dbfs(new Uint8Array(readFileSync(join(folder(), '1.8k.wav'))), 1000) - decibels(0.4)) < 0.1);
    await store.objects('mediafile').insert(acme, { me_name: 'Broken' });
    await store.objects('mediafile').update(acme, 2, { me_format: 'g722', me_md5: 'b' });
    writeFileSync(join(folder(), '2.g722'), new Uint8Array(5));
    assert.equal(await media.audioPath(acme, 2), join(folder(), '2.g722'));
    assert.equal(await media.audioPath(acme, 2), join(folder(), '2.g722'));
    assert.equal(conversions, 2);
  });

  test('a missing file on disk is a clear not found; delete removes both files', async () => {
    await media.upload(acme, 1, tone(16_000, 1, 0.1), 'x.wav');
    await media.delete(acme, 1);
    assert.deepEqual([existsSync(join(folder(), '1.wav')), existsSync(join(folder(), '1.8k.wav'))], [false, false]);
    await store.objects('mediafile').insert(acme, { me_name: 'Again' });
    await media.upload(acme, 2, tone(16_000, 1, 0.1), 'x.wav');
    rmSync(join(dir, 'tenants'), { recursive: true });
    await assert.rejects(media.audio(acme, 2), refused('not_found', 'Media file 2 has no audio on this node'));
    assert.equal(await media.audioPath(acme, 2), undefined);
  });

  test('paths are built from positive ids and known formats only', () => {
    assert.equal(media.pathOf(3, 7, 'wav'), join(dir, 'tenants', '3', 'media', '7.wav'));
    assert.equal(media.playablePathOf(3, 7), join(dir, 'tenants', '3', 'media', '7.8k.wav'));
    assert.throws(() => media.pathOf(3, 7, '../x'));
    assert.throws(() => media.pathOf(0, 7, 'wav'));
    assert.throws(() => media.pathOf(3, 1.5, 'wav'));
    assert.throws(() => media.playablePathOf(3, -1));
  });
});

describe('normalizeMac', () => {
  test('upper case, colon separated, whatever the input separators', () => {
    assert.equal(normalizeMac('aa-bb-cc-dd-ee-ff'), 'AA:BB:CC:DD:EE:FF');
    assert.equal(normalizeMac('aabbccddeeff0011'), 'AA:BB:CC:DD:EE:FF:00:11');
  });
});
