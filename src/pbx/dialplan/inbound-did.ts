// Inbound routing of carrier calls (spec §3.4.3, §3.4.12, §3.3): the called number -> a tenant's DID, the
// caller-id blacklist of that tenant, and the DID's destination slot (DID, or DID-UNCONDITIONAL when switched on).
import { didNumberVariants, type DestinationTarget } from '../../domain/index.ts';
import { describeTargets, type CustomDestination, type RoutedDestination } from './extension-slots.ts';

/** A di_dids row as inbound routing reads it. */
export interface DidEntry {
  readonly tenantId: number;
  readonly didId: number;
  /** di_number as stored. */
  readonly number: string;
  /** di_unconditionalstatus: the DID-UNCONDITIONAL slot is switched on. */
  readonly unconditional: boolean;
  /** di_didnameprefix: put before the caller's name so phones show which number was called. */
  readonly namePrefix: string;
  readonly tenantDisabled: boolean;
  /** di_maxchannels: simultaneous calls on this DID; undefined = no limit. */
  readonly maxCalls?: number;
  /** di_recording `yes`: calls on this number are recorded. */
  readonly recording?: boolean;
}

/** What the dialplan reads for an inbound call; main.ts plugs in the store (StoreRoutingDirectory). */
export interface InboundDirectory {
  /** DIDs whose di_number is one of `numbers`; of one tenant, or of every tenant when tenantId is undefined. */
  findDids(numbers: readonly string[], tenantId?: number): Promise<DidEntry[]>;
  /** The tenant's bl_callerid values among `callerIds`. */
  blacklisted(tenantId: number, callerIds: readonly string[]): Promise<string[]>;
  /** A slot's targets in de_ord order. */
  slotTargets(tenantId: number, slot: string, ownerId: number): Promise<DestinationTarget[]>;
  /** The tenant's custom destinations with these ids. */
  customs(tenantId: number, ids: readonly number[]): Promise<CustomDestination[]>;
}

export interface InboundCall {
  /** The called number (Request-URI user part) as the carrier sent it. */
  readonly called: string;
  /** The caller's number ('' or anonymous when withheld). */
  readonly caller: string;
  /** The tenant when the call already names one (its SIP domain); undefined = find it by the DID. */
  readonly tenantId?: number;
}

export type InboundRefusal = 'unknown-did' | 'ambiguous-did' | 'tenant-disabled' | 'blacklisted' | 'no-destination';

export type InboundDecision =
  | {
      readonly ok: true;
      readonly tenantId: number;
      readonly did: DidEntry;
      readonly slot: 'DID' | 'DID-UNCONDITIONAL';
      /** The slot's targets in de_ord order: the list the call runs. */
      readonly targets: readonly DestinationTarget[];
      readonly destinations: readonly RoutedDestination[];
      /** The destination to run first (destinations[0]). */
      readonly first: RoutedDestination;
    }
  | { readonly ok: false; readonly reason: InboundRefusal; readonly message: string; readonly tenantId?: number };

const ANONYMOUS = /^(anonymous|restricted|private|unavailable|unknown)?$/i;

/**
 * The spellings one number may be stored under, the given one first: `+39021234`, `0039021234` and `39021234`
 * are the same E.164 number (E.123 '+', the '00' international prefix, or bare digits). Non-numbers stay as given.
 * The domain's normalisation, the one that makes a DID number unique across tenants (didNumberKey).
 */
export function numberVariants(number: string): string[] {
  return didNumberVariants(number);
}

/** Caller-id spellings a blacklist row may hold: the number's variants, or `anonymous` for a withheld caller. */
export function callerVariants(caller: string): string[] {
  return ANONYMOUS.test(caller.trim()) ? ['anonymous', 'Anonymous', 'ANONYMOUS'] : numberVariants(caller);
}

export type DidPick = { readonly ok: true; readonly did: DidEntry } | { readonly ok: false; readonly reason: InboundRefusal; readonly message: string };

/**
 * The DID a called number reaches. The number as delivered beats its other spellings; when the call names a
 * tenant only that tenant's DIDs count. Two tenants holding the number equally well is ambiguous: the call is
 * refused rather than given to either (numbers never cross tenants by chance). The store no longer lets two
 * DIDs hold one number (migration 0008); this still guards numbers shared before it.
 */
export function pickDid(called: string, candidates: readonly DidEntry[], tenantId?: number): DidPick {
  const variants = numberVariants(called);
  const rank = (d: DidEntry) => variants.indexOf(d.number);
  const eligible = candidates.filter((d) => rank(d) >= 0 && (tenantId === undefined || d.tenantId === tenantId));
  if (eligible.length === 0) return { ok: false, reason: 'unknown-did', message: `No DID ${called}` };
  const best = Math.min(...eligible.map(rank));
  const top = eligible.filter((d) => rank(d) === best).sort((a, b) => a.didId - b.didId);
  const enabled = top.filter((d) => !d.tenantDisabled);
  if (enabled.length === 0) return { ok: false, reason: 'tenant-disabled', message: `DID ${called} belongs to a disabled tenant` };
  if (new Set(enabled.map((d) => d.tenantId)).size > 1) return { ok: false, reason: 'ambiguous-did', message: `DID ${called} is held by several tenants` };
  const [did] = enabled;
  return did === undefined ? { ok: false, reason: 'unknown-did', message: `No DID ${called}` } : { ok: true, did };
}

/** Routes an inbound carrier call: DID, blacklist, then the DID's slot targets. */
export async function routeInbound(directory: InboundDirectory, call: InboundCall): Promise<InboundDecision> {
  const picked = pickDid(call.called, await directory.findDids(numberVariants(call.called), call.tenantId), call.tenantId);
  if (!picked.ok) return picked;
  const { did } = picked;
  const tenantId = did.tenantId;
  const blocked = await directory.blacklisted(tenantId, callerVariants(call.caller));
  if (blocked.length > 0) return { ok: false, reason: 'blacklisted', message: `Caller ${call.caller || 'anonymous'} is blacklisted`, tenantId };
  // The unconditional forward applies only when switched on and filled; otherwise the DID slot.
  let slot: 'DID' | 'DID-UNCONDITIONAL' = 'DID';
  let targets: DestinationTarget[] = [];
  if (did.unconditional) {
    targets = await directory.slotTargets(tenantId, 'DID-UNCONDITIONAL', did.didId);
    if (targets.length > 0) slot = 'DID-UNCONDITIONAL';
  }
  if (targets.length === 0) targets = await directory.slotTargets(tenantId, 'DID', did.didId);
  const customIds = [...new Set(targets.filter((t) => t.tag === 'CUSTOM').map((t) => t.id))];
  const customs = new Map((customIds.length > 0 ? await directory.customs(tenantId, customIds) : []).map((c) => [c.customId, c] as const));
  const destinations = describeTargets(targets, customs);
  const [first] = destinations;
  if (first === undefined) return { ok: false, reason: 'no-destination', message: `DID ${did.number} has no destination`, tenantId };
  return { ok: true, tenantId, did, slot, targets, destinations, first };
}
