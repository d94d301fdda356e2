// The prompt both PBXs play: an 8 kHz mono 16-bit PCM WAV (what ffmpeg, so rtpengine's `play media`, reads, and the
// format Callgrid's media files use), a few seconds of alternating tones with short gaps, like a spoken prompt's
// rhythm. Its length matters: a looped prompt restarts every `seconds`, and a restart is where a player may stumble.
import { writeFileSync } from 'node:fs';

const RATE = 8000;

/** Writes the prompt to `path`; returns its length in ms. */
export function writePrompt(path: string, seconds: number): number {
  const samples = Math.round(seconds * RATE);
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const t = i / RATE;
    // 400 ms tone, 100 ms gap; the pitch steps between syllables.
    const slot = Math.floor(t / 0.5);
    const inTone = t - slot * 0.5 < 0.4;
    const hz = [440, 523, 659, 587][slot % 4] ?? 440;
    const value = inTone ? Math.round(8000 * Math.sin(2 * Math.PI * hz * t)) : 0;
    pcm.writeInt16LE(value, i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(pcm.length, 40);
  writeFileSync(path, Buffer.concat([header, pcm]));
  return Math.round((samples / RATE) * 1000);
}
