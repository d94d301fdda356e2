// Inbound carrier calls: DID number spellings, the tenant a DID belongs to, the blacklist, the DID's slots.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DestinationTarget } from '../../domain/index.ts';
import type { CustomDestination } from './extension-slots.ts';
import { callerVariants, numberVariants, pickDid, routeInbound, type DidEntry, type InboundDirectory } from './inbound-did.ts';

const did = (tenantId: number, didId: number, number: string, over: Partial<DidEntry> = {}): DidEntry => ({ tenantId, didId, number, unconditional: false, namePrefix: '', tenantDisabled: false, ...over });

describe('number spellings', () => {
  test('numberVariants: as given first, then bare, +, 00', () => {
    const cases: Array<[string, string[]]> = [
      ['+39021234', ['+39021234', '39021234', '0039021234']],
      ['0039021234', ['0039021234', '39021234', '+39021234']],
      ['39021234', ['39021234', '+39021234', '0039021234']],
      ['alice', ['alice']],
      ['', ['']],
    ];
    for (const [n, want] of cases) assert.deepEqual(numberVariants(n), want, n);
  });

  test('callerVariants: withheld callers match an anonymous row', () => {
    for (const c of ['', 'anonymous', 'Restricted', 'unknown']) assert.deepEqual(callerVariants(c), ['anonymous', 'Anonymous', 'ANONYMOUS'], c);
    assert.deepEqual(callerVariants('+4420'), ['+4420', '4420', '004420']);
  });
});

describe('pickDid', () => {
  const cases: Array<{ name: string; called: string; dids: DidEntry[]; tenant?: number; want: number | string }> = [
    { name: 'exact', called: '+39021234', dids: [did(1, 10, '+39021234')], want: 10 },
    { name: 'without +', called: '+39021234', dids: [did(1, 10, '39021234')], want: 10 },
    { name: 'with 00', called: '0039021234', dids: [did(1, 10, '+39021234')], want: 10 },
    { name: 'exact beats another spelling, even of another tenant', called: '+39021234', dids: [did(2, 20, '39021234'), did(1, 10, '+39021234')], want: 10 },
    { name: 'two tenants, same spelling: ambiguous', called: '+39021234', dids: [did(1, 10, '+39021234'), did(2, 20, '+39021234')], want: 'ambiguous-did' },
    { name: 'the named tenant only', called: '+39021234', dids: [did(1, 10, '+39021234'), did(2, 20, '+39021234')], tenant: 2, want: 20 },
    { name: 'the named tenant has none', called: '+39021234', dids: [did(1, 10, '+39021234')], tenant: 2, want: 'unknown-did' },
    { name: 'a disabled tenant is skipped', called: '+39021234', dids: [did(1, 10, '+39021234', { tenantDisabled: true }), did(2, 20, '+39021234')], want: 20 },
    { name: 'only a disabled tenant', called: '+39021234', dids: [did(1, 10, '+39021234', { tenantDisabled: true })], want: 'tenant-disabled' },
    { name: 'no DID', called: '+39021234', dids: [did(1, 10, '+39021235')], want: 'unknown-did' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const pick = pickDid(c.called, c.dids, c.tenant);
      assert.equal(pick.ok ? pick.did.didId : pick.reason, c.want);
    });
  }
});

describe('routeInbound', () => {
  const slots = new Map<string, DestinationTarget[]>([
    ['DID:10', [{ tag: 'EXT', id: 100 }, { tag: 'VOICEMAIL', id: 3 }]],
    ['DID-UNCONDITIONAL:11', [{ tag: 'CUSTOM', id: 7 }]],
    ['DID:11', [{ tag: 'EXT', id: 101 }]],
    ['DID:12', [{ tag: 'EXT', id: 102 }]],
  ]);
  const customs: CustomDestination[] = [{ customId: 7, typeCode: 'EXTERNALNUMBER', params: ['3335551234', 'INCOMINGDID', '30'] }];
  const dids = [did(1, 10, '+39021234'), did(1, 11, '+39021235', { unconditional: true }), did(1, 12, '+39021236', { unconditional: true }), did(1, 13, '+39021237')];
  const directory: InboundDirectory = {
    findDids: async (numbers, tenantId) => dids.filter((d) => numbers.includes(d.number) && (tenantId === undefined || d.tenantId === tenantId)),
    blacklisted: async (tenantId, ids) => (tenantId === 1 ? ids.filter((id) => id === '4420' || id === 'anonymous') : []),
    slotTargets: async (_t, slot, owner) => slots.get(`${slot}:${owner}`) ?? [],
    customs: async (_t, ids) => customs.filter((c) => ids.includes(c.customId)),
  };
  const cases: Array<{ name: string; called: string; caller: string; want: unknown }> = [
    { name: 'the DID slot, first target first', called: '39021234', caller: '+4411', want: ['DID', { kind: 'extension', extensionId: 100 }, 2] },
    { name: 'unconditional switched on and filled', called: '+39021235', caller: '+4411', want: ['DID-UNCONDITIONAL', { kind: 'external', number: '3335551234', presentedCallerId: 'incoming-did', ringSeconds: 30 }, 1] },
    { name: 'unconditional switched on but empty: the DID slot', called: '+39021236', caller: '+4411', want: ['DID', { kind: 'extension', extensionId: 102 }, 1] },
    { name: 'blacklisted caller, any spelling', called: '+39021234', caller: '+4420', want: 'blacklisted' },
    { name: 'withheld caller with an anonymous row', called: '+39021234', caller: '', want: 'blacklisted' },
    { name: 'no destination', called: '+39021237', caller: '+4411', want: 'no-destination' },
    { name: 'unknown number', called: '+39029999', caller: '+4411', want: 'unknown-did' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const d = await routeInbound(directory, { called: c.called, caller: c.caller });
      assert.deepEqual(d.ok ? [d.slot, d.first, d.destinations.length] : d.reason, c.want);
    });
  }
});
