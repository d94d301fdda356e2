// The ports of the registrar (RFC 3261 §10.3 location service): what it needs from the rest of the PBX,
// declared here as interfaces and implemented by main.ts (store-backed) or by the in-memory store below.
import type { Endpoint } from '../../sip/index.ts';

/** An extension's SIP credentials, as the directory resolves them from a digest username and a domain. */
export interface SipAccount {
  readonly tenantId: number;
  readonly extensionId: number;
  /** The extension number inside its tenant, e.g. `100`. */
  readonly number: string;
  /** The digest username phones authenticate with: `100-ACME` (shared domain) or `100` (tenant domain). */
  readonly username: string;
  readonly password: string;
  /**
   * The realm this account answers in. Undefined: whatever realm the registrar challenged with. When set and
   * different from the challenge's realm the account is treated as unknown (the same 401 as a wrong password).
   */
  readonly realm?: string;
}

export interface SipAccountDirectory {
  /**
   * The account for a digest username at a domain (the host of the REGISTER's To AOR), or undefined.
   * `100-ACME` at the shared domain and `100` at ACME's own SIP domain name the same account. A directory may
   * answer from a cache; `fresh` asks it to read its source (a digest failed: the password may have changed).
   */
  findByUsername(username: string, domain: string, fresh?: boolean): Promise<SipAccount | undefined>;
}

/** Which domains this registrar serves (§10.3 step 1) and the realm it challenges in for each. */
export interface SipDomainPolicy {
  /** The realm for REGISTERs whose Request-URI names `domain`, or undefined when the domain is not ours. */
  realmFor(domain: string): Promise<string | undefined>;
}

/** One Contact bound to an extension's address-of-record (§10.3 step 7). */
export interface Binding {
  readonly tenantId: number;
  readonly extensionId: number;
  /** The address-of-record from To, e.g. `sip:100-ACME@pbx.example.com`. */
  readonly aor: string;
  /** The digest username that registered it. */
  readonly username: string;
  /** The Contact URI: with tenantId and extensionId, the binding's key. */
  readonly contactUri: string;
  /** The whole Contact value as the phone sent it (display name, params such as +sip.instance), minus `expires`. */
  readonly contact: string;
  readonly expiresAt: Date;
  /** Call-ID and CSeq of the REGISTER that last wrote the binding: the §10.3 step 7 ordering check. */
  readonly callId: string;
  readonly cseq: number;
  /** The Contact's q parameter (§20.10), or null when absent. */
  readonly q: number | null;
  /** Where the REGISTER came from: requests to the phone go there (NAT), not to the Contact's host. */
  readonly source: Endpoint;
  /** The connection (RFC 5626 flow) it came over; null for UDP. */
  readonly flowId: string | null;
  readonly userAgent: string | null;
  /** The cluster node holding the phone's flow/NAT pinhole. */
  readonly node: string;
  /** When the binding was first added (kept across refreshes). */
  readonly registeredAt: Date;
  /** Round trip of the last answered OPTIONS qualify; null until one was answered. */
  readonly lastRttMs: number | null;
  /** False after a qualify went unanswered; a REGISTER or an answered qualify sets it again. */
  readonly reachable: boolean;
}

/** The result of one qualify, stored on the binding. */
export interface Reachability {
  readonly lastRttMs: number | null;
  readonly reachable: boolean;
}

/**
 * Where bindings live so they survive a restart, and in a cluster are seen by every node. Every method keyed by
 * an account takes tenantId first; a binding is identified by (tenantId, extensionId, contactUri).
 */
export interface BindingStore {
  /** All bindings (of one tenant when given), expired ones included until removeExpired runs. */
  list(tenantId?: number): Promise<Binding[]>;
  listForAccount(tenantId: number, extensionId: number): Promise<Binding[]>;
  /** Inserts or replaces the binding with the same key. */
  put(binding: Binding): Promise<void>;
  /** The removed binding, or undefined when there was none. */
  remove(tenantId: number, extensionId: number, contactUri: string): Promise<Binding | undefined>;
  removeAll(tenantId: number, extensionId: number): Promise<Binding[]>;
  /** Removes and returns every binding with expiresAt <= now. */
  removeExpired(now: Date): Promise<Binding[]>;
  /**
   * Records a qualify result on an existing binding only (one UPDATE in SQL): a qualify that raced an
   * unregistration must not bring the binding back, as a read-modify-put would. The updated binding, or undefined.
   */
  setReachability(tenantId: number, extensionId: number, contactUri: string, reachability: Reachability): Promise<Binding | undefined>;
  /** Writes out what a write-behind store still holds (a graceful stop); absent when every put is written at once. */
  flush?(): Promise<void>;
}
