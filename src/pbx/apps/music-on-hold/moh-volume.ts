// A music-on-hold class's volume (mu_volume) applied once, to a copy of each file in a cache folder, so the relay's
// shared source plays it as it plays any file (no per-listener gain on the media path). The value reads as
// Asterisk's VOLUME(): n >= 2 multiplies the samples by n, n <= -2 divides them by |n|, -1..1 leaves them as they are.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Beyond this the music is only distortion (x10 is already +20 dB) or nearly silence. */
export const MAX_VOLUME = 10;

/** The factor samples are multiplied by for a stored mu_volume; 1 for none, 0, +-1 or a value that is no number. */
export function volumeFactor(volume: unknown): number {
  const n = Math.trunc(Number(volume ?? 0));
  if (!Number.isFinite(n) || Math.abs(n) < 2) return 1;
  const bounded = Math.max(-MAX_VOLUME, Math.min(MAX_VOLUME, n));
  return bounded > 0 ? bounded : 1 / -bounded;
}

/** The 16-bit PCM samples' place in a WAV, or undefined when it is not such a WAV (raw G.711 is left as it is). */
function pcmData(wav: Buffer): { start: number; end: number } | undefined {
  if (wav.length < 12 || wav.toString('latin1', 0, 4) !== 'RIFF' || wav.toString('latin1', 8, 12) !== 'WAVE') return undefined;
  let pcm16 = false;
  for (let at = 12; at + 8 <= wav.length; ) {
    const id = wav.toString('latin1', at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 24 <= wav.length) pcm16 = wav.readUInt16LE(at + 8) === 1 && wav.readUInt16LE(at + 22) === 16;
    if (id === 'data') return pcm16 ? { start: at + 8, end: Math.min(wav.length, at + 8 + size) } : undefined;
    at += 8 + size + (size % 2);
  }
  return undefined;
}

/** The samples scaled by `factor`, clipped to 16 bits (a copy). */
export function scaledWav(wav: Buffer, factor: number): Buffer | undefined {
  const data = pcmData(wav);
  if (data === undefined) return undefined;
  const out = Buffer.from(wav);
  for (let at = data.start; at + 1 < data.end; at += 2) {
    out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(out.readInt16LE(at) * factor))), at);
  }
  return out;
}

/**
 * The file to play for `path` at `volume`: the path itself at factor 1 or for a file that is not 16-bit PCM WAV, else
 * a scaled copy in `cacheDir` named by the file, its modification time and the factor (made once, then reused).
 */
export async function atVolume(path: string, volume: unknown, cacheDir: string): Promise<string> {
  const factor = volumeFactor(volume);
  if (factor === 1) return path;
  const { mtimeMs } = await stat(path);
  const copy = join(cacheDir, `${createHash('sha256').update(`${path}\n${mtimeMs}\n${factor}`).digest('hex').slice(0, 24)}.wav`);
  if (await stat(copy).then(() => true, () => false)) return copy;
  const scaled = scaledWav(await readFile(path), factor);
  if (scaled === undefined) return path;
  await mkdir(cacheDir, { recursive: true });
  // Written aside then renamed: a class opened meanwhile never reads half a file.
  const partial = `${copy}.${process.pid}.part`;
  await writeFile(partial, scaled);
  await rename(partial, copy);
  return copy;
}
