// The IVR step with a scripted caller: which slot each choice leads to, rounds on timeout and wrong keys, the
// welcome played once, numbers dialled in the menu.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../shared/index.ts';
import type { CallHandle, PbxMedia, PlaybackEnd, PlayItem, Target } from '../../calls/index.ts';
import { Ivr } from './ivr.ts';
import { ivrSettings } from './ivr-settings.ts';

/** The caller: for each prompt played, a key that cuts it short or none; then the keys typed after, in order. */
function scriptedMedia(rounds: Array<{ duringPrompt?: string; after?: Array<string | undefined> }>): PbxMedia & { played: string[][] } {
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

function ivr(columns: Record<string, string | number>, slots: Record<string, Target[]> = SLOTS): Ivr {
  return new Ivr({
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
