// The DISA step with a scripted caller: the PIN and its tries, the number dialled and where the tenant's dialplan
// sends it, outside numbers only with ds_outbound and a PIN, the caller id the call goes on with, hang-ups.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../shared/index.ts';
import type { CallHandle, PbxMedia, PlaybackEnd, PlayItem } from '../../calls/index.ts';
import { Disa } from './disa.ts';
import { disaSettings } from './disa-settings.ts';

/** One entry per tone the PBX plays: keys the caller types then (the first cuts the tone short), or a hang-up. */
type Turn = { keys?: string; hangup?: true };

function scriptedCaller(turns: Turn[]): PbxMedia & { played: string[][] } {
  const played: string[][] = [];
  let typed: string[] = [];
  let turn = 0;
  return {
    played,
    async play(items: readonly PlayItem[], options): Promise<PlaybackEnd> {
      played.push(items.map((i) => (i.kind === 'file' ? i.path : i.kind === 'tone' ? i.tone : i.kind)));
      // Only the prompts that end in the tone take keys; the closing congestion does not.
      if (options?.stopOnDigits === undefined) return { reason: 'finished' };
      const script = turns[turn++] ?? {};
      if (script.hangup) return { reason: 'hangup' };
      const [first, ...rest] = [...(script.keys ?? '')];
      typed = rest;
      return first === undefined ? { reason: 'finished' } : { reason: 'digit', digit: first };
    },
    stop: () => undefined,
    nextDigit: async () => typed.shift(),
  };
}

function fakeCall(media: PbxMedia, withSetCaller = true) {
  const state = { hungUp: '', caller: [] as Array<{ number?: string; name?: string }>, over: false };
  const call: CallHandle = {
    tenantId: 1,
    tenantCode: 'ACME',
    callerParty: { number: '+15551234', name: 'Ann', account: '' },
    dialled: '41441230000',
    domain: 'pbx.test',
    linkedId: 'l1',
    callerAnswered: false,
    get over() {
      return state.over;
    },
    attempt: () => undefined,
    ring: async () => ({ kind: 'noanswer' }),
    answer: async () => media,
    recordCall: () => undefined,
    hangup: (cause) => void (state.hungUp = cause),
    refuse: async () => undefined,
    ...(withSetCaller ? { setCaller: (update: { number?: string; name?: string }) => void state.caller.push(update) } : {}),
  };
  return { call, state };
}

const numbers = {
  findExtension: async (_tenant: number, number: string) => (number === '101' ? { tenantId: 1, extensionId: 21, number, account: '101-ACME', name: '', dnd: false, ringSeconds: undefined } : undefined),
  findNumbered: async () => undefined,
  shortNumber: async () => undefined,
};

function disa(columns: Record<string, string | number | null>): Disa {
  return new Disa({
    disas: { disa: async (_tenant, id) => (id === 3 ? disaSettings({ ds_id: 3, ds_name: 'Road warriors', ...columns }) : undefined) },
    numbers,
    media: { audioPath: async (_tenant, id) => `/media/${id}.wav` },
    prompts: { path: (name) => `/sounds/${name}.wav` },
    logger: silentLogger,
  });
}

const run = async (columns: Record<string, string | number | null>, turns: Turn[], withSetCaller = true) => {
  const media = scriptedCaller(turns);
  const { call, state } = fakeCall(media, withSetCaller);
  const outcome = await disa(columns).run(call, { tag: 'DISA', id: 3 });
  return { outcome, played: media.played, state };
};

const EXT_21 = { kind: 'jump', targets: [{ tag: 'EXT', id: 21 }] };

