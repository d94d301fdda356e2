// RecordingService: the PBX's reports become rows naming files relative to the tenant's folder (and paths elsewhere
// are refused); reads stay in the tenant; audio comes back as the WAV or through the MP3 encoder.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, PbxError } from '../../shared/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import type { Mp3Encoder } from './mp3-encoder.ts';
import { RecordingService, type RecordedCall } from './recording-service.ts';
import { NEEDS_LAME, startsWithMp3Frame, toneWav } from './recording.test-support.ts';

const refused = (code: string, message?: RegExp) => (e: unknown) => e instanceof PbxError && e.code === code && (!message || message.test(e.message));

describe('RecordingService', () => {
  let store: Store;
  let dataDir: string;
  let acme: number;
  let globex: number;
  let encoded: Array<[string, string]>;
  let service: RecordingService;
  /** Writes the WAV the relay would have and answers the report the B2BUA would make. */
  const finished = (tenantId: number, uniqueId: string, extra: Partial<RecordedCall> = {}): RecordedCall => {
    const folder = join(dataDir, 'tenants', String(tenantId), 'recordings', '2026-11-27');
    mkdirSync(folder, { recursive: true });
    const wav = toneWav(1);
    writeFileSync(join(folder, `${uniqueId}.wav`), wav);
    return {
      tenantId, uniqueId, linkedId: uniqueId, originateId: undefined, path: join(folder, `${uniqueId}.wav`),
      startedAt: new Date('2026-11-27T10:00:05.400Z'), endedAt: new Date('2026-11-27T10:00:06.600Z'), bytes: wav.length, durationMs: 1000, ...extra,
    };
  };

  beforeEach(async () => {
    store = openStore('sqlite::memory:');
    await store.migrate();
    acme = (await store.tenants.create({ te_code: 'ACME', te_name: 'Acme' }, '2026-01-01 00:00:00')).te_id;
    globex = (await store.tenants.create({ te_code: 'GLOBEX', te_name: 'Globex' }, '2026-01-01 00:00:00')).te_id;
    dataDir = mkdtempSync(join(tmpdir(), 'callgrid-recordings-'));
    encoded = [];
    // A stand-in encoder: records what it was asked and writes a recognisable file.
    const encoder: Mp3Encoder = { ensure: async (wav, mp3) => void (encoded.push([wav, mp3]), writeFileSync(mp3, 'MP3!')) };
    service = new RecordingService(store, new FakeClock('2026-11-27T12:00:00Z'), { dataDir, nodeName: 'n1', encoder });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a report becomes a row: the name relative to the tenant folder, times in UTC text, the node that holds it', async () => {
    const row = await service.recorded(finished(acme, 'n1-1795773600.1', { originateId: '15a4cfe6429054', linkedId: 'n1-1795773599.0' }));
    assert.deepEqual({ ...row, re_id: 0 }, {
      re_id: 0, re_te_id: acme, re_uniqueid: 'n1-1795773600.1', re_linkedid: 'n1-1795773599.0', re_originateid: '15a4cfe6429054',
      re_start: '2026-11-27 10:00:05', re_end: '2026-11-27 10:00:06', re_durationms: 1000,
      re_filename: 'recordings/2026-11-27/n1-1795773600.1.wav', re_format: 'wav', re_size: 16044, re_node: 'n1',
    });
  });

  test('a path outside the tenant\'s recordings, or ids that are not the PBX\'s, are refused', async () => {
    const ok = finished(acme, 'n1-1.2');
    for (const path of [
      join(dataDir, 'tenants', String(globex), 'recordings', '2026-11-27', 'n1-1.2.wav'),
      join(dataDir, 'tenants', String(acme), 'media', '1.wav'),
      join(dataDir, 'tenants', String(acme), 'recordings', '2026-11-27', '..', '..', 'media', 'x.wav'),
      join(dataDir, 'tenants', String(acme), 'recordings', '2026-11-27', 'n1-1.2.mp3'),
      '/etc/passwd',
      'recordings/2026-11-27/n1-1.2.wav',
    ]) {
      await assert.rejects(service.recorded({ ...ok, path }), refused('invalid_parameter', /is not a WAV in the recordings folder/), path);
    }
    await assert.rejects(service.recorded({ ...ok, uniqueId: '../x' }), refused('invalid_parameter'));
    await assert.rejects(service.recorded({ ...ok, originateId: 'a b' }), refused('invalid_parameter'));
    await assert.rejects(service.recorded({ ...ok, bytes: -1 }), refused('invalid_parameter'));
    await assert.rejects(service.recorded({ ...ok, endedAt: new Date('x') }), refused('invalid_parameter'));
    assert.deepEqual(await service.list(acme, { start: '2026-01-01' }), []);
  });

  test('list: today by default, else start/end; an end before the start is refused', async () => {
    await service.recorded(finished(acme, 'n1-1.1'));
    await service.recorded(finished(acme, 'n1-1.2', { startedAt: new Date('2026-11-26T23:00:00Z') }));
    await service.recorded(finished(globex, 'n1-1.3'));
    assert.deepEqual((await service.list(acme, {})).map((r) => r.re_uniqueid), ['n1-1.1']);
    assert.deepEqual((await service.list(acme, { start: '2026-11-26', end: '2026-11-27' })).map((r) => r.re_uniqueid), ['n1-1.2', 'n1-1.1']);
    assert.deepEqual((await service.list(acme, { end: '2026-11-26 23:00' })).map((r) => r.re_uniqueid), ['n1-1.2']);
    await assert.rejects(service.list(acme, { start: '2026-11-27', end: '2026-11-26' }), refused('invalid_parameter', /before start/));
    await assert.rejects(service.list(acme, { start: 'yesterday' }), refused('invalid_parameter', /start/));
  });

  test('find by uniqueid or originate id, in the tenant only (any tenant with null); odd ids find nothing', async () => {
    await service.recorded(finished(acme, 'n1-1795773600.7', { originateId: 'feed01' }));
    assert.equal((await service.find(acme, 'n1-1795773600.7'))?.re_originateid, 'feed01');
    assert.equal((await service.find(acme, ' feed01 '))?.re_uniqueid, 'n1-1795773600.7');
    assert.equal(await service.find(globex, 'n1-1795773600.7'), undefined);
    assert.equal(await service.find(globex, 'feed01'), undefined);
    assert.equal((await service.find(null, 'feed01'))?.re_te_id, acme);
    for (const id of ['', '../n1-1795773600.7', 'n1-1795773600.7/..', 'x'.repeat(97), "' or 1=1 --"]) assert.equal(await service.find(acme, id), undefined, id);
  });

  test('audio: the WAV as written, or the MP3 made beside it; another tenant or a missing file gets nothing', async () => {
    const call = finished(acme, 'n1-1795773600.8');
    await service.recorded(call);
    const wav = await service.audio(acme, 'n1-1795773600.8', 'wav');
    assert.deepEqual(wav && { ...wav, bytes: wav.bytes.length }, { bytes: 16044, contentType: 'audio/wav', fileName: 'n1-1795773600.8.wav' });
    const mp3 = await service.audio(acme, 'n1-1795773600.8', 'mp3');
    assert.equal(mp3?.contentType, 'audio/mpeg');
    assert.equal(mp3?.fileName, 'n1-1795773600.8.mp3');
    assert.equal(Buffer.from(mp3?.bytes ?? []).toString(), 'MP3!');
    assert.deepEqual(encoded, [[call.path, call.path.replace(/\.wav$/, '.mp3')]]);
    assert.equal(await service.audio(globex, 'n1-1795773600.8', 'wav'), undefined);
    assert.equal(await service.audio(globex, 'n1-1795773600.8', 'mp3'), undefined);
    assert.equal(encoded.length, 1, 'nothing is converted for another tenant');
    rmSync(call.path);
    assert.equal(await service.audio(acme, 'n1-1795773600.8', 'wav'), undefined, 'a file that is not on this node');
  });

  test('a stored name that is not a recording name is never opened; a link in place of a WAV is not followed', async () => {
    await store.recordings.put(acme, { re_uniqueid: 'evil', re_linkedid: '', re_originateid: '', re_start: '2026-11-27 10:00:00', re_end: '2026-11-27 10:00:00', re_durationms: 0, re_filename: '../../../etc/passwd', re_format: 'wav', re_size: 0, re_node: 'n1' });
    await assert.rejects(service.audio(acme, 'evil', 'wav'), /Refusing stored recording name/);
    const call = finished(acme, 'n1-1.9');
    rmSync(call.path);
    writeFileSync(join(dataDir, 'secret'), 'secret');
    symlinkSync(join(dataDir, 'secret'), call.path);
    await service.recorded(call);
    await assert.rejects(service.audio(acme, 'n1-1.9', 'wav'), (e: NodeJS.ErrnoException) => e.code === 'ELOOP');
  });

  test('a file over the serving limit is refused with its size', async () => {
    const small = new RecordingService(store, new FakeClock('2026-11-27T12:00:00Z'), { dataDir, nodeName: 'n1', maxServeBytes: 1000 });
    await small.recorded(finished(acme, 'n1-1.10'));
    await assert.rejects(small.audio(acme, 'n1-1.10', 'wav'), refused('invalid_parameter', /too large to serve: 16044 bytes, at most 1000/));
  });

  test('with the real lame: an MP3 of MPEG frames', NEEDS_LAME, async () => {
    const real = new RecordingService(store, new FakeClock('2026-11-27T12:00:00Z'), { dataDir, nodeName: 'n1' });
    await real.recorded(finished(acme, 'n1-1.11'));
    const mp3 = await real.audio(acme, 'n1-1.11', 'mp3');
    assert.ok(mp3 && startsWithMp3Frame(mp3.bytes));
  });
});
