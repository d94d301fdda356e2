// Reads a RIFF/WAVE file of 8 kHz mono 16-bit PCM (WAVE_FORMAT_PCM, little-endian samples) into linear
// samples for the player; any other format is refused by name rather than played as noise.
import { readFile } from 'node:fs/promises';
import { err, ok, type Result } from '../../shared/index.ts';
import { SAMPLE_RATE } from './tone-samples.ts';

const WAVE_FORMAT_PCM = 1;
/** WAVE_FORMAT_EXTENSIBLE: the real format is in the sub-format GUID, whose first two bytes are the tag. */
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export async function readWavSamples(path: string): Promise<Result<Int16Array, string>> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    return err(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseWavSamples(data);
}

/** The samples of a WAV file held in memory. */
export function parseWavSamples(data: Buffer): Result<Int16Array, string> {
  if (data.length < 12 || data.toString('latin1', 0, 4) !== 'RIFF' || data.toString('latin1', 8, 12) !== 'WAVE') return err('not a RIFF/WAVE file');
  let format: { tag: number; channels: number; rate: number; bits: number } | undefined;
  let at = 12;
  // Chunks are walked rather than assuming fmt at 12 and data at 36: LIST/fact chunks sit in between in real files.
  while (at + 8 <= data.length) {
    const id = data.toString('latin1', at, at + 4);
    const size = data.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > data.length) return err('the fmt chunk is truncated');
      let tag = data.readUInt16LE(body);
      if (tag === WAVE_FORMAT_EXTENSIBLE && size >= 26 && body + 26 <= data.length) tag = data.readUInt16LE(body + 24);
      format = { tag, channels: data.readUInt16LE(body + 2), rate: data.readUInt32LE(body + 4), bits: data.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (format === undefined) return err('the data chunk comes before the fmt chunk');
      if (format.tag !== WAVE_FORMAT_PCM) return err(`format ${format.tag} is not PCM`);
      if (format.channels !== 1 || format.rate !== SAMPLE_RATE || format.bits !== 16) {
        return err(`${format.rate} Hz, ${format.channels} channel(s), ${format.bits} bit: expected 8000 Hz mono 16-bit`);
      }
      // A writer that never patched the size (streamed output) leaves it 0 or too large: read what is there.
      const end = size === 0 || body + size > data.length ? data.length : body + size;
      const count = Math.floor((end - body) / 2);
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = data.readInt16LE(body + 2 * i);
      return ok(out);
    }
    // Chunks are padded to an even length (RIFF).
    at = body + size + (size % 2);
  }
  return err('no data chunk');
}
