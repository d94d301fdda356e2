// Outbound routing (spec §3.4.9, §4.3 "Routing profile"): an extension's external call -> the ordered provider
// attempts of its routing profile's routes (dl_dialrules), after its call permission (ex_callallowed) allows it.
import { compileUserPattern } from '../../domain/index.ts';

/** How far an extension may call out (ex_callallowed), each level including the ones before it. */
export type CallPermission = 'none' | 'local' | 'national' | 'all';

/** A dialled external number's reach under a numbering plan. */
export type NumberClass = 'local' | 'national' | 'international';

/** The prefixes that make a number international or national (ITU-T E.164 / E.123: '+' or '00', trunk '0'). */
export interface NumberingPlan {
  readonly internationalPrefixes: readonly string[];
  readonly nationalPrefixes: readonly string[];
}

export const DEFAULT_NUMBERING_PLAN: NumberingPlan = { internationalPrefixes: ['+', '00'], nationalPrefixes: ['0'] };

const PERMISSION_LEVEL: Readonly<Record<CallPermission, number>> = { none: 0, local: 1, national: 2, all: 3 };
const CLASS_LEVEL: Readonly<Record<NumberClass, number>> = { local: 1, national: 2, international: 3 };

/**
 * ex_callallowed as stored: '' and `all` (the default) allow everything, `international` is the same; `national`
 * allows national and local numbers, `local` local only, `none` no external call. Case-insensitive; any other
 * value allows nothing (fail closed: a typo must not open international dialling).
 */
export function parseCallPermission(value: string): CallPermission {
  const word = value.trim().toLowerCase();
  if (word === '' || word === 'all' || word === 'international') return 'all';
  if (word === 'national' || word === 'local') return word;
  return 'none';
}

/** International when it starts with an international prefix, national with a trunk prefix, else local. */
export function classifyNumber(number: string, plan: NumberingPlan = DEFAULT_NUMBERING_PLAN): NumberClass {
  if (plan.internationalPrefixes.some((p) => p !== '' && number.startsWith(p))) return 'international';
  if (plan.nationalPrefixes.some((p) => p !== '' && number.startsWith(p))) return 'national';
  return 'local';
}

export function permissionAllows(permission: CallPermission, reach: NumberClass): boolean {
  return PERMISSION_LEVEL[permission] >= CLASS_LEVEL[reach];
}

/** One dl_dialrules row as routing reads it. */
export interface RouteRule {
  readonly routeId: number;
  readonly regex: string;
  /** dl_pr_id; null = the numbers it matches are blacklisted. */
  readonly providerId: number | null;
  readonly addDigits: string;
  readonly deleteDigits: number;
  readonly order: number;
  readonly priority: number;
  readonly weight: number;
  readonly emergency: boolean;
  readonly usePin: boolean;
  /** dl_no_id: the node the rule applies on; null = every node. */
  readonly nodeId: number | null;
}

/** A provider as routing reads it (pr_disabled, pr_callerid, pr_calleridname). */
export interface RoutingProvider {
  readonly providerId: number;
  readonly disabled: boolean;
  readonly callerId: string;
  readonly callerIdName: string;
}

/** The calling extension's outbound settings. */
export interface CallerRouting {
  readonly extensionId: number;
  /** ex_rp_id, else the tenant's te_rp_id; null = no routing profile. */
  readonly routingProfileId: number | null;
  /** ex_callallowed as stored ('' = all). */
  readonly callAllowed: string;
  /** ex_destallowregex: when set, the dialled number must also match it. */
  readonly destAllowRegex: string;
  /** ex_callallowedreason: told to the caller when a call is refused by permission. */
  readonly callAllowedReason: string;
  readonly callerIdNumber: string;
  readonly callerIdName: string;
  readonly emergencyCallerId: string;
  /** ex_trunkcidoverride: what this extension presents on carriers, in place of ex_cidnum; '' = none. */
  readonly trunkCallerId?: string;
  /** ex_trunkemergencycidoverride: the same for emergency routes, first of all; '' = none. */
  readonly trunkEmergencyCallerId?: string;
}

export interface OutboundAttempt {
  readonly routeId: number;
  readonly providerId: number;
  /** The number sent to the provider: dl_deletedigits leading characters removed, then dl_adddigits prepended. */
  readonly number: string;
  readonly callerId: { readonly number: string; readonly name: string } | undefined;
  readonly emergency: boolean;
}

