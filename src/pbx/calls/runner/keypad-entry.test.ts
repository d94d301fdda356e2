// collectKeys against a scripted caller: the waits it asks for, where an entry ends, and a hang-up at any point.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { collectKeys, keypadColumns, type KeypadOptions } from './keypad-entry.ts';
import type { PbxMedia, PlaybackEnd } from './pbx-media.ts';

/** A caller whose keys come from `keys` ('HANGUP' hangs up); `played` is how the prompt ends. */
function caller(keys: string[], played: PlaybackEnd) {
  const call = { over: false };
  const waits: number[] = [];
  const media: PbxMedia = {
    play: async () => played,
    stop: () => undefined,
    nextDigit: async (timeoutMs) => {
      waits.push(timeoutMs);
      const key = keys.shift();
      if (key === 'HANGUP') call.over = true;
      return key === 'HANGUP' ? undefined : key;
    },
  };
  return { call, media, waits };
}

const TONE: KeypadOptions = { prompt: [{ kind: 'silence', ms: 10 }], stopKeys: '0123456789*#', firstDigitMs: 20_000, promptIsWait: true, interDigitMs: 10_000, maxDigits: 4, terminator: '#' };

describe('collectKeys', () => {
  test('the key that cut the prompt, then keys until the terminator, which is not kept', async () => {
    const { call, media, waits } = caller(['2', '3', '#', '9'], { reason: 'digit', digit: '1' });
    assert.equal(await collectKeys(call, media, TONE), '123');
    assert.deepEqual(waits, [10_000, 10_000, 10_000]);
  });

  test('a tone that is the wait, played through: nothing typed, no second wait', async () => {
    const { call, media, waits } = caller(['5'], { reason: 'finished' });
    assert.equal(await collectKeys(call, media, TONE), '');
    assert.deepEqual(waits, []);
  });

  test('a prompt that is not the wait gets the first-digit wait after it; the most digits end the entry', async () => {
    const { call, media, waits } = caller(['1', '2', '3', '4', '5'], { reason: 'finished' });
    assert.equal(await collectKeys(call, media, { ...TONE, promptIsWait: false }), '1234');
    assert.deepEqual(waits, [20_000, 10_000, 10_000, 10_000]);
  });

  test('a leading terminator is an empty entry, or the entry itself for a menu; maxDigits may follow the first key', async () => {
    const empty = caller(['5'], { reason: 'digit', digit: '#' });
    assert.equal(await collectKeys(empty.call, empty.media, TONE), '');
    const menu = { ...TONE, leadingTerminator: 'key' as const, maxDigits: (first: string) => (first === '*' ? 32 : 1) };
    const hash = caller(['5'], { reason: 'digit', digit: '#' });
    assert.equal(await collectKeys(hash.call, hash.media, menu), '#');
    const star = caller(['7', '8', '#'], { reason: 'digit', digit: '*' });
    assert.equal(await collectKeys(star.call, star.media, menu), '*78');
  });

  test('a hang-up during the prompt or between keys: undefined', async () => {
    const during = caller([], { reason: 'hangup' });
    assert.equal(await collectKeys(during.call, during.media, TONE), undefined);
    const between = caller(['2', 'HANGUP'], { reason: 'digit', digit: '1' });
    assert.equal(await collectKeys(between.call, between.media, TONE), undefined);
  });

  test('no prompt: the first-digit wait starts at once', async () => {
    const { call, media, waits } = caller([], { reason: 'finished' });
    assert.equal(await collectKeys(call, media, { ...TONE, prompt: [] }), '');
    assert.deepEqual(waits, [20_000]);
  });
});

describe('keypadColumns', () => {
  const rules = { firstDigitSeconds: 20, digitSeconds: 10, tries: 3, maxWaitSeconds: 60, maxTries: 5 };
  test('positive values are taken (whole, bounded); empty or unusable ones get the defaults', () => {
    assert.deepEqual(keypadColumns({ firstDigit: '7.9', digit: 600, tries: 9 }, rules), { firstDigitSeconds: 7, digitSeconds: 60, tries: 5 });
    assert.deepEqual(keypadColumns({ firstDigit: null, digit: 'x', tries: 2.5 }, rules), { firstDigitSeconds: 20, digitSeconds: 10, tries: 3 });
    assert.deepEqual(keypadColumns({ firstDigit: 0, digit: -1, tries: 0 }, rules), { firstDigitSeconds: 20, digitSeconds: 10, tries: 3 });
  });
});
