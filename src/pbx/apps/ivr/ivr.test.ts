// The IVR step with a scripted caller: which slot each choice leads to, rounds on timeout and wrong keys, the
// welcome played once, numbers dialled in the menu.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../shared/index.ts';
import type { CallHandle, PbxMedia, PlaybackEnd, PlayItem, Target } from '../../calls/index.ts';
import { Ivr, type IvrDeps } from './ivr.ts';
import type { IvrChoice } from './ivr-log.ts';
import { ivrSettings } from './ivr-settings.ts';

/** The caller: for each prompt played, a key that cuts it short or none; then the keys typed after, in order. */
function scriptedMedia(rounds: Array<{ duringPrompt?: string; after?: Array<string | undefined>; hangup?: true }>): PbxMedia & { played: string[][] } {
  const played: string[][] = [];
  let round = -1;
  let typed: Array<string | undefined> = [];
  return {
    played,
    async play(items: readonly PlayItem[]): Promise<PlaybackEnd> {
      round++;
      played.push(items.map((i) => (i.kind === 'file' ? i.path : i.kind)));
      const script = rounds[round] ?? {};
      typed = [...(script.after ?? [])];
      if (script.hangup) return { reason: 'hangup' };
      return script.duringPrompt === undefined ? { reason: 'finished' } : { reason: 'digit', digit: script.duringPrompt };
    },
    stop: () => undefined,
    nextDigit: async () => typed.shift(),
  };
}

function fakeCall(media: PbxMedia): CallHandle {
  return {
    tenantId: 1,
    tenantCode: 'ACME',
    callerParty: { number: '+15551234', name: '', account: '' },
    dialled: '41441230000',
    domain: 'pbx.test',
    linkedId: 'l1',
    callerAnswered: false,
    over: false,
    attempt: () => undefined,
    ring: async () => ({ kind: 'noanswer' }),
    answer: async () => media,
    recordCall: () => undefined,
    hangup: () => undefined,
    refuse: async () => undefined,
  };
}

const SLOTS: Record<string, Target[]> = {
  IVR_MEDIAFILE: [{ tag: 'PLAYBACK', id: 1 }],
  IVR_OPTIONSMEDIAFILE: [{ tag: 'PLAYBACK', id: 2 }],
  IVR_1: [{ tag: 'EXT', id: 10 }],
  IVR_STAR: [{ tag: 'EXT', id: 11 }],
  IVR_TIMEOUT: [{ tag: 'VOICEMAIL', id: 1 }],
};

function ivr(columns: Record<string, string | number>, slots: Record<string, Target[]> = SLOTS, extra: Partial<IvrDeps> = {}): Ivr {
  return new Ivr({
    ...extra,
    ivrs: { ivr: async () => ivrSettings({ iv_id: 7, iv_name: 'Main', ...columns }) },
    slots: { slotTargets: async (_tenant, slot) => slots[slot] ?? [] },
    media: { audioPath: async (_tenant, id) => `/media/${id}.wav` },
    extensions: { findExtension: async (_tenant, number) => (number === '101' ? { extensionId: 21 } : undefined) },
    logger: silentLogger,
  });
}

const goto = (slot: string) => ({ kind: 'goto', slot: { slot, ownerId: 7 } });

