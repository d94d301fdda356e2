// The CONDITION step as the runner sees it: goto CONDITION / NOTCONDITION / CONDITION<n>, continue when the chosen
// slot is empty, 501 for a type not built, 404 for a missing condition, and a bad condition logged once.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, FakeClock, silentLogger } from '../../../shared/index.ts';
import type { CallHandle, Target } from '../../calls/index.ts';
import type { ConditionDirectory } from './condition-directory.ts';
import { ConditionStep, type ConditionStepDeps } from './condition-step.ts';
import { cond } from './condition.test-support.ts';
import type { StoredCondition } from './stored-condition.ts';

function fakeCall(number = '+390612345678', tenantId = 1, headers?: Record<string, string>): CallHandle {
  return {
    ...(headers === undefined ? {} : { sipHeader: (name: string) => headers[name.toLowerCase()] }),
    tenantId,
    tenantCode: 'ACME',
    callerParty: { number, name: 'Mario Rossi', account: '' },
    dialled: '0612340000',
    domain: 'pbx.test',
    linkedId: 'l1',
    callerAnswered: false,
    over: false,
    attempt: () => assert.fail('a condition starts no CDR attempt'),
    ring: async () => assert.fail('a condition rings nobody'),
    answer: async () => assert.fail('a condition answers nothing'),
    recordCall: () => undefined,
    hangup: () => undefined,
    refuse: async () => undefined,
  };
}

function directory(conditions: readonly StoredCondition[], tenantZone = 'Europe/Rome'): ConditionDirectory {
  return {
    condition: async (tenantId, id) => (tenantId === 1 ? conditions.find((c) => c.id === id) : undefined),
    timeZone: async () => tenantZone,
    flow: async () => undefined,
    variable: async (_tenant, name) => (name === 'MODE' ? 'night' : ''),
    phonebookIds: async (tenantId) => (tenantId === 1 ? [4] : [9]),
  };
}

const FILLED: Record<string, Target[]> = { CONDITION: [{ tag: 'IVR', id: 1 }], NOTCONDITION: [{ tag: 'VOICEMAIL', id: 2 }], CONDITION2: [{ tag: 'EXT', id: 3 }] };

function step(conditions: readonly StoredCondition[], options: { slots?: Record<string, Target[]>; at?: string; deps?: Partial<ConditionStepDeps> } = {}): ConditionStep {
  const slots = options.slots ?? FILLED;
  return new ConditionStep({
    conditions: directory(conditions),
    slots: { slotTargets: async (_tenant, slot, ownerId) => (ownerId === 7 ? (slots[slot] ?? []) : []) },
    clock: new FakeClock(options.at ?? '2026-01-12T08:30:00Z'),
    logger: silentLogger,
    ...options.deps,
  });
}

const office = cond({ id: 7, type: 'WEEKTIME', infos: [['mon-fri', '9:00', '17:00']] });
const target: Target = { tag: 'CONDITION', id: 7 };

