// The prompt both PBXs play: an 8 kHz mono 16-bit PCM WAV (what ffmpeg, so rtpengine's `play media`, reads, and the
// format Callgrid's media files use), a few seconds of alternating tones with short gaps, like a spoken prompt's
// rhythm. Its length matters: a looped prompt restarts every `seconds`, and a restart is where a player may stumble.
// Callgrid's PLAYBACK plays a file once and then hangs up, so it gets the prompt repeated back to back in one file
// longer than any call (writeRepeatedPrompt): the same audio, and the same restarts, without a loop.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

/** A PBX's media file holding the prompt: the prompt repeated back to back, as WAV or as raw G.711 mu-law. */
export interface PromptUpload {
  readonly path: string;
  /** The name it is uploaded under: the extension is how a server knows a headerless .ulaw file. */
  readonly fileName: string;
  readonly format: 'wav' | 'ulaw';
  readonly seconds: number;
  readonly bytes: number;
}

/**
 * The prompt (a WAV as writePrompt wrote it) repeated until it lasts at least `seconds`, for a server that plays a
 * file once and hangs up at its end instead of looping it: a WAV while it fits in `maxBytes` (16 kB a second), else
 * raw mu-law (8 kB a second, headerless, so twice as long fits); throws when even that is too large.
 */
export function writeRepeatedPrompt(promptFile: string, seconds: number, dir: string, maxBytes: number): PromptUpload {
  const wav = readFileSync(promptFile);
  const pcm = wav.subarray(44);
  const repeats = Math.max(1, Math.ceil((seconds * RATE * 2) / pcm.length));
  const samples = (repeats * pcm.length) / 2;
  const lasts = samples / RATE;
  if (44 + samples * 2 <= maxBytes) {
    const header = Buffer.from(wav.subarray(0, 44));
    header.writeUInt32LE(36 + samples * 2, 4);
    header.writeUInt32LE(samples * 2, 40);
    const path = join(dir, 'prompt-repeated.wav');
    writeFileSync(path, Buffer.concat([header, ...Array.from({ length: repeats }, () => pcm)]));
    return { path, fileName: 'prompt-repeated.wav', format: 'wav', seconds: lasts, bytes: 44 + samples * 2 };
  }
  if (samples > maxBytes) {
    throw new Error(`a ${lasts.toFixed(0)} s prompt is ${samples} bytes even as mu-law, over the upload limit of ${maxBytes}: lower BENCH_HOLD_SECONDS or the top level`);
  }
  const codes = Buffer.alloc(pcm.length / 2);
  for (let i = 0; i < codes.length; i++) codes[i] = linearToUlaw(pcm.readInt16LE(i * 2));
  const path = join(dir, 'prompt-repeated.ulaw');
  writeFileSync(path, Buffer.concat(Array.from({ length: repeats }, () => codes)));
  return { path, fileName: 'prompt-repeated.ulaw', format: 'ulaw', seconds: lasts, bytes: samples };
}

/** G.711 mu-law encoding of one 16-bit sample (ITU-T G.711, with the usual bias of 0x84 and clip at 32635). */
function linearToUlaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(Math.abs(sample), 32635) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}
