// Renders the system prompts' fallback set into sounds/<language>/: each text of the catalogue
// (src/media/prompts/system-prompt-catalogue.ts) spoken by flite (voice slt) or espeak-ng, brought to 8 kHz
// mono 16-bit by the same converter uploads go through (anti-alias resampler), trimmed and levelled.
// Run: node --import tsx scripts/make-sounds.ts [--engine flite|espeak-ng] [--out sounds]
// Needs Debian's flite (or espeak-ng); the output is committed, so nothing needs them at run time.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONVERT_OPTIONS, SYSTEM_PROMPTS, SYSTEM_PROMPT_NAMES, convertToRelayWav, relayWav } from '../src/media/index.ts';

const { values } = parseArgs({ options: { engine: { type: 'string', default: 'flite' }, out: { type: 'string', default: 'sounds' } } });
const engine = values.engine;
if (engine !== 'flite' && engine !== 'espeak-ng') throw new Error(`--engine is flite or espeak-ng, not ${engine}`);
const language = 'en';
const outDir = join(values.out, language);

/** Peaks at -6 dBFS: loud enough on a handset, with room for G.711 and for the player's mixing. */
const PEAK = 0.5 * 32767;
/** Below this (about -50 dBFS) a sample counts as the silence around the words. */
const SILENCE = 100;
/** Kept around the words, so a prompt's first consonant is not clipped and prompts played back to back breathe. */
const LEAD_MS = 40;
const TAIL_MS = 120;

const work = mkdtempSync(join(tmpdir(), 'make-sounds-'));
try {
  let total = 0;
  for (const name of SYSTEM_PROMPT_NAMES) {
    const text = SYSTEM_PROMPTS[name].text;
    const spoken = join(work, 'spoken.wav');
    const args = engine === 'flite' ? ['-voice', 'slt', '-t', text, '-o', spoken] : ['-v', 'en-us', '-s', '150', '-w', spoken, text];
    const run = spawnSync(engine, args, { timeout: 30_000 });
    if (run.status !== 0) throw new Error(`${engine} failed on "${text}": ${run.error?.message ?? run.stderr.toString()}`);
    const converted = await convertToRelayWav(new Uint8Array(readFileSync(spoken)), 'wav', { ...DEFAULT_CONVERT_OPTIONS, soxPath: false });
    if (!converted.ok) throw new Error(`${name}: ${converted.error}`);
    const wav = levelled(trimmed(samplesOf(converted.value.wav)));
    const path = join(outDir, `${name}.wav`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, relayWav(wav));
    total += 44 + wav.length * 2;
    console.log(`${path}  ${(wav.length / 8000).toFixed(2)} s  "${text}"`);
  }
  console.log(`${SYSTEM_PROMPT_NAMES.length} prompts, ${Math.round(total / 1024)} KiB, ${engine}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function samplesOf(wav: Uint8Array): Int16Array {
  return new Int16Array(new Uint8Array(wav.subarray(44)).buffer);
}

function trimmed(samples: Int16Array): Int16Array {
  let first = samples.findIndex((s) => Math.abs(s) > SILENCE);
  if (first < 0) throw new Error('the synthesiser produced silence');
  let last = samples.length - 1;
  while (last > first && Math.abs(samples[last] ?? 0) <= SILENCE) last--;
  first = Math.max(0, first - (LEAD_MS * 8));
  last = Math.min(samples.length - 1, last + TAIL_MS * 8);
  return samples.slice(first, last + 1);
}

function levelled(samples: Int16Array): Int16Array {
  const peak = samples.reduce((max, s) => Math.max(max, Math.abs(s)), 1);
  const gain = PEAK / peak;
  return samples.map((s) => Math.round(s * gain));
}
