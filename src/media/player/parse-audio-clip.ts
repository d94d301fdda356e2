// Turns a prompt file's bytes into an AudioClip by its extension: .wav (8 kHz mono 16-bit PCM, read-wav-samples.ts),
// .ulaw/.pcmu and .alaw/.pcma (headerless G.711 at 8 kHz, what Asterisk and FreeSWITCH ship their prompts as).
import { extname } from 'node:path';
import { err, ok, type Result } from '../../shared/index.ts';
import { AudioClip, type G711Law } from './audio-clip.ts';
import { parseWavSamples } from './read-wav-samples.ts';

const RAW_LAWS: Readonly<Record<string, G711Law>> = { '.ulaw': 'PCMU', '.pcmu': 'PCMU', '.ul': 'PCMU', '.alaw': 'PCMA', '.pcma': 'PCMA', '.al': 'PCMA' };

export function parseAudioClip(path: string, data: Buffer): Result<AudioClip, string> {
  const extension = extname(path).toLowerCase();
  const law = RAW_LAWS[extension];
  if (law !== undefined) {
    if (data.length === 0) return err(`${path}: empty file`);
    return ok(AudioClip.fromCodes(law, data));
  }
  // Anything else must be a WAV file; a wrong extension on one still plays, and other formats are refused by name.
  const samples = parseWavSamples(data);
  if (!samples.ok) return err(`${path}: ${samples.error}`);
  if (samples.value.length === 0) return err(`${path}: no samples`);
  return ok(new AudioClip(samples.value));
}
