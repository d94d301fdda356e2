// LameMp3Encoder and the WAV reading under it: real lame converts a recording's samples, an MP3 as new as its WAV
// is reused, concurrent asks share one run, and a missing, failing, slow or runaway encoder is stopped and reported.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PbxError } from '../../shared/index.ts';
import { LameMp3Encoder, lameArguments } from './mp3-encoder.ts';
import { NEEDS_LAME, startsWithMp3Frame, toneWav } from './recording.test-support.ts';
import { readWavLayout } from './wav-layout.ts';

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'callgrid-mp3-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

async function layoutOf(bytes: Buffer) {
  const path = join(dir, `layout-${Math.random()}.wav`);
  writeFileSync(path, bytes);
  const handle = await open(path);
  try {
    return await readWavLayout(handle, bytes.length);
  } finally {
    await handle.close();
  }
}

/** An executable script standing in for lame. */
function fakeLame(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('readWavLayout', () => {
  test("the recorder's canonical header: mono 8 kHz, samples from byte 44", async () => {
    assert.deepEqual(await layoutOf(toneWav(1)), { channels: 1, sampleRate: 8000, dataOffset: 44, dataBytes: 16000 });
  });

  test('a placeholder or too-large data size is read from the file length, in whole frames', async () => {
    assert.equal((await layoutOf(toneWav(1, { dataSize: 0 }))).dataBytes, 16000);
    assert.equal((await layoutOf(toneWav(1, { dataSize: 0xffffffff }))).dataBytes, 16000);
    assert.equal((await layoutOf(Buffer.concat([toneWav(1, { dataSize: 0 }), Buffer.from([1])]))).dataBytes, 16000, 'an odd trailing byte is no frame');
    assert.equal((await layoutOf(toneWav(1, { dataSize: 800 }))).dataBytes, 800, 'a smaller declared size is kept');
  });

  test('chunks before data are skipped; stereo is read', async () => {
    const wav = toneWav(0.5, { channels: 2 });
    const list = Buffer.concat([Buffer.from('LIST', 'latin1'), Buffer.from([5, 0, 0, 0]), Buffer.from('abcde\0', 'latin1')]);
    const withList = Buffer.concat([wav.subarray(0, 36), list, wav.subarray(36)]);
    assert.deepEqual(await layoutOf(withList), { channels: 2, sampleRate: 8000, dataOffset: 44 + list.length, dataBytes: 16000 });
  });

  test('what is not 16-bit PCM WAV is refused, saying why', async () => {
    await assert.rejects(layoutOf(Buffer.from('ID3\x03hello world', 'latin1')), /not a RIFF\/WAVE file/);
    const alaw = toneWav(0.1);
    alaw.writeUInt16LE(6, 20);
    await assert.rejects(layoutOf(alaw), /not 16-bit PCM \(format 6/);
    await assert.rejects(layoutOf(toneWav(0.1).subarray(0, 36)), /no data chunk/);
  });
});

describe('LameMp3Encoder', () => {
  test('lame reads raw little-endian samples of the layout, CBR per channel', () => {
    assert.deepEqual(lameArguments({ channels: 1, sampleRate: 8000 }, 32), ['--quiet', '-r', '-s', '8', '--bitwidth', '16', '--signed', '--little-endian', '-m', 'm', '-b', '32', '-', '-']);
    assert.deepEqual(lameArguments({ channels: 2, sampleRate: 8000 }, 32).slice(8, 12), ['-m', 's', '-b', '64']);
  });

  test('converts a WAV to MP3 frames of about the bit rate, leaves no partial file, reuses a fresh MP3', NEEDS_LAME, async () => {
    const wav = join(dir, 'call.wav');
    const mp3 = join(dir, 'call.mp3');
    writeFileSync(wav, toneWav(10));
    const encoder = new LameMp3Encoder();
    await encoder.ensure(wav, mp3);
    const bytes = readFileSync(mp3);
    assert.ok(startsWithMp3Frame(bytes), `MP3 frame sync, got ${bytes.subarray(0, 2).toString('hex')}`);
    // 10 s at 32 kbit/s is 40,000 bytes, give or take the first frames.
    assert.ok(bytes.length > 38_000 && bytes.length < 44_000, `size ${bytes.length}`);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.part')), []);

    const made = statSync(mp3).mtimeMs;
    await encoder.ensure(wav, mp3);
    assert.equal(statSync(mp3).mtimeMs, made, 'a fresh MP3 is not made again');
    // A WAV written again (the same call reported again) is newer than its MP3: converted again.
    utimesSync(wav, new Date(Date.now() + 5000), new Date(Date.now() + 5000));
    await encoder.ensure(wav, mp3);
    assert.notEqual(statSync(mp3).mtimeMs, made);
  });

  test('concurrent asks for one file share one run; at most maxConcurrent runs at once', async () => {
    const log = join(dir, 'runs.log');
    const lock = join(dir, 'running');
    // Each run notes itself, and notes an overlap if another run is still going.
    const counting = fakeLame('counting-lame', `[ -e ${lock} ] && echo overlap >> ${log}; touch ${lock}; echo run >> ${log}; cat > /dev/null; sleep 0.1; rm -f ${lock}; printf 'MP3'`);
    const encoder = new LameMp3Encoder({ command: counting, maxConcurrent: 1 });
    const wavs = ['a', 'b', 'c'].map((n) => {
      const path = join(dir, `c-${n}.wav`);
      writeFileSync(path, toneWav(0.2));
      return path;
    });
    const a = wavs[0] ?? '';
    await Promise.all([encoder.ensure(a, `${a}.mp3`), encoder.ensure(a, `${a}.mp3`), ...wavs.slice(1).map((w) => encoder.ensure(w, `${w}.mp3`))]);
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['run', 'run', 'run'], 'one run per file, one after the other');
    for (const w of wavs) assert.equal(readFileSync(`${w}.mp3`, 'utf8'), 'MP3');
  });

  test('no lame: not_implemented, saying what to install and that format=wav works', async () => {
    const wav = join(dir, 'missing.wav');
    writeFileSync(wav, toneWav(0.1));
    const encoder = new LameMp3Encoder({ command: join(dir, 'no-such-lame') });
    await assert.rejects(encoder.ensure(wav, join(dir, 'missing.mp3')), (e: unknown) => e instanceof PbxError && e.code === 'not_implemented' && /lame/.test(e.message) && /format=wav/.test(e.message));
    assert.equal(existsSync(join(dir, 'missing.mp3')), false);
  });

  test('a failing, a slow and a runaway encoder are stopped; no MP3 and no partial file is left', async () => {
    const wav = join(dir, 'bad.wav');
    writeFileSync(wav, toneWav(1));
    const mp3 = join(dir, 'bad.mp3');
    const failing = new LameMp3Encoder({ command: fakeLame('failing-lame', 'echo "bad input" >&2; exit 3') });
    await assert.rejects(failing.ensure(wav, mp3), /lame failed \(exit 3\): bad input/);
    const slow = new LameMp3Encoder({ command: fakeLame('slow-lame', 'exec sleep 30'), baseTimeoutMs: 200 });
    const started = Date.now();
    await assert.rejects(slow.ensure(wav, mp3), /did not finish within/);
    assert.ok(Date.now() - started < 5000);
    const runaway = new LameMp3Encoder({ command: fakeLame('runaway-lame', 'exec yes') });
    await assert.rejects(runaway.ensure(wav, mp3), /wrote more than \d+ bytes/);
    assert.equal(existsSync(mp3), false);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.part')), []);
  });

  test('a link in place of the WAV is not followed', async () => {
    const { symlinkSync } = await import('node:fs');
    const link = join(dir, 'link.wav');
    symlinkSync(join(dir, 'call.wav'), link);
    await assert.rejects(new LameMp3Encoder().ensure(link, join(dir, 'link.mp3')), (e: NodeJS.ErrnoException) => e.code === 'ELOOP');
  });
});
