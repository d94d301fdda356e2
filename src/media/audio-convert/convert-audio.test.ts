// The upload pipeline in-thread: WAV of every layout, MP3, Ogg Vorbis and the raw telephone formats come out
// as 8 kHz mono 16-bit WAV with the tone where it was; what is not audio, or not supported, is refused by name.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseWavSamples } from '../player/index.ts';
import { convertToRelayWav, type ConvertedAudio } from './convert-audio.ts';
import { decibels, goertzelAmplitude, makeWav, relaySamples, type WavEncoding } from './audio-fixtures.test-support.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../test/fixtures/audio/${name}`, import.meta.url)));
const tone = (frequency: number, amplitude = 0.5) => (t: number) => amplitude * Math.sin(2 * Math.PI * frequency * t);

async function converted(bytes: Uint8Array, format: string): Promise<ConvertedAudio> {
  const result = await convertToRelayWav(bytes, format);
  assert.ok(result.ok, result.ok ? '' : result.error);
  // What the relay's player reads, it reads without complaint.
  assert.ok(parseWavSamples(Buffer.from(result.value.wav)).ok);
  return result.value;
}

/** The level in dB full scale of `frequency` in the middle of an 8 kHz mono WAV. */
function level(wav: Uint8Array, frequency: number): number {
  const samples = relaySamples(wav);
  const margin = Math.min(800, Math.floor(samples.length / 4));
  return decibels(goertzelAmplitude(samples, 8000, frequency, margin, samples.length - margin));
}