describe('DISA', () => {
  test('no PIN: the welcome, a tone, and the number goes where the dialplan sends it', async () => {
    const { outcome, played, state } = await run({ ds_me_id: 9 }, [{ keys: '101#' }]);
    assert.deepEqual(outcome, EXT_21);
    assert.deepEqual(played, [['/media/9.wav', 'confirm-off']]);
    assert.deepEqual(state.caller, [], 'no caller id set: the caller keeps its own');
  });

  test('a PIN: typed right (then #), the tone again for the number', async () => {
    const { outcome, played } = await run({ ds_pin: '4321', ds_me_id: 9 }, [{ keys: '4321#' }, { keys: '101' }]);
    assert.deepEqual(outcome, EXT_21);
    assert.deepEqual(played, [['/media/9.wav', 'confirm-off'], ['confirm-off']]);
  });

  test('a wrong PIN is tried again up to ds_looponattempt times; then congestion and the PBX hangs up', async () => {
    const second = await run({ ds_pin: '4321', ds_looponattempt: 3 }, [{ keys: '1111#' }, { keys: '4321' }, { keys: '101' }]);
    assert.deepEqual(second.outcome, EXT_21);
    assert.deepEqual(second.played[1], ['/sounds/please-try-again.wav', 'confirm-off']);
    const refused = await run({ ds_pin: '4321', ds_looponattempt: 2 }, [{ keys: '1111' }, { keys: '43210#' }, { keys: '4321' }]);
    assert.deepEqual(refused.outcome, { kind: 'done' });
    assert.equal(refused.state.hungUp, 'disa-wrong-pin');
    assert.deepEqual(refused.played.at(-1), ['congestion']);
    assert.equal(refused.played.length, 3, 'no third try');
    // Nothing typed is a wrong PIN too.
    assert.deepEqual((await run({ ds_pin: '4321', ds_looponattempt: 1 }, [{}])).outcome, { kind: 'done' });
  });

  test('outside numbers: only with ds_outbound and a PIN; refused numbers are tried again, then the PBX hangs up', async () => {
    const out = { kind: 'jump', targets: [{ tag: 'OUT', id: 0, number: '0044207' }] };
    assert.deepEqual((await run({ ds_pin: '12', ds_outbound: 'on' }, [{ keys: '12' }, { keys: '0044207#' }])).outcome, out);
    const closed = await run({ ds_pin: '12' }, [{ keys: '12' }, { keys: '0044207' }, { keys: '101' }]);
    assert.deepEqual(closed.outcome, EXT_21);
    assert.deepEqual(closed.played[2], ['/sounds/number-unavailable.wav', 'confirm-off']);
    const noPin = await run({ ds_outbound: 'on', ds_looponattempt: 2 }, [{ keys: '0044207' }, {}]);
    assert.deepEqual(noPin.outcome, { kind: 'done' }, 'outbound without a PIN is no open toll line');
    assert.equal(noPin.state.hungUp, 'disa-no-number');
  });

  test('caller id: ds_calleridnum/name set it; ds_blockcid makes the caller anonymous; a call that cannot set it goes on', async () => {
    const named = await run({ ds_calleridnum: '+41440000000', ds_calleridname: 'ACME' }, [{ keys: '101' }]);
    assert.deepEqual(named.state.caller, [{ number: '+41440000000', name: 'ACME' }]);
    const blocked = await run({ ds_blockcid: 'on' }, [{ keys: '101' }]);
    assert.deepEqual(blocked.state.caller, [{ number: 'anonymous', name: 'Anonymous' }]);
    assert.deepEqual((await run({ ds_calleridnum: '+41440000000' }, [{ keys: '101' }], false)).outcome, EXT_21);
  });

  test('hanging up during the PIN or the number: caller-gone; an unknown DISA lets the list go on', async () => {
    assert.deepEqual((await run({ ds_pin: '1' }, [{ hangup: true }])).outcome, { kind: 'caller-gone' });
    assert.deepEqual((await run({}, [{ hangup: true }])).outcome, { kind: 'caller-gone' });
    const media = scriptedCaller([]);
    assert.deepEqual(await disa({}).run(fakeCall(media).call, { tag: 'DISA', id: 4 }), { kind: 'next', reason: 'unavailable', status: 404, text: 'Not Found' });
  });

  test('settings a tenant writes are bounded', () => {
    const settings = disaSettings({ ds_id: 1, ds_responsetimeout: 100000, ds_digitstimeout: 'x', ds_looponattempt: 1000, ds_me_id: null });
    assert.deepEqual([settings.responseSeconds, settings.digitSeconds, settings.attempts, settings.welcomeMediaId], [60, 10, 5, undefined]);
  });
});
