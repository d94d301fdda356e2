// INFO recordings, inforecording, recording and playrecording (spec §2.12), in process: a tenant's list and one
// recording's metadata, its audio as MP3 (MPEG frames) or WAV, attachment vs inline, MiRTA's `No id specified`,
// and an empty 200 for an id that is wrong or another tenant's (never a byte of it).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHarness, expectError, type Harness, type TenantKeys } from '../../../test/support/api-harness.ts';
import { NEEDS_LAME, startsWithMp3Frame, toneWav } from '../../services/recordings/recording.test-support.ts';

type Row = Record<string, string>;
const COLUMNS = ['ID', 'uniqueid', 'linkedid', 'originateid', 'start', 'end', 'duration', 'filename', 'format', 'size'];

describe('INFO recordings and recording audio', () => {
  let h: Harness;
  let dataDir: string;
  const wavOf = new Map<string, Buffer>();

  /** A recording as the PBX leaves it: the WAV in the tenant's folder, then its report. */
  async function record(t: TenantKeys, uniqueId: string, at: string, originateId = '', seconds = 1): Promise<void> {
    const folder = join(dataDir, 'tenants', String(t.id), 'recordings', at.slice(0, 10));
    mkdirSync(folder, { recursive: true });
    const wav = toneWav(seconds);
    const path = join(folder, `${uniqueId}.wav`);
    writeFileSync(path, wav);
    wavOf.set(uniqueId, wav);
    const startedAt = new Date(`${at}Z`);
    await h.runtime.services.recordings.recorded({
      tenantId: t.id, uniqueId, linkedId: uniqueId, originateId, path, startedAt, endedAt: new Date(startedAt.getTime() + seconds * 1000 + 300), bytes: wav.length, durationMs: seconds * 1000,
    });
  }

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'callgrid-info-recordings-'));
    h = await createHarness({ CALLGRID_DATA_DIR: dataDir });
    await record(h.acme, 'n1-1795773600.1', '2026-11-27T09:00:00', '15a4cfe6429054', 2);
    await record(h.acme, 'n1-1795773700.2', '2026-11-27T09:30:00');
    await record(h.acme, 'n1-1795600000.3', '2026-11-25T08:00:00');
    await record(h.globex, 'n1-1795773800.4', '2026-11-27T09:45:00', 'beef01');
  });
  after(async () => {
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const info = (t: TenantKeys, type: string, params: Record<string, string> = {}, key = t.fullKey) => h.get({ key, tenant: t.code, reqtype: 'INFO', info: type, ...params });

  /** An empty 200 as MiRTA answers for a recording it does not have; the header says why. */
  async function expectEmpty(res: Response): Promise<void> {
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=UTF-8');
    assert.equal(res.headers.get('x-callgrid-error'), 'not_found');
    assert.equal(res.headers.get('content-disposition'), null);
    assert.equal((await res.arrayBuffer()).byteLength, 0);
  }

  test('recordings: today by default; json rows of string values under CDR-like names', async () => {
    const res = await info(h.acme, 'recordings', { format: 'json' });
    assert.equal(res.headers.get('content-type'), 'application/json; charset=UTF-8');
    const rows = (await res.json()) as Row[];
    assert.deepEqual(rows.map((r) => Object.keys(r)), [COLUMNS, COLUMNS]);
    assert.deepEqual(rows[0], {
      ID: rows[0]?.ID, uniqueid: 'n1-1795773600.1', linkedid: 'n1-1795773600.1', originateid: '15a4cfe6429054', start: '2026-11-27 09:00:00', end: '2026-11-27 09:00:02',
      duration: '2', filename: 'recordings/2026-11-27/n1-1795773600.1.wav', format: 'wav', size: String(wavOf.get('n1-1795773600.1')?.length),
    });
    assert.deepEqual(rows.map((r) => r.uniqueid), ['n1-1795773600.1', 'n1-1795773700.2']);
  });

  test('recordings: start/end, plain with a header and trailing pipes, csv; another tenant sees only its own', async () => {
    const plain = await (await info(h.acme, 'recordings', { start: '2026-11-25', end: '2026-11-25' })).text();
    const lines = plain.trimEnd().split('\n');
    assert.equal(lines[0], `${COLUMNS.join('|')}|`);
    assert.equal(lines.length, 2);
    assert.match(lines[1] ?? '', /^\d+\|n1-1795600000\.3\|n1-1795600000\.3\|\|2026-11-25 08:00:00\|2026-11-25 08:00:01\|1\|recordings\/2026-11-25\/n1-1795600000\.3\.wav\|wav\|16044\|$/);
    const csv = await (await info(h.acme, 'recordings', { start: '2026-11-01', format: 'csv' })).text();
    assert.equal(csv.split('\r\n')[0], COLUMNS.join(','));
    assert.equal(csv.trimEnd().split('\r\n').length, 4);
    const theirs = (await (await info(h.globex, 'recordings', { start: '2026-11-01', format: 'json' })).json()) as Row[];
    assert.deepEqual(theirs.map((r) => r.uniqueid), ['n1-1795773800.4']);
    await expectError(await info(h.acme, 'recordings', { start: '2026-11-27', end: '2026-11-01' }), 'invalid_parameter', "Invalid end '2026-11-01': it is before start '2026-11-27'");
  });

  test('inforecording: by uniqueid or originate id; plain header and row, json one object', async () => {
    const json = (await (await info(h.acme, 'inforecording', { id: '15a4cfe6429054', format: 'json' })).json()) as Row;
    assert.equal(json.uniqueid, 'n1-1795773600.1');
    assert.deepEqual(Object.keys(json), COLUMNS);
    const plain = await (await info(h.acme, 'inforecording', { id: 'n1-1795773600.1' })).text();
    assert.equal(plain.split('\n')[0], `${COLUMNS.join('|')}|`);
    assert.match(plain.split('\n')[1] ?? '', /\|n1-1795773600\.1\|n1-1795773600\.1\|15a4cfe6429054\|2026-11-27 09:00:00\|/);
  });

  test('recording: audio/mpeg MP3 frames, saved as <uniqueid>.mp3; by originate id too', NEEDS_LAME, async () => {
    const res = await info(h.acme, 'recording', { id: 'n1-1795773600.1' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'audio/mpeg');
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="n1-1795773600.1.mp3"');
    assert.equal(res.headers.get('x-callgrid-error'), null);
    const mp3 = new Uint8Array(await res.arrayBuffer());
    assert.ok(startsWithMp3Frame(mp3), `frame sync, got ${Buffer.from(mp3.subarray(0, 2)).toString('hex')}`);
    // 2 s at 32 kbit/s: 8,000 bytes and the first frames; far below the 32,044-byte WAV.
    assert.ok(mp3.length > 7000 && mp3.length < 12_000, `size ${mp3.length}`);
    const byOriginate = await info(h.acme, 'recording', { id: '15a4cfe6429054' });
    assert.deepEqual(new Uint8Array(await byOriginate.arrayBuffer()), mp3);
  });

  test('playrecording: the same MP3, inline, with a policy that lets the browser play it', NEEDS_LAME, async () => {
    const res = await info(h.acme, 'playrecording', { id: 'n1-1795773700.2' });
    assert.equal(res.headers.get('content-type'), 'audio/mpeg');
    assert.equal(res.headers.get('content-disposition'), 'inline; filename="n1-1795773700.2.mp3"');
    assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; media-src 'self'; sandbox");
    assert.ok(startsWithMp3Frame(new Uint8Array(await res.arrayBuffer())));
  });

  test('format=wav: the WAV byte for byte, for recording and playrecording', async () => {
    const res = await info(h.acme, 'recording', { id: 'n1-1795773700.2', format: 'wav' });
    assert.equal(res.headers.get('content-type'), 'audio/wav');
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="n1-1795773700.2.wav"');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), wavOf.get('n1-1795773700.2'));
    const played = await info(h.acme, 'playrecording', { id: '15a4cfe6429054', format: 'WAV' });
    assert.equal(played.headers.get('content-disposition'), 'inline; filename="n1-1795773600.1.wav"');
    assert.deepEqual(Buffer.from(await played.arrayBuffer()), readFileSync(join(dataDir, 'tenants', String(h.acme.id), 'recordings', '2026-11-27', 'n1-1795773600.1.wav')));
  });

  test('no id: No id specified, for every type that takes one', async () => {
    for (const type of ['recording', 'playrecording', 'inforecording']) {
      await expectError(await info(h.acme, type), 'missing_parameter', 'No id specified');
      await expectError(await info(h.acme, type, { id: '  ' }), 'missing_parameter', 'No id specified');
    }
  });

  test('a wrong id: an empty 200 (json null for inforecording)', async () => {
    for (const id of ['n1-0.0', 'srv02-1531779475.48', '../../etc/passwd', 'x'.repeat(200)]) {
      await expectEmpty(await info(h.acme, 'recording', { id }));
      await expectEmpty(await info(h.acme, 'playrecording', { id, format: 'wav' }));
      await expectEmpty(await info(h.acme, 'inforecording', { id }));
    }
    const json = await info(h.acme, 'inforecording', { id: 'nope', format: 'json' });
    assert.equal(json.headers.get('x-callgrid-error'), 'not_found');
    assert.equal(await json.text(), 'null');
  });

  test("another tenant's recording answers exactly as a wrong id: nothing of it leaks", async () => {
    const wrong = await info(h.globex, 'recording', { id: 'n1-0.0' });
    const wrongHeaders = [...wrong.headers].filter(([name]) => name !== 'date');
    for (const id of ['n1-1795773600.1', '15a4cfe6429054']) {
      for (const [type, format] of [['recording', 'plain'], ['recording', 'wav'], ['playrecording', 'plain'], ['inforecording', 'plain']] as const) {
        const res = await info(h.globex, type, { id, format });
        await expectEmpty(res.clone());
        if (type === 'recording' && format === 'plain') assert.deepEqual([...res.headers].filter(([name]) => name !== 'date'), wrongHeaders);
      }
      await expectEmpty(await info(h.globex, 'inforecording', { id }, h.globex.readOnlyKey));
    }
    // The admin key naming a tenant is held to it as well.
    await expectEmpty(await h.get({ key: h.adminKey, tenant: 'GLOBEX', reqtype: 'INFO', info: 'recording', id: 'n1-1795773600.1', format: 'wav' }));
  });

  test('a read-only key reads the list, the metadata and the audio', async () => {
    const rows = (await (await info(h.acme, 'recordings', { format: 'json' }, h.acme.readOnlyKey)).json()) as Row[];
    assert.equal(rows.length, 2);
    const meta = (await (await info(h.acme, 'inforecording', { id: 'n1-1795773700.2', format: 'json' }, h.acme.readOnlyKey)).json()) as Row;
    assert.equal(meta.uniqueid, 'n1-1795773700.2');
    const audio = await info(h.acme, 'recording', { id: 'n1-1795773700.2', format: 'wav' }, h.acme.readOnlyKey);
    assert.deepEqual(Buffer.from(await audio.arrayBuffer()), wavOf.get('n1-1795773700.2'));
  });

  test('the admin key without a tenant finds a recording by its DIAL id (spec §2.12 example); recordings needs a tenant', async () => {
    const res = await h.get({ key: h.adminKey, reqtype: 'INFO', info: 'recording', id: 'beef01', format: 'wav' });
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), wavOf.get('n1-1795773800.4'));
    await expectError(await h.get({ key: h.adminKey, reqtype: 'INFO', info: 'recordings' }), 'missing_parameter', 'No tenant specified');
  });

  test('formats: audio formats only where audio is served; csv is not audio', async () => {
    await expectError(await info(h.acme, 'recording', { id: 'n1-1795773700.2', format: 'csv' }), 'unsupported_format', 'Format csv is not available for INFO');
    await expectError(await info(h.acme, 'recordings', { format: 'mp3' }), 'unsupported_format', 'Format mp3 is not available for INFO');
    await expectError(await info(h.acme, 'cdrs', { format: 'wav' }), 'unsupported_format', 'Format wav is not available for INFO');
  });
});
