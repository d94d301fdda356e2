// Where a call goes instead of (or after) ringing an extension: its destination slots (spec §3.3, §3.4.2)
// EXT-UNCONDITIONAL, EXT-BUSY, EXT-NOANSWER, EXT-OFFLINE, each switched by its ex_*status flag.
import type { DestinationTarget } from '../../domain/index.ts';

/** What a slot target means to the call: ring an extension, dial out, or a kind not routed yet. */
export type RoutedDestination =
  | { readonly kind: 'extension'; readonly extensionId: number }
  | {
      readonly kind: 'external';
      /** The number to dial out through the routing profile. */
      readonly number: string;
      /** Whose number the callee sees: the DID the call came in on, the original caller, or a fixed number. */
      readonly presentedCallerId: 'incoming-did' | 'caller' | { readonly number: string };
      readonly ringSeconds: number | undefined;
    }
  | { readonly kind: 'unsupported'; readonly tag: string; readonly id: number; readonly why: string };

/** A custom destination (cu_customs) as slots need it: its type code and cu_param1..n. */
export interface CustomDestination {
  readonly customId: number;
  readonly typeCode: string;
  readonly params: readonly string[];
}

/** The situations a slot answers, in the order the B2BUA meets them. */
export type ExtensionSituation = 'incoming' | 'busy' | 'noanswer' | 'offline';

/** The slot type of each situation (spec §3.3; 'incoming' = before ringing, the unconditional forward). */
export const SITUATION_SLOT: Readonly<Record<ExtensionSituation, string>> = {
  incoming: 'EXT-UNCONDITIONAL',
  busy: 'EXT-BUSY',
  noanswer: 'EXT-NOANSWER',
  offline: 'EXT-OFFLINE',
};

/** The ex_*status flag that switches each slot on (MiRTA's forward toggles; feature codes flip them). */
export const SITUATION_FLAG: Readonly<Record<ExtensionSituation, string>> = {
  incoming: 'ex_unconditionalstatus',
  busy: 'ex_onbusystatus',
  noanswer: 'ex_onnoanswerstatus',
  offline: 'ex_onofflinestatus',
};

/** An extension's forwarding: which slots are switched on, and their targets in de_ord order. */
export interface ExtensionForwarding {
  readonly enabled: Readonly<Record<ExtensionSituation, boolean>>;
  readonly slots: Readonly<Partial<Record<ExtensionSituation, readonly DestinationTarget[]>>>;
  /** The custom destinations the slots name (CUSTOM-<id>), by id. */
  readonly customs: ReadonlyMap<number, CustomDestination>;
}

export interface SlotDecision {
  readonly slot: string;
  readonly destinations: readonly RoutedDestination[];
}

const DIALABLE = /^\+?[0-9*#]{1,32}$/;

/** One slot target as a call destination. */
export function describeTarget(target: DestinationTarget, customs: ReadonlyMap<number, CustomDestination>): RoutedDestination {
  if (target.tag === 'EXT') return { kind: 'extension', extensionId: target.id };
  if (target.tag !== 'CUSTOM') return { kind: 'unsupported', tag: target.tag, id: target.id, why: `${target.tag} destinations are not routed yet` };
  const custom = customs.get(target.id);
  if (custom === undefined) return { kind: 'unsupported', tag: target.tag, id: target.id, why: `custom destination ${target.id} not found` };
  if (custom.typeCode !== 'EXTERNALNUMBER') return { kind: 'unsupported', tag: target.tag, id: target.id, why: `${custom.typeCode} custom destinations are not routed yet` };
  // EXTERNALNUMBER (custom type 1): param1 number, param2 INCOMINGDID / CALLERID / a number, param3 ring time.
  const number = (custom.params[0] ?? '').replace(/[\s().-]/g, '');
  if (!DIALABLE.test(number)) return { kind: 'unsupported', tag: target.tag, id: target.id, why: `custom destination ${target.id} has no dialable number` };
  const mode = (custom.params[1] ?? '').trim();
  const presentedCallerId = mode.toUpperCase() === 'INCOMINGDID' ? 'incoming-did' : DIALABLE.test(mode) ? { number: mode } : 'caller';
  const ring = Number(custom.params[2] ?? '');
  return { kind: 'external', number, presentedCallerId, ringSeconds: Number.isInteger(ring) && ring > 0 ? ring : undefined };
}

/** Every target of a slot, in order. */
export function describeTargets(targets: readonly DestinationTarget[], customs: ReadonlyMap<number, CustomDestination>): RoutedDestination[] {
  return targets.map((target) => describeTarget(target, customs));
}

/**
 * The slot that applies to an extension in a situation, or undefined = no forward (ring it / the caller hears
 * busy, no answer...). A slot applies only when its status flag is on AND it has targets: a flag without
 * targets would send the call nowhere, and targets without the flag are a forward the user switched off.
 * The unconditional forward applies in every situation: it is taken before the phone rings.
 */
export function forwardFor(forwarding: ExtensionForwarding, situation: ExtensionSituation): SlotDecision | undefined {
  const order: ExtensionSituation[] = situation === 'incoming' ? ['incoming'] : ['incoming', situation];
  for (const step of order) {
    const targets = forwarding.slots[step] ?? [];
    if (forwarding.enabled[step] && targets.length > 0) {
      return { slot: SITUATION_SLOT[step], destinations: describeTargets(targets, forwarding.customs) };
    }
  }
  return undefined;
}

/** The slot types, their flags read as MiRTA writes them ('on' / ''). */
export function forwardingFlags(row: Readonly<Record<string, unknown>>): Record<ExtensionSituation, boolean> {
  const on = (column: string) => String(row[column] ?? '').toLowerCase() === 'on';
  return { incoming: on(SITUATION_FLAG.incoming), busy: on(SITUATION_FLAG.busy), noanswer: on(SITUATION_FLAG.noanswer), offline: on(SITUATION_FLAG.offline) };
}

/** What forwarding reads; main.ts plugs in the store (StoreRoutingDirectory). */
export interface ForwardingDirectory {
  /** The tenant's extension's flags, slots and the custom destinations they name; undefined = not the tenant's. */
  forwarding(tenantId: number, extensionId: number): Promise<ExtensionForwarding | undefined>;
}

/** forwardFor over a directory. */
export async function forwardingDecision(directory: ForwardingDirectory, tenantId: number, extensionId: number, situation: ExtensionSituation): Promise<SlotDecision | undefined> {
  const forwarding = await directory.forwarding(tenantId, extensionId);
  return forwarding === undefined ? undefined : forwardFor(forwarding, situation);
}
