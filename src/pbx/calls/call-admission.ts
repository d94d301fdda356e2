// Whether a new call may start: the tenant's own limit (te_maxchannels), the tenant's fair share of the node's media
// ports, and the calls one extension may be in at once. One tenant (or one phone) must not be able to take every
// relay port and leave the other tenants' calls a 503: 250 ringing calls from one extension once did exactly that.
import type { MediaRelayControl } from '../../media/index.ts';
import type { CallDirectory } from './call-ports.ts';
import type { ChannelRegistry } from './channel-registry.ts';

export interface AdmissionPolicy {
  /**
   * The share (0-1] of the relay's sessions one tenant may hold at once, whatever its te_maxchannels says: the rest
   * stays for the other tenants. 1 turns it off (a node with one tenant).
   */
  readonly tenantShare: number;
  /** Calls one extension may be in at once, placing or receiving (0: no limit). */
  readonly extensionMaxCalls: number;
}

export const DEFAULT_ADMISSION: AdmissionPolicy = { tenantShare: 0.5, extensionMaxCalls: 10 };

/** Why a call was refused: each limit has its counter, and the caller gets 503 with this text in a Warning. */
export type AdmissionRefusal = { readonly limit: 'tenant' | 'tenantShare' | 'extension'; readonly reason: string };

/** The B2BUA's counter each refusal adds to. */
export const LIMIT_COUNTERS = { tenant: 'tenantLimit', tenantShare: 'tenantShareLimit', extension: 'extensionLimit' } as const;

export interface AdmissionDeps {
  readonly directory: Pick<CallDirectory, 'maxCalls'>;
  readonly channels: ChannelRegistry;
  readonly relay: Pick<MediaRelayControl, 'sessionCapacity'>;
}

/**
 * Undefined when the call may start; else which limit it hit. `account` is the calling extension's SIP account
 * ('' or undefined for a carrier or the API's own call), counted over the calls it is in now.
 */
export async function refuseCall(deps: AdmissionDeps, policy: AdmissionPolicy, tenantId: number, account?: string): Promise<AdmissionRefusal | undefined> {
  const calls = deps.channels.countCalls(tenantId);
  const limit = await deps.directory.maxCalls(tenantId);
  if (limit !== undefined && calls >= limit) return { limit: 'tenant', reason: `the tenant's limit of ${limit} simultaneous calls is reached` };
  const share = Math.max(1, Math.floor(deps.relay.sessionCapacity * policy.tenantShare));
  if (policy.tenantShare < 1 && calls >= share) return { limit: 'tenantShare', reason: `the tenant holds its share of this node's media ports (${share} calls)` };
  if (account !== undefined && account !== '' && policy.extensionMaxCalls > 0) {
    const own = deps.channels.countCallsOf(tenantId, account);
    if (own >= policy.extensionMaxCalls) return { limit: 'extension', reason: `the extension's limit of ${policy.extensionMaxCalls} simultaneous calls is reached` };
  }
  return undefined;
}
