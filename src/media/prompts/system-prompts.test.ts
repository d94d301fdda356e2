// SystemPrompts finds the generated fallback set (and the set stays in step with the catalogue), prefers
// Asterisk's recordings when they are there and playable, and passes over files the relay cannot play.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readWavSamples } from '../player/index.ts';
import { makeWav } from '../audio-convert/audio-fixtures.test-support.ts';
import { SystemPrompts, DEFAULT_FALLBACK_DIR } from './system-prompts.ts';
import { SYSTEM_PROMPT_NAMES } from './system-prompt-catalogue.ts';

const wav = (rate: number) => makeWav({ rate, channels: 1, seconds: 0.1, signal: (t) => 0.3 * Math.sin(2 * Math.PI * 500 * t) });

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('SystemPrompts', () => {
  const asterisk = mkdtempSync(join(tmpdir(), 'callgrid-asterisk-sounds-'));
  after(() => rmSync(asterisk, { recursive: true, force: true }));

  test('the fallback set has every prompt of the catalogue, each playable by the relay as it is', async () => {
    const prompts = await SystemPrompts.load({ asteriskDirs: [] });
    assert.deepEqual(prompts.missing(), []);
    for (const name of SYSTEM_PROMPT_NAMES) {
      assert.equal(prompts.path(name), join(DEFAULT_FALLBACK_DIR, 'en', `${name}.wav`));
      assert.equal(prompts.source(name), 'fallback');
      const samples = await readWavSamples(prompts.path(name) ?? '');
      assert.ok(samples.ok && samples.value.length > 2000, name);
    }
    // No stray files either: sounds/en holds the catalogue and nothing else.
    const onDisk = filesUnder(join(DEFAULT_FALLBACK_DIR, 'en')).map((f) => relative(join(DEFAULT_FALLBACK_DIR, 'en'), f).replace(/\.wav$/, ''));
    assert.deepEqual(onDisk.sort(), [...SYSTEM_PROMPT_NAMES].sort());
  });

  test("Asterisk's recordings win when present and 8 kHz; others come from the fallback set", async () => {
    mkdirSync(join(asterisk, 'en', 'digits'), { recursive: true });
    mkdirSync(join(asterisk, 'en_US_f_Allison'), { recursive: true });
    writeFileSync(join(asterisk, 'en', 'goodbye.wav'), wav(8000));
    writeFileSync(join(asterisk, 'en', 'digits', '1.wav'), wav(8000));
    // A wideband file the relay cannot play as it is: passed over, not converted.
    writeFileSync(join(asterisk, 'en', 'vm-press.wav'), wav(16_000));
    // Only in the voice's own folder (asterisk-core-sounds-en-wav without the `en` alternatives link).
    writeFileSync(join(asterisk, 'en_US_f_Allison', 'pm-invalid-option.wav'), wav(8000));
    const prompts = await SystemPrompts.load({ asteriskDirs: [join(asterisk, '{language}'), join(asterisk, 'en_US_f_Allison')] });
    assert.equal(prompts.path('goodbye'), join(asterisk, 'en', 'goodbye.wav'));
    assert.equal(prompts.source('goodbye'), 'asterisk');
    assert.equal(prompts.path('digits/1'), join(asterisk, 'en', 'digits', '1.wav'));
    assert.equal(prompts.path('invalid-option'), join(asterisk, 'en_US_f_Allison', 'pm-invalid-option.wav'));
    assert.equal(prompts.path('press'), join(DEFAULT_FALLBACK_DIR, 'en', 'press.wav'));
    assert.equal(prompts.source('press'), 'fallback');
    assert.equal(prompts.path('transferred'), join(DEFAULT_FALLBACK_DIR, 'en', 'transferred.wav'));
    assert.deepEqual(prompts.digits('1#2'), [join(asterisk, 'en', 'digits', '1.wav'), join(DEFAULT_FALLBACK_DIR, 'en', 'digits', '2.wav')]);
  });

  test('unknown names and missing sets answer undefined; a language is a folder name, nothing more', async () => {
    const none = await SystemPrompts.load({ asteriskDirs: [], fallbackDir: join(asterisk, 'nowhere') });
    assert.equal(none.path('goodbye'), undefined);
    assert.equal(none.missing().length, SYSTEM_PROMPT_NAMES.length);
    assert.equal((await SystemPrompts.load({ asteriskDirs: [] })).path('../../etc/passwd'), undefined);
    await assert.rejects(SystemPrompts.load({ language: '../etc' }), /Not a language folder name/);
  });
});
