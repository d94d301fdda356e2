// Test fixtures for recordings: WAV files as the call recorder writes them, the MP3 frame check, and whether
// lame is here (CI installs it; elsewhere the MP3 tests say they were skipped).
import { spawnSync } from 'node:child_process';

/** An 8 kHz 16-bit PCM WAV of a 440 Hz tone, `seconds` long; `dataSize` overrides the header's data size. */
export function toneWav(seconds: number, options: { channels?: 1 | 2; dataSize?: number; sampleRate?: number } = {}): Buffer {
  const channels = options.channels ?? 1;
  const rate = options.sampleRate ?? 8000;
  const frames = Math.round(seconds * rate);
  const data = Buffer.alloc(frames * channels * 2);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), (i * channels + c) * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(options.dataSize ?? data.length, 40);
  return Buffer.concat([header, data]);
}

/** An MPEG audio frame header starts with 11 set bits (0xFF, then the top 3 bits of the next byte). */
export function startsWithMp3Frame(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0;
}

export const LAME_INSTALLED = spawnSync('lame', ['--version'], { stdio: 'ignore' }).status === 0;

/** Skip MP3 tests where lame is missing, except in CI, where a missing lame must fail them. */
export const NEEDS_LAME: { skip: string | false } = { skip: LAME_INSTALLED || process.env.CI ? false : 'lame is not installed (apt-get install lame)' };
