// Where the samples of a 16-bit PCM WAV file lie, read from its RIFF chunks, so an encoder can be fed the raw
// samples and never a header it might misread. Only what the call recorder writes is accepted (PCM, 16-bit).
import type { FileHandle } from 'node:fs/promises';

export interface WavLayout {
  readonly channels: number;
  readonly sampleRate: number;
  /** Byte offset of the first sample. */
  readonly dataOffset: number;
  /** Sample bytes, whole frames only. */
  readonly dataBytes: number;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
// Enough for the canonical 44-byte header and a few chunks before `data` (LIST, fact).
const HEAD_BYTES = 4096;

/** The layout of the WAV behind `handle` (`fileBytes` long); throws an Error saying what is wrong. */
export async function readWavLayout(handle: FileHandle, fileBytes: number): Promise<WavLayout> {
  const head = Buffer.alloc(Math.min(HEAD_BYTES, fileBytes));
  await handle.read(head, 0, head.length, 0);
  if (head.length < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let format: { channels: number; sampleRate: number; blockAlign: number } | undefined;
  for (let at = 12; at + 8 <= head.length; ) {
    const id = head.toString('latin1', at, at + 4);
    const size = head.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      if (body + 16 > head.length) throw new Error('truncated fmt chunk');
      const tag = head.readUInt16LE(body);
      const bits = head.readUInt16LE(body + 14);
      if ((tag !== WAVE_FORMAT_PCM && tag !== WAVE_FORMAT_EXTENSIBLE) || bits !== 16) throw new Error(`not 16-bit PCM (format ${tag}, ${bits} bits)`);
      format = { channels: head.readUInt16LE(body + 2), sampleRate: head.readUInt32LE(body + 4), blockAlign: head.readUInt16LE(body + 12) };
      if (format.channels < 1 || format.channels > 2 || format.blockAlign !== format.channels * 2) throw new Error(`unsupported channel layout (${format.channels} channels)`);
      if (format.sampleRate < 8000 || format.sampleRate > 48000) throw new Error(`unsupported sample rate ${format.sampleRate}`);
    } else if (id === 'data') {
      if (!format) throw new Error('data before fmt');
      const available = fileBytes - body;
      // A streamed header may still hold a placeholder size (0 or 0xFFFFFFFF); the file's length then says it.
      const declared = size === 0 || size === 0xffffffff || size > available ? available : size;
      return { channels: format.channels, sampleRate: format.sampleRate, dataOffset: body, dataBytes: declared - (declared % format.blockAlign) };
    }
    // Chunks are padded to an even length.
    at = body + size + (size % 2);
  }
  throw new Error('no data chunk in the first 4 KiB');
}