export type RefusalReason = 'unknown-caller' | 'not-dialable' | 'not-allowed' | 'no-routing-profile' | 'no-route' | 'blacklisted' | 'no-provider';

export type OutboundDecision =
  | { readonly ok: true; readonly attempts: readonly OutboundAttempt[]; readonly pinRequired: boolean }
  | { readonly ok: false; readonly reason: RefusalReason; readonly message: string };

export interface OutboundOptions {
  /** A number in [0, 1), as Math.random; tests pass a seeded one. */
  readonly random?: () => number;
  readonly plan?: NumberingPlan;
  /** This node's id: rules pinned to another node (dl_no_id) are skipped. Undefined = node pins are ignored. */
  readonly nodeId?: number;
}

const DIALABLE = /^\+?[0-9*#]{1,32}$/;

const refuse = (reason: RefusalReason, message: string): OutboundDecision => ({ ok: false, reason, message });

/** Strip then prefix, as MiRTA's "digits to delete / digits to add". */
export function rewriteNumber(number: string, deleteDigits: number, addDigits: string): string {
  return `${addDigits}${number.slice(Math.max(0, Math.trunc(deleteDigits)))}`;
}

/**
 * Whether a rule's regex matches the dialled number, on the linear-time engine (user patterns never run on
 * RegExp, whose backtracking one rule could freeze the node with); a regex that does not compile matches nothing.
 */
export function ruleMatches(rule: Pick<RouteRule, 'regex'>, number: string): boolean {
  const pattern = compileUserPattern(rule.regex);
  return pattern.ok && pattern.value.test(number);
}

/**
 * Weighted random order of equal-rank rules: each pick takes a rule with probability weight / remaining total,
 * so weight 2 goes first twice as often as weight 1. Rules of weight <= 0 come last, in id order.
 */
export function weightedOrder<T extends { readonly weight: number; readonly routeId: number }>(rules: readonly T[], random: () => number): T[] {
  const pool = rules.filter((r) => r.weight > 0).sort((a, b) => a.routeId - b.routeId);
  const out: T[] = [];
  while (pool.length > 0) {
    const total = pool.reduce((sum, r) => sum + r.weight, 0);
    let point = Math.min(Math.max(random(), 0), 0.999999999) * total;
    let index = pool.findIndex((r) => (point -= r.weight) < 0);
    if (index < 0) index = pool.length - 1;
    out.push(...pool.splice(index, 1));
  }
  return [...out, ...rules.filter((r) => r.weight <= 0).sort((a, b) => a.routeId - b.routeId)];
}

/** Matching rules grouped by rank (dl_order, then dl_priority; lower first), as listroutes orders them. */
function rankGroups(rules: readonly RouteRule[]): RouteRule[][] {
  const sorted = [...rules].sort((a, b) => a.order - b.order || a.priority - b.priority || a.routeId - b.routeId);
  const groups: RouteRule[][] = [];
  for (const rule of sorted) {
    const last = groups[groups.length - 1];
    const head = last?.[0];
    if (last && head && head.order === rule.order && head.priority === rule.priority) last.push(rule);
    else groups.push([rule]);
  }
  return groups;
}

function callerIdFor(caller: CallerRouting, provider: RoutingProvider, emergency: boolean): OutboundAttempt['callerId'] {
  // Emergency calls present ex_emergencycidnum when set (the number the call-taker can call back). The trunk
  // overrides are the numbers meant for carriers only, so they come before the extension's own caller id.
  const emergencyNumber = emergency ? caller.trunkEmergencyCallerId || caller.emergencyCallerId : '';
  const number = emergencyNumber || caller.trunkCallerId || caller.callerIdNumber || provider.callerId;
  const name = caller.callerIdName || provider.callerIdName;
  return number || name ? { number, name } : undefined;
}

/**
 * The provider attempts for a dialled external number, in failover order.
 * - The caller's permission (ex_callallowed, ex_destallowregex) must allow the number; emergency routes are
 *   always allowed (nobody may be kept from calling emergency services).
 * - Rules whose regex matches are taken by rank; within a rank dl_weight picks the order at random.
 * - A matching rule without provider (blacklist) ends the list there: before any usable rule the call is
 *   refused, after some it only cuts the failover (so a catch-all blacklist last does not block earlier routes).
 * - Disabled or unknown providers are skipped.
 */
export function routeOutbound(
  caller: CallerRouting,
  dialled: string,
  rules: readonly RouteRule[],
  providers: ReadonlyMap<number, RoutingProvider>,
  options: OutboundOptions = {},
): OutboundDecision {
  if (!DIALABLE.test(dialled)) return refuse('not-dialable', `${dialled} is not a dialable number`);
  if (caller.routingProfileId === null) return refuse('no-routing-profile', 'The extension has no routing profile');
  const random = options.random ?? Math.random;
  const onNode = (r: RouteRule) => options.nodeId === undefined || r.nodeId === null || r.nodeId === options.nodeId;
  let matching = rules.filter((r) => onNode(r) && ruleMatches(r, dialled));
  if (!callerMayDial(caller, dialled, options.plan ?? DEFAULT_NUMBERING_PLAN)) {
    matching = matching.filter((r) => r.emergency);
    const why = caller.callAllowedReason || `Calls to ${dialled} are not allowed for this extension`;
    if (matching.length === 0) return refuse('not-allowed', why);
  }
  if (matching.length === 0) return refuse('no-route', `No route for ${dialled}`);
  const attempts: OutboundAttempt[] = [];
  let pinRequired = false;
  for (const group of rankGroups(matching)) {
    if (group.some((r) => r.providerId === null)) {
      if (attempts.length === 0) return refuse('blacklisted', `${dialled} is blacklisted`);
      break;
    }
    for (const rule of weightedOrder(group, random)) {
      const provider = rule.providerId === null ? undefined : providers.get(rule.providerId);
      if (provider === undefined || provider.disabled) continue;
      pinRequired ||= rule.usePin;
      attempts.push({
        routeId: rule.routeId,
        providerId: provider.providerId,
        number: rewriteNumber(dialled, rule.deleteDigits, rule.addDigits),
        callerId: callerIdFor(caller, provider, rule.emergency),
        emergency: rule.emergency,
      });
    }
  }
  if (attempts.length === 0) return refuse('no-provider', `No usable provider for ${dialled}`);
  return { ok: true, attempts, pinRequired };
}

/** ex_callallowed and ex_destallowregex together (RE2 syntax); a regex that does not compile allows nothing (fail closed). */
export function callerMayDial(caller: Pick<CallerRouting, 'callAllowed' | 'destAllowRegex'>, dialled: string, plan: NumberingPlan = DEFAULT_NUMBERING_PLAN): boolean {
  if (!permissionAllows(parseCallPermission(caller.callAllowed), classifyNumber(dialled, plan))) return false;
  if (caller.destAllowRegex === '') return true;
  // Fail closed: a stored pattern RE2 cannot run safely (written before writes were checked) allows nothing.
  const pattern = compileUserPattern(caller.destAllowRegex);
  return pattern.ok && pattern.value.test(dialled);
}

/** What outbound routing reads; main.ts plugs in the store (StoreRoutingDirectory). */
export interface OutboundDirectory {
  /** The tenant's extension's outbound settings (profile = ex_rp_id, else te_rp_id); undefined = not the tenant's. */
  callerRouting(tenantId: number, extensionId: number): Promise<CallerRouting | undefined>;
  /** The rules of a (global) routing profile. */
  routes(routingProfileId: number): Promise<RouteRule[]>;
  /** The (global) providers with these ids. */
  routingProviders(providerIds: readonly number[]): Promise<RoutingProvider[]>;
  /**
   * The tenant's own outbound settings, for numbers dialled out with no extension calling (a DID whose destination is
   * an external number): its te_rp_id, every number allowed, no caller id of its own. Undefined = not routed.
   */
  tenantRouting?(tenantId: number): Promise<CallerRouting | undefined>;
}

/** routeOutbound over a directory: the caller's settings, its profile's routes and their providers. */
export async function routeOutboundCall(directory: OutboundDirectory, tenantId: number, extensionId: number | undefined, dialled: string, options: OutboundOptions = {}): Promise<OutboundDecision> {
  const caller = extensionId === undefined ? await directory.tenantRouting?.(tenantId) : await directory.callerRouting(tenantId, extensionId);
  if (caller === undefined) return refuse('unknown-caller', extensionId === undefined ? `Tenant ${tenantId} has no outbound routing` : `Extension ${extensionId} not found`);
  const rules = caller.routingProfileId === null ? [] : await directory.routes(caller.routingProfileId);
  const ids = [...new Set(rules.flatMap((r) => (r.providerId === null ? [] : [r.providerId])))];
  const providers = new Map((ids.length > 0 ? await directory.routingProviders(ids) : []).map((p) => [p.providerId, p] as const));
  return routeOutbound(caller, dialled, rules, providers, options);
}
