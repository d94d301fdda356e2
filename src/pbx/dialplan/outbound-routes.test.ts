// Outbound routing: number rewriting, call permissions, rule matching by rank, weights, blacklists, caller ids.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  callerMayDial,
  classifyNumber,
  parseCallPermission,
  permissionAllows,
  rewriteNumber,
  routeOutbound,
  routeOutboundCall,
  ruleMatches,
  weightedOrder,
  type CallerRouting,
  type OutboundDecision,
  type OutboundDirectory,
  type RouteRule,
  type RoutingProvider,
} from './outbound-routes.ts';

/** mulberry32: a small seeded PRNG so weight tests are repeatable. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const caller = (over: Partial<CallerRouting> = {}): CallerRouting => ({
  extensionId: 1,
  routingProfileId: 7,
  callAllowed: 'all',
  destAllowRegex: '',
  callAllowedReason: '',
  callerIdNumber: '390212345',
  callerIdName: 'Acme',
  emergencyCallerId: '',
  ...over,
});
let nextId = 1;
const rule = (over: Partial<RouteRule>): RouteRule => ({
  routeId: nextId++,
  regex: '.*',
  providerId: 1,
  addDigits: '',
  deleteDigits: 0,
  order: 0,
  priority: 0,
  weight: 1,
  emergency: false,
  usePin: false,
  nodeId: null,
  ...over,
});
const provider = (providerId: number, over: Partial<RoutingProvider> = {}): RoutingProvider => ({ providerId, disabled: false, callerId: '', callerIdName: '', ...over });
const PROVIDERS = new Map([1, 2, 3].map((id) => [id, provider(id)] as const));
const attempts = (d: OutboundDecision) => (d.ok ? d.attempts.map((a) => [a.providerId, a.number]) : d.reason);

describe('number rewriting and call permissions', () => {
  test('strip then prefix', () => {
    const cases: Array<[string, number, string, string]> = [
      ['0039021234', 2, '+', '+39021234'],
      ['021234', 1, '+392', '+39221234'],
      ['5551234', 0, '9', '95551234'],
      ['123', 5, '', ''],
      ['123', -1, '', '123'],
    ];
    for (const [n, del, add, want] of cases) assert.equal(rewriteNumber(n, del, add), want, `${n} -${del} +${add}`);
  });

  test('ex_callallowed values', () => {
    const cases: Array<[string, string]> = [['', 'all'], ['all', 'all'], ['ALL', 'all'], ['international', 'all'], ['national', 'national'], [' Local ', 'local'], ['none', 'none'], ['bogus', 'none']];
    for (const [value, want] of cases) assert.equal(parseCallPermission(value), want, value);
  });

  test('number classes under the default plan (+/00 international, 0 national)', () => {
    const cases: Array<[string, string]> = [['+441234', 'international'], ['00441234', 'international'], ['0212345', 'national'], ['5551234', 'local'], ['112', 'local']];
    for (const [n, want] of cases) assert.equal(classifyNumber(n), want, n);
    assert.equal(classifyNumber('011441234', { internationalPrefixes: ['011', '+'], nationalPrefixes: ['1'] }), 'international');
    assert.equal(classifyNumber('12125551234', { internationalPrefixes: ['011', '+'], nationalPrefixes: ['1'] }), 'national');
  });

  test('permission levels include the lower ones', () => {
    const cases: Array<[Parameters<typeof permissionAllows>[0], Parameters<typeof permissionAllows>[1], boolean]> = [
      ['all', 'international', true],
      ['national', 'international', false],
      ['national', 'national', true],
      ['national', 'local', true],
      ['local', 'national', false],
      ['local', 'local', true],
      ['none', 'local', false],
    ];
    for (const [p, c, want] of cases) assert.equal(permissionAllows(p, c), want, `${p} ${c}`);
  });

  test('ex_destallowregex narrows further; a broken one allows nothing', () => {
    assert.equal(callerMayDial({ callAllowed: 'all', destAllowRegex: '^0[1-9]' }, '0212345'), true);
    assert.equal(callerMayDial({ callAllowed: 'all', destAllowRegex: '^0[1-9]' }, '00441234'), false);
    assert.equal(callerMayDial({ callAllowed: 'local', destAllowRegex: '^0' }, '0212345'), false);
    assert.equal(callerMayDial({ callAllowed: 'all', destAllowRegex: '([' }, '0212345'), false);
  });

  test('ex_destallowregex runs in linear time: ^(\\d+)+$ answers 40 digits and a letter at once', () => {
    // Backtracking (RegExp) tries 2^40 splits of the digits here: minutes of a frozen event loop, so this test
    // would hang. RE2 answers in one pass.
    const who = { callAllowed: 'all', destAllowRegex: '^(\\d+)+$' };
    assert.equal(callerMayDial(who, `${'1'.repeat(40)}x`), false);
    assert.equal(callerMayDial(who, '1'.repeat(40)), true);
  });

  test('ex_destallowregex that RE2 cannot run (a backreference, stored before writes were checked) allows nothing', () => {
    assert.equal(callerMayDial({ callAllowed: 'all', destAllowRegex: '^(0)\\1' }, '00441234'), false);
    assert.equal(callerMayDial({ callAllowed: 'all', destAllowRegex: '^(?=0)\\d+$' }, '0212345'), false);
  });

  test('dl_regex runs in linear time too; one RE2 cannot run matches nothing', () => {
    assert.equal(ruleMatches({ regex: '^(\\d+)+$' }, `${'1'.repeat(40)}x`), false);
    assert.equal(ruleMatches({ regex: '^(39|41)\\d{6,}$' }, '41123456'), true);
    assert.equal(ruleMatches({ regex: '(0)\\1' }, '00441234'), false);
  });
});

describe('routeOutbound', () => {
  const cases: Array<{ name: string; rules: RouteRule[]; dialled: string; who?: Partial<CallerRouting>; want: ReturnType<typeof attempts> }> = [
    { name: 'no matching rule', rules: [rule({ regex: '^00' })], dialled: '0212345', want: 'no-route' },
    // 31 digits and a #: RegExp would backtrack through 2^31 splits; the linear engine says no at once.
    { name: 'a catastrophic rule regex is answered in linear time', rules: [rule({ regex: '^(\\d+)+\\*$' })], dialled: `${'1'.repeat(31)}#`, want: 'no-route' },
    { name: 'strip/add applied per rule', rules: [rule({ regex: '^0[1-9]', deleteDigits: 1, addDigits: '+39' })], dialled: '0212345', want: [[1, '+39212345']] },
    {
      name: 'failover by order then priority',
      rules: [rule({ providerId: 3, order: 2 }), rule({ providerId: 2, order: 1, priority: 5 }), rule({ providerId: 1, order: 1, priority: 0 })],
      dialled: '0212345',
      want: [[1, '0212345'], [2, '0212345'], [3, '0212345']],
    },
    { name: 'a blacklist reached first refuses', rules: [rule({ regex: '^899', providerId: null }), rule({ order: 5 })], dialled: '899123', want: 'blacklisted' },
    { name: 'a catch-all blacklist after usable rules only ends the failover', rules: [rule({ regex: '^0', providerId: 1 }), rule({ providerId: null, order: 9 }), rule({ providerId: 2, order: 10 })], dialled: '0212345', want: [[1, '0212345']] },
    { name: 'disabled and unknown providers are skipped', rules: [rule({ providerId: 9 }), rule({ providerId: 4, order: 1 }), rule({ providerId: 2, order: 2 })], dialled: '0212345', want: [[2, '0212345']] },
    { name: 'only unusable providers', rules: [rule({ providerId: 9 })], dialled: '0212345', want: 'no-provider' },
    { name: 'permission refuses', rules: [rule({})], dialled: '00441234', who: { callAllowed: 'national' }, want: 'not-allowed' },
    { name: 'emergency routes pass any permission', rules: [rule({ regex: '^112$', emergency: true }), rule({ order: 1 })], dialled: '112', who: { callAllowed: 'none' }, want: [[1, '112']] },
    { name: 'not dialable', rules: [rule({})], dialled: 'alice', want: 'not-dialable' },
    { name: 'no routing profile', rules: [rule({})], dialled: '0212345', who: { routingProfileId: null }, want: 'no-routing-profile' },
    { name: 'an uncompilable regex matches nothing', rules: [rule({ regex: '([' })], dialled: '0212345', want: 'no-route' },
  ];
  const providers = new Map([...PROVIDERS, [4, provider(4, { disabled: true })]]);
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(attempts(routeOutbound(caller(c.who), c.dialled, c.rules, providers, { random: seeded(1) })), c.want));
  }

  test('refusals carry ex_callallowedreason when set', () => {
    const d = routeOutbound(caller({ callAllowed: 'none', callAllowedReason: 'Unpaid bill' }), '0212345', [rule({})], PROVIDERS);
    assert.deepEqual(d, { ok: false, reason: 'not-allowed', message: 'Unpaid bill' });
  });

  test('node pins: with a node id only its rules and unpinned ones apply', () => {
    const rules = [rule({ providerId: 1, nodeId: 5 }), rule({ providerId: 2, nodeId: 6, order: 1 }), rule({ providerId: 3, order: 2 })];
    assert.deepEqual(attempts(routeOutbound(caller(), '0212345', rules, PROVIDERS, { nodeId: 6 })), [[2, '0212345'], [3, '0212345']]);
    assert.deepEqual(attempts(routeOutbound(caller(), '0212345', rules, PROVIDERS)).length, 3);
  });

  test('caller id: extension, else provider; emergency number on emergency routes; PIN flag', () => {
    const providers = new Map([[1, provider(1, { callerId: '3900000', callerIdName: 'Trunk' })]]);
    const emergency = routeOutbound(caller({ emergencyCallerId: '390299' }), '112', [rule({ emergency: true, usePin: true })], providers);
    assert.ok(emergency.ok);
    assert.deepEqual(emergency.attempts[0]?.callerId, { number: '390299', name: 'Acme' });
    assert.equal(emergency.pinRequired, true);
    const bare = routeOutbound(caller({ callerIdNumber: '', callerIdName: '' }), '0212345', [rule({})], providers);
    assert.ok(bare.ok);
    assert.deepEqual(bare.attempts[0]?.callerId, { number: '3900000', name: 'Trunk' });
    assert.equal(bare.pinRequired, false);
    // The trunk overrides (ex_trunkcidoverride, ex_trunkemergencycidoverride) beat the extension's own numbers.
    const overridden = caller({ trunkCallerId: '41445550100', trunkEmergencyCallerId: '41445550112', emergencyCallerId: '390299' });
    const normal = routeOutbound(overridden, '0212345', [rule({})], providers);
    assert.deepEqual(normal.ok && normal.attempts[0]?.callerId, { number: '41445550100', name: 'Acme' });
    const urgent = routeOutbound(overridden, '112', [rule({ emergency: true })], providers);
    assert.deepEqual(urgent.ok && urgent.attempts[0]?.callerId, { number: '41445550112', name: 'Acme' });
    const urgentNoTrunk = routeOutbound(caller({ trunkCallerId: '41445550100', emergencyCallerId: '390299' }), '112', [rule({ emergency: true })], providers);
    assert.deepEqual(urgentNoTrunk.ok && urgentNoTrunk.attempts[0]?.callerId, { number: '390299', name: 'Acme' });
    const none = routeOutbound(caller({ callerIdNumber: '', callerIdName: '' }), '0212345', [rule({})], PROVIDERS);
    assert.ok(none.ok);
    assert.equal(none.attempts[0]?.callerId, undefined);
  });
});

describe('weights', () => {
  test('a seeded random gives a repeatable order; weight 0 goes last', () => {
    const rules = [rule({ providerId: 1, weight: 1 }), rule({ providerId: 2, weight: 1 }), rule({ providerId: 3, weight: 0 })];
    const a = weightedOrder(rules, seeded(42)).map((r) => r.providerId);
    assert.deepEqual(weightedOrder(rules, seeded(42)).map((r) => r.providerId), a);
    assert.equal(a[2], 3);
    assert.deepEqual(weightedOrder(rules, () => 0).map((r) => r.providerId), [1, 2, 3]);
    assert.deepEqual(weightedOrder(rules, () => 0.99).map((r) => r.providerId), [2, 1, 3]);
  });

  test('weight 3 against 1 goes first about three times in four', () => {
    const rules = [rule({ providerId: 1, weight: 3 }), rule({ providerId: 2, weight: 1 })];
    const random = seeded(7);
    let first = 0;
    for (let i = 0; i < 4000; i++) if (weightedOrder(rules, random)[0]?.providerId === 1) first++;
    assert.ok(first > 2800 && first < 3200, `provider 1 first ${first}/4000`);
  });

  test('equal rank only: a lower order always comes first whatever its weight', () => {
    const rules = [rule({ providerId: 1, order: 1, weight: 100 }), rule({ providerId: 2, order: 0, weight: 1 })];
    for (let seed = 0; seed < 20; seed++) {
      const d = routeOutbound(caller(), '0212345', rules, PROVIDERS, { random: seeded(seed) });
      assert.deepEqual(d.ok && d.attempts.map((a) => a.providerId), [2, 1]);
    }
  });
});

describe('routeOutboundCall', () => {
  const directory = (found: CallerRouting | undefined): OutboundDirectory => ({
    callerRouting: async () => found,
    routes: async (id) => (id === 7 ? [rule({ providerId: 2 })] : []),
    routingProviders: async (ids) => ids.map((id) => provider(id)),
  });

  test('reads the caller, its profile and the providers', async () => {
    assert.deepEqual(attempts(await routeOutboundCall(directory(caller()), 1, 1, '0212345')), [[2, '0212345']]);
    assert.equal(attempts(await routeOutboundCall(directory(caller({ routingProfileId: 8 })), 1, 1, '0212345')), 'no-route');
    assert.equal(attempts(await routeOutboundCall(directory(undefined), 1, 1, '0212345')), 'unknown-caller');
  });
});