describe('IVR', () => {
  test('a key during the welcome goes to its slot at once; * reads IVR_STAR', async () => {
    const media = scriptedMedia([{ duringPrompt: '1' }]);
    assert.deepEqual(await ivr({}).run(fakeCall(media), { tag: 'IVR', id: 7 }), goto('IVR_1'));
    assert.deepEqual(media.played, [['/media/1.wav', '/media/2.wav']]);
    assert.deepEqual(await ivr({}).run(fakeCall(scriptedMedia([{ after: ['*'] }])), { tag: 'IVR', id: 7 }), goto('IVR_STAR'));
  });

  test('no key: IVR_TIMEOUT; with loops on timeout the menu repeats up to iv_maxloops rounds, the welcome once when asked', async () => {
    assert.deepEqual(await ivr({}).run(fakeCall(scriptedMedia([{}])), { tag: 'IVR', id: 7 }), goto('IVR_TIMEOUT'));
    const media = scriptedMedia([{}, {}, { after: ['1'] }]);
    assert.deepEqual(await ivr({ iv_loopontimeout: 'on', iv_maxloops: 3, iv_loopplaymessageonce: 'on' }).run(fakeCall(media), { tag: 'IVR', id: 7 }), goto('IVR_1'));
    assert.deepEqual(media.played, [['/media/1.wav', '/media/2.wav'], ['/media/2.wav'], ['/media/2.wav']]);
    const exhausted = scriptedMedia([{}, {}]);
    assert.deepEqual(await ivr({ iv_loopontimeout: 'on', iv_maxloops: 2 }).run(fakeCall(exhausted), { tag: 'IVR', id: 7 }), goto('IVR_TIMEOUT'));
    assert.equal(exhausted.played.length, 2);
  });

  test('a key with no destination: IVR_WRONG when it has targets, else the menu ends (continue); loops on wrong keys', async () => {
    assert.deepEqual(await ivr({}).run(fakeCall(scriptedMedia([{ after: ['5'] }])), { tag: 'IVR', id: 7 }), { kind: 'continue' });
    const withWrong = { ...SLOTS, IVR_WRONG: [{ tag: 'PLAYBACK', id: 3 }] };
    assert.deepEqual(await ivr({}, withWrong).run(fakeCall(scriptedMedia([{ after: ['5'] }])), { tag: 'IVR', id: 7 }), goto('IVR_WRONG'));
    const media = scriptedMedia([{ after: ['5'] }, { duringPrompt: '1' }]);
    assert.deepEqual(await ivr({ iv_looponwrongkeypress: 'on' }).run(fakeCall(media), { tag: 'IVR', id: 7 }), goto('IVR_1'));
  });

  test("iv_allowanyextension: keys typed within the digit timeout dial the tenant's extension; # ends the number", async () => {
    const dialled = scriptedMedia([{ duringPrompt: '1', after: ['0', '1', undefined] }]);
    assert.deepEqual(await ivr({ iv_allowanyextension: 'on' }).run(fakeCall(dialled), { tag: 'IVR', id: 7 }), { kind: 'jump', targets: [{ tag: 'EXT', id: 21 }] });
    // 1 alone, then the digit timeout: the key's own slot.
    assert.deepEqual(await ivr({ iv_allowanyextension: 'on' }).run(fakeCall(scriptedMedia([{ duringPrompt: '1', after: [undefined] }])), { tag: 'IVR', id: 7 }), goto('IVR_1'));
    assert.deepEqual(await ivr({ iv_allowanyextension: 'on' }).run(fakeCall(scriptedMedia([{ after: ['1', '0', '1', '#'] }])), { tag: 'IVR', id: 7 }), { kind: 'jump', targets: [{ tag: 'EXT', id: 21 }] });
  });

  test('settings a tenant writes are bounded', () => {
    const settings = ivrSettings({ iv_id: 1, iv_timeout: 100000, iv_maxloops: 1000, iv_digittimeout: '' });
    assert.deepEqual([settings.waitSeconds, settings.maxLoops, settings.digitSeconds], [120, 20, 3]);
  });
});