describe('convertToRelayWav', () => {
  test('44.1 kHz stereo, 1 kHz + 6 kHz: 8 kHz mono, 1 kHz kept, 6 kHz (folding to 2 kHz) > 40 dB down', async () => {
    const input = makeWav({ rate: 44_100, channels: 2, seconds: 1, signal: (t, c) => 0.4 * Math.sin(2 * Math.PI * 1000 * t) + 0.4 * Math.sin(2 * Math.PI * 6000 * t + c) });
    const out = await converted(input, 'wav');
    assert.deepEqual([out.sourceRate, out.sourceChannels, out.seconds], [44_100, 2, 1]);
    const wav = Buffer.from(out.wav);
    assert.deepEqual([wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt16LE(34)], [1, 8000, 16]);
    const kept = level(out.wav, 1000);
    const folded = level(out.wav, 2000);
    assert.ok(Math.abs(kept - decibels(0.4)) < 0.1, `1 kHz at ${kept.toFixed(2)} dBFS`);
    // The 6 kHz tone's two channels differ in phase by 1 rad, so the mix holds it at 0.4 * cos(0.5).
    const sixIn = decibels(0.4 * Math.cos(0.5));
    assert.ok(sixIn - folded > 40, `6 kHz attenuated by ${(sixIn - folded).toFixed(1)} dB only`);
    // What naive decimation (every 44100/8000th sample) would have let through: the test would catch it.
    const mono = relaySamples(out.wav).map((_, n) => 0.4 * Math.sin((2 * Math.PI * 6000 * Math.round((n * 44_100) / 8000)) / 44_100));
    assert.ok(decibels(goertzelAmplitude(mono, 8000, 2000, 800, 7200)) > -12);
  });

  test('8 kHz mono 16-bit PCM passes unchanged, sample for sample and byte for byte', async () => {
    const input = makeWav({ rate: 8000, channels: 1, seconds: 0.5, signal: tone(440, 0.7) });
    const out = await converted(input, 'wav');
    const expected = Buffer.from(input).subarray(input.length - 8000);
    assert.deepEqual(Buffer.from(out.wav).subarray(44), expected);
    // The only change is the header: the LIST chunk goes, a canonical 44-byte header stays.
    const canonical = await converted(out.wav, 'wav');
    assert.deepEqual(canonical.wav, out.wav);
  });

  for (const encoding of ['pcm8', 'pcm16', 'pcm24', 'pcm32', 'float32', 'float64', 'alaw', 'mulaw'] satisfies WavEncoding[]) {
    for (const [rate, extensible] of [[8000, false], [16_000, true], [48_000, false]] as const) {
      test(`WAV ${encoding} at ${rate} Hz${extensible ? ' (extensible)' : ''}: the 1 kHz tone comes through`, async () => {
        const out = await converted(makeWav({ rate, channels: 1, seconds: 0.5, encoding, extensible, signal: tone(1000) }), 'wav');
        assert.equal(out.seconds, 0.5);
        // 8-bit and G.711 carry their own quantisation noise; the tone's level stays within a fraction of a dB.
        assert.ok(Math.abs(level(out.wav, 1000) - decibels(0.5)) < 0.3, `${level(out.wav, 1000)} dBFS`);
      });
    }
  }

  test('stereo is mixed by averaging: a tone on the left only comes out 6 dB down', async () => {
    const out = await converted(makeWav({ rate: 8000, channels: 2, seconds: 0.5, signal: (t, c) => (c === 0 ? 0.8 * Math.sin(2 * Math.PI * 1000 * t) : 0) }), 'wav');
    assert.ok(Math.abs(level(out.wav, 1000) - decibels(0.4)) < 0.05);
  });

  test('MP3 (44.1 kHz stereo) converts: about a second at 8 kHz, the 1 kHz tone dominant', async () => {
    const out = await converted(fixture('tone-1k-44k-stereo.mp3'), 'mp3');
    assert.deepEqual([out.sourceRate, out.sourceChannels], [44_100, 2]);
    assert.ok(out.seconds > 0.95 && out.seconds < 1.15, `${out.seconds} s`);
    assert.ok(Math.abs(level(out.wav, 1000) - decibels(0.5)) < 1);
    assert.ok(level(out.wav, 1000) - level(out.wav, 2500) > 40);
  });

  test('Ogg Vorbis converts; Ogg Opus is refused by name', async () => {
    const out = await converted(fixture('tone-1k-44k-stereo.ogg'), 'ogg');
    assert.deepEqual([out.sourceRate, out.sourceChannels], [44_100, 2]);
    assert.ok(Math.abs(level(out.wav, 1000) - decibels(0.5)) < 1);
    const opus = new Uint8Array(Buffer.from('OggS\0\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01\x13OpusHead\x01\x01', 'latin1'));
    assert.deepEqual(await convertToRelayWav(opus, 'ogg'), { ok: false, error: 'Ogg Opus is not supported' });
  });

  test('raw ulaw, alaw and sln are 8 kHz mono already', async () => {
    const ulaw = await converted(new Uint8Array(8000).fill(0xff), 'ulaw');
    assert.equal(ulaw.seconds, 1);
    assert.ok(relaySamples(ulaw.wav).every((s) => s === 0));
    const sln = Buffer.alloc(16);
    sln.writeInt16LE(1234, 0);
    assert.equal(Buffer.from((await converted(new Uint8Array(sln), 'sln')).wav).readInt16LE(44), 1234);
    assert.equal((await converted(new Uint8Array(800).fill(0xd5), 'alaw')).seconds, 0.1);
  });

  test('garbage is refused with the reason, never stored as silence', async () => {
    const refusals: Array<[Uint8Array, string, string]> = [
      [new Uint8Array(Buffer.from('RIFF\0\0\0\0WAVEfmt \x01\x01\x01\x01\x01\x01\x01\x01', 'latin1')), 'wav', 'the WAV fmt chunk is truncated'],
      [new Uint8Array(Buffer.from('RIFF\0\0\0\0WAVEjunk\x04\0\0\0abcd', 'latin1')), 'wav', 'the WAV file has no fmt chunk'],
      [makeWav({ rate: 8000, channels: 1, seconds: 0, signal: tone(1000) }), 'wav', 'the WAV file holds no samples'],
      [new Uint8Array([0x49, 0x44, 0x33, 0x04, 0, 0, 0, 0, 0, 0, 0xff, 0xfb, 0x90, 0x64]), 'mp3', 'no MPEG audio could be decoded'],
      [new Uint8Array(Buffer.from('\xff\xfbnot really an mp3 file at all, just text'.repeat(20), 'latin1')), 'mp3', 'no MPEG audio could be decoded'],
      [new Uint8Array(Buffer.from('OggS but nothing else', 'latin1')), 'ogg', 'the Ogg file holds no Vorbis stream'],
      [new Uint8Array(100), 'g722', 'G.722 audio cannot be converted; upload WAV, MP3 or Ogg Vorbis'],
    ];
    for (const [bytes, format, error] of refusals) assert.deepEqual(await convertToRelayWav(bytes, format), { ok: false, error });
  });

  test('a WAV header that claims a rate no audio has is refused before anything is sized from it', async () => {
    const wav = Buffer.from(makeWav({ rate: 8000, channels: 1, seconds: 0.01, signal: tone(1000) }));
    wav.writeUInt32LE(5, 24);
    assert.deepEqual(await convertToRelayWav(new Uint8Array(wav), 'wav'), { ok: false, error: 'the WAV header says 5 Hz' });
  });

  test('audio over the length limit is refused', async () => {
    const input = makeWav({ rate: 8000, channels: 1, seconds: 3, signal: tone(1000) });
    assert.deepEqual(await convertToRelayWav(input, 'wav', { maxSeconds: 2, soxPath: false, soxTimeoutMs: 1000 }), { ok: false, error: '3 s of audio is over the limit of 2 s' });
  });
});