describe('CONDITION step', () => {
  test('holds: goto CONDITION of the condition; does not: NOTCONDITION (the tenant zone, Rome, applies)', async () => {
    assert.deepEqual(await step([office]).run(fakeCall(), target), { kind: 'goto', slot: { slot: 'CONDITION', ownerId: 7 } });
    assert.deepEqual(await step([office], { at: '2026-01-12T07:30:00Z' }).run(fakeCall(), target), { kind: 'goto', slot: { slot: 'NOTCONDITION', ownerId: 7 } });
  });

  test('a multi-valued condition goes to CONDITION<n>; an empty chosen slot lets the list go on', async () => {
    const mode = cond({ id: 7, type: 'MULTIVARIABLE', params: ['MODE', 'day', 'night'] });
    assert.deepEqual(await step([mode]).run(fakeCall(), target), { kind: 'goto', slot: { slot: 'CONDITION2', ownerId: 7 } });
    assert.deepEqual(await step([mode], { slots: { CONDITION: FILLED.CONDITION ?? [] } }).run(fakeCall(), target), { kind: 'continue' });
    assert.deepEqual(await step([office], { slots: {} }).run(fakeCall(), target), { kind: 'continue' });
  });

  test("VARIABLE reads the call's own variables (DIAL var=, as ACME-<name>) before the tenant's", async () => {
    const withVars = (vars: Record<string, string>): CallHandle => ({ ...fakeCall(), variable: (name: string) => vars[name] });
    const lead = cond({ id: 7, type: 'VARIABLE', params: ['lead', 'web'] });
    assert.deepEqual(await step([lead]).run(withVars({ 'ACME-lead': 'web' }), target), { kind: 'goto', slot: { slot: 'CONDITION', ownerId: 7 } });
    assert.deepEqual(await step([lead]).run(withVars({ 'ACME-lead': 'phone' }), target), { kind: 'goto', slot: { slot: 'NOTCONDITION', ownerId: 7 } });
    const mode = cond({ id: 7, type: 'VARIABLE', params: ['MODE', 'day'] });
    assert.deepEqual(await step([mode]).run(withVars({ MODE: 'day' }), target), { kind: 'goto', slot: { slot: 'CONDITION', ownerId: 7 } }, 'the call wins over the tenant (night)');
    assert.deepEqual(await step([mode]).run(withVars({}), target), { kind: 'goto', slot: { slot: 'NOTCONDITION', ownerId: 7 } }, 'unset on the call: the tenant decides');
  });

  test('the caller decides a caller condition', async () => {
    const vip = cond({ id: 7, type: 'CALLERID', params: ['^\\+39'] });
    assert.equal((await step([vip]).run(fakeCall('+390612345678'), target)).kind, 'goto');
    assert.deepEqual(await step([vip]).run(fakeCall('+4930123'), target), { kind: 'goto', slot: { slot: 'NOTCONDITION', ownerId: 7 } });
  });

  test('a type not built: next target, 501 naming it; a missing or foreign condition: next, 404', async () => {
    assert.deepEqual(await step([cond({ id: 7, type: 'AGISCRIPT' })]).run(fakeCall(), target), {
      kind: 'next',
      reason: 'not-built',
      status: 501,
      text: 'condition type AGISCRIPT is not implemented yet',
    });
    assert.deepEqual(await step([cond({ id: 7, type: 'EXTENSIONSTATUS', params: ['101', 'INUSE'] })]).run(fakeCall(), target), {
      kind: 'next',
      reason: 'not-built',
      status: 501,
      text: 'condition type EXTENSIONSTATUS is not implemented yet',
    });
    assert.deepEqual(await step([office]).run(fakeCall(), { tag: 'CONDITION', id: 8 }), { kind: 'next', reason: 'unavailable', status: 404, text: 'Not Found' });
    assert.deepEqual(await step([office]).run(fakeCall('+390612345678', 2), target), { kind: 'next', reason: 'unavailable', status: 404, text: 'Not Found' });
  });

  test('EXTENSIONSTATUS through the port the node fills', async () => {
    const busy = cond({ id: 7, type: 'EXTENSIONSTATUS', params: ['101', 'INUSE'] });
    const seen: Array<[number, string]> = [];
    const extensionStates = { extensionState: async (tenantId: number, number: string) => (seen.push([tenantId, number]), 'INUSE') };
    assert.deepEqual(await step([busy], { deps: { extensionStates } }).run(fakeCall(), target), { kind: 'goto', slot: { slot: 'CONDITION', ownerId: 7 } });
    assert.deepEqual(seen, [[1, '101']]);
  });

  test("SIPHEADER reads the caller's INVITE through the handle; a handle that cannot tell: not built", async () => {
    const trunk = cond({ id: 7, type: 'SIPHEADER', params: ['X-Trunk', '^gold$'] });
    assert.deepEqual(await step([trunk]).run(fakeCall('+390612345678', 1, { 'x-trunk': 'gold' }), target), { kind: 'goto', slot: { slot: 'CONDITION', ownerId: 7 } });
    assert.deepEqual(await step([trunk]).run(fakeCall('+390612345678', 1, { 'x-trunk': 'silver' }), target), { kind: 'goto', slot: { slot: 'NOTCONDITION', ownerId: 7 } });
    assert.deepEqual(await step([trunk]).run(fakeCall('+390612345678', 1, {}), target), { kind: 'goto', slot: { slot: 'NOTCONDITION', ownerId: 7 } });
    assert.equal((await step([trunk]).run(fakeCall(), target)).kind, 'next');
  });

  test("PHONEBOOK through the port the node fills, bound to the call's tenant; without it not built", async () => {
    const known = cond({ id: 7, type: 'PHONEBOOK', params: ['4'] });
    const seen: Array<[number, number, string]> = [];
    const phonebooks = { callerListed: async (tenantId: number, id: number, number: string) => (seen.push([tenantId, id, number]), number === '+390612345678') };
    assert.deepEqual(await step([known], { deps: { phonebooks } }).run(fakeCall(), target), { kind: 'goto', slot: { slot: 'CONDITION', ownerId: 7 } });
    assert.deepEqual(await step([known], { deps: { phonebooks } }).run(fakeCall('+4930123'), target), { kind: 'goto', slot: { slot: 'NOTCONDITION', ownerId: 7 } });
    assert.deepEqual(seen, [[1, 4, '+390612345678'], [1, 4, '+4930123']]);
    assert.equal((await step([known]).run(fakeCall(), target)).kind, 'next');
  });

  test('GLOBAL: not built while no global conditions are stored; with the port, a global condition decides', async () => {
    const shared = cond({ id: 7, type: 'GLOBAL', params: ['50'] });
    assert.deepEqual(await step([shared]).run(fakeCall(), target), { kind: 'next', reason: 'not-built', status: 501, text: 'condition type GLOBAL is not implemented yet' });
    const globalConditions = { globalCondition: async (id: number) => (id === 50 ? office : undefined) };
    // Monday 08:30 UTC is 09:30 in Rome, the tenant's zone: the global office hours hold.
    assert.deepEqual(await step([shared], { deps: { globalConditions } }).run(fakeCall(), target), { kind: 'goto', slot: { slot: 'CONDITION', ownerId: 7 } });
  });

  test('bad stored parameters: never a throw, NOTCONDITION, and the problem logged once however many calls', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(String(chunk)), done()) }));
    const broken = step([cond({ id: 7, type: 'WEEKTIME', infos: [['mon', '9:00', '99:00']] })], { deps: { logger } });
    for (let i = 0; i < 3; i++) assert.deepEqual(await broken.run(fakeCall(), target), { kind: 'goto', slot: { slot: 'NOTCONDITION', ownerId: 7 } });
    logger.flush();
    await new Promise((resolve) => setImmediate(resolve));
    const said = lines.filter((line) => line.includes('condition cannot be evaluated'));
    assert.equal(said.length, 1);
    assert.match(said[0] ?? '', /99:00/);
  });
});