describe('IVR: the log, IVR_HANGUP, feature codes and DISA', () => {
  /** The log as a list of `round keys choice destination`. */
  function logged(): { log: { record(choice: IvrChoice): Promise<void> }; entries: IvrChoice[] } {
    const entries: IvrChoice[] = [];
    return { entries, log: { record: async (choice) => void entries.push(choice) } };
  }
  const lines = (entries: IvrChoice[]) => entries.map((e) => `${e.round} ${e.keys || '-'} ${e.choice} ${e.destination || '-'}`);

  test('every choice is logged: a key with its slot, a timeout that repeats, a wrong key, the caller and the menu named', async () => {
    const key = logged();
    await ivr({}, SLOTS, { log: key.log }).run(fakeCall(scriptedMedia([{ duringPrompt: '1' }])), { tag: 'IVR', id: 7 });
    assert.deepEqual(lines(key.entries), ['1 1 KEY IVR_1']);
    assert.deepEqual(key.entries[0], { tenantId: 1, linkedId: 'l1', ivrId: 7, ivrName: 'Main', callerNumber: '+15551234', callerName: '', round: 1, keys: '1', choice: 'KEY', destination: 'IVR_1' });
    const rounds = logged();
    const withWrong = { ...SLOTS, IVR_WRONG: [{ tag: 'PLAYBACK', id: 3 }] };
    await ivr({ iv_loopontimeout: 'on', iv_looponwrongkeypress: 'on', iv_maxloops: 3 }, withWrong, { log: rounds.log }).run(fakeCall(scriptedMedia([{}, { after: ['5'] }, { after: ['6'] }])), { tag: 'IVR', id: 7 });
    assert.deepEqual(lines(rounds.entries), ['1 - TIMEOUT -', '2 5 WRONG -', '3 6 WRONG IVR_WRONG']);
    const ended = logged();
    await ivr({}, SLOTS, { log: ended.log }).run(fakeCall(scriptedMedia([{ after: ['5'] }])), { tag: 'IVR', id: 7 });
    await ivr({}, SLOTS, { log: ended.log }).run(fakeCall(scriptedMedia([{}])), { tag: 'IVR', id: 7 });
    assert.deepEqual(lines(ended.entries), ['1 5 WRONG -', '1 - TIMEOUT IVR_TIMEOUT']);
  });

  test('a log that fails does not fail the call', async () => {
    const failing = { record: async () => Promise.reject(new Error('disk full')) };
    assert.deepEqual(await ivr({}, SLOTS, { log: failing }).run(fakeCall(scriptedMedia([{ duringPrompt: '1' }])), { tag: 'IVR', id: 7 }), goto('IVR_1'));
  });

  test('hanging up in the menu: caller-gone naming IVR_HANGUP when it has targets, and logged', async () => {
    const { log, entries } = logged();
    const withHangup = { ...SLOTS, IVR_HANGUP: [{ tag: 'FLOW', id: 4 }] };
    assert.deepEqual(await ivr({}, withHangup, { log }).run(fakeCall(scriptedMedia([{ hangup: true }])), { tag: 'IVR', id: 7 }), { kind: 'caller-gone', then: { slot: 'IVR_HANGUP', ownerId: 7 } });
    assert.deepEqual(await ivr({}, SLOTS, { log }).run(fakeCall(scriptedMedia([{ hangup: true }])), { tag: 'IVR', id: 7 }), { kind: 'caller-gone' });
    assert.deepEqual(lines(entries), ['1 - HANGUP IVR_HANGUP', '1 - HANGUP -']);
  });

  const featureCodes = { isFeatureCode: async (_tenant: number, dialled: string) => dialled === '*78' };

  test('iv_allowfeatures: a feature code dialled after * jumps to FEATURECODE; off, * alone is the IVR_STAR key', async () => {
    const { log, entries } = logged();
    const code = scriptedMedia([{ duringPrompt: '*', after: ['7', '8', '#'] }]);
    assert.deepEqual(await ivr({ iv_allowfeatures: 'on' }, SLOTS, { featureCodes, log }).run(fakeCall(code), { tag: 'IVR', id: 7 }), { kind: 'jump', targets: [{ tag: 'FEATURECODE', id: 0, number: '*78' }] });
    assert.deepEqual(lines(entries), ['1 *78 FEATURE FEATURECODE']);
    // Off: the keys after * are not waited for; * is its own slot.
    assert.deepEqual(await ivr({}, SLOTS, { featureCodes }).run(fakeCall(scriptedMedia([{ duringPrompt: '*', after: ['7', '8'] }])), { tag: 'IVR', id: 7 }), goto('IVR_STAR'));
    // On, a sequence that is no feature code of the tenant: a wrong key.
    assert.deepEqual(await ivr({ iv_allowfeatures: 'on' }, SLOTS, { featureCodes }).run(fakeCall(scriptedMedia([{ duringPrompt: '*', after: ['9', '9', undefined] }])), { tag: 'IVR', id: 7 }), { kind: 'continue' });
    // On, a plain key: no wait for more keys.
    assert.deepEqual(await ivr({ iv_allowfeatures: 'on' }, SLOTS, { featureCodes }).run(fakeCall(scriptedMedia([{ duringPrompt: '1', after: ['0', '1'] }])), { tag: 'IVR', id: 7 }), goto('IVR_1'));
  });

  const numbers = {
    findExtension: async (_tenant: number, number: string) => (number === '101' ? { tenantId: 1, extensionId: 21, number, account: '101-ACME', name: '', dnd: false, ringSeconds: undefined } : undefined),
    findNumbered: async (_tenant: number, number: string) => (number === '600' ? { tag: 'HUNTLIST', id: 3 } : undefined),
    shortNumber: async () => undefined,
  };

  test("iv_allowdisa: a number goes where the tenant's dialplan sends it, outside numbers included; a lone key stays a key", async () => {
    const { log, entries } = logged();
    const run = (keys: { duringPrompt?: string; after?: Array<string | undefined> }) => ivr({ iv_allowdisa: 'on' }, SLOTS, { numbers, log }).run(fakeCall(scriptedMedia([keys])), { tag: 'IVR', id: 7 });
    assert.deepEqual(await run({ duringPrompt: '6', after: ['0', '0', '#'] }), { kind: 'jump', targets: [{ tag: 'HUNTLIST', id: 3 }] });
    assert.deepEqual(await run({ after: ['0', '0', '4', '4', '2', '0', undefined] }), { kind: 'jump', targets: [{ tag: 'OUT', id: 0, number: '004420' }] });
    assert.deepEqual(await run({ duringPrompt: '1', after: ['0', '1'] }), { kind: 'jump', targets: [{ tag: 'EXT', id: 21 }] });
    assert.deepEqual(await run({ duringPrompt: '5', after: [undefined] }), { kind: 'continue' });
    assert.deepEqual(lines(entries), ['1 600 DISA HUNTLIST-3', '1 004420 DISA OUT', '1 101 DISA EXT-21', '1 5 WRONG -']);
    // Off, the same number is a wrong key.
    assert.deepEqual(await ivr({}, SLOTS, { numbers }).run(fakeCall(scriptedMedia([{ duringPrompt: '6', after: ['0', '0'] }])), { tag: 'IVR', id: 7 }), { kind: 'continue' });
  });
});
