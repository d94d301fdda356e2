// The canonical 44-byte RIFF/WAVE header for 8 kHz 16-bit linear PCM (WAVE_FORMAT_PCM: a "fmt " chunk of 16
// bytes, then "data"), written as a placeholder first and patched with the real sizes when the recording ends.

export const WAV_HEADER_BYTES = 44;
export const WAV_SAMPLE_RATE = 8000;
const BITS_PER_SAMPLE = 16;
const WAVE_FORMAT_PCM = 1;
/** RIFF sizes are 32-bit: the data chunk can hold at most this many bytes (about 37 hours of stereo). */
export const MAX_WAV_DATA_BYTES = 0xffffffff - (WAV_HEADER_BYTES - 8);

/** A header for `channels` channels and `dataBytes` bytes of samples. */
export function wavHeader(channels: 1 | 2, dataBytes: number): Buffer {
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  const blockAlign = channels * (BITS_PER_SAMPLE / 8);
  header.write('RIFF', 0, 'latin1');
  // The RIFF size counts everything after its own 8-byte chunk header.
  header.writeUInt32LE(WAV_HEADER_BYTES - 8 + dataBytes, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(WAV_SAMPLE_RATE, 24);
  header.writeUInt32LE(WAV_SAMPLE_RATE * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(BITS_PER_SAMPLE, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}
