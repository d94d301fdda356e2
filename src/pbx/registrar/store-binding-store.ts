// The BindingStore on the Store's rg_registrations table: bindings survive a restart and, on PostgreSQL,
// are shared by every node of a cluster. Rows and Bindings map one to one.
import type { TransportProtocol } from '../../sip/index.ts';
import type { RegistrationRepository, RegistrationRow } from '../../store/index.ts';
import type { Binding, BindingStore, Reachability } from './ports.ts';

const PROTOCOLS: readonly TransportProtocol[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];

/**
 * Writes are group-committed: the puts of one event-loop turn go to the database in one transaction, because
 * a commit costs far more than the upsert in it (about 300 µs per REGISTER on SQLite when each was its own).
 * A put resolves once its batch is committed, so the registrar still answers 200 only for stored bindings;
 * every other operation first waits for the batch in flight, so reads see earlier writes.
 */
export class StoreBindingStore implements BindingStore {
  private queued: RegistrationRow[] = [];
  private batch: Promise<void> | undefined;

  constructor(private readonly rows: RegistrationRepository) {}

  async list(tenantId?: number): Promise<Binding[]> {
    await this.settled();
    return (await this.rows.list(tenantId)).map(toBinding);
  }

  async listForAccount(tenantId: number, extensionId: number): Promise<Binding[]> {
    await this.settled();
    return (await this.rows.listForAccount(tenantId, extensionId)).map(toBinding);
  }

  put(binding: Binding): Promise<void> {
    this.queued.push(toRow(binding));
    this.batch ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.commit());
    return this.batch;
  }

  async remove(tenantId: number, extensionId: number, contactUri: string): Promise<Binding | undefined> {
    await this.settled();
    const row = await this.rows.remove(tenantId, extensionId, contactUri);
    return row && toBinding(row);
  }

  async removeAll(tenantId: number, extensionId: number): Promise<Binding[]> {
    await this.settled();
    return (await this.rows.removeAll(tenantId, extensionId)).map(toBinding);
  }

  async removeExpired(now: Date): Promise<Binding[]> {
    await this.settled();
    return (await this.rows.removeExpired(now.toISOString())).map(toBinding);
  }

  async setReachability(tenantId: number, extensionId: number, contactUri: string, reachability: Reachability): Promise<Binding | undefined> {
    await this.settled();
    const row = await this.rows.setReachability(tenantId, extensionId, contactUri, reachability.lastRttMs, reachability.reachable);
    return row && toBinding(row);
  }

  private async commit(): Promise<void> {
    const rows = this.queued;
    this.queued = [];
    // Puts arriving while this batch commits start the next one.
    this.batch = undefined;
    await this.rows.putMany(rows);
  }

  /** Waits for the queued puts (a failed batch was reported to its own callers). */
  private async settled(): Promise<void> {
    const batch = this.batch;
    if (batch) await batch.catch(() => undefined);
  }
}

function toRow(b: Binding): RegistrationRow {
  return {
    rg_te_id: b.tenantId,
    rg_ex_id: b.extensionId,
    rg_aor: b.aor,
    rg_username: b.username,
    rg_contact_uri: b.contactUri,
    rg_contact: b.contact,
    rg_expires: b.expiresAt.toISOString(),
    rg_call_id: b.callId,
    rg_cseq: b.cseq,
    rg_q: b.q === null ? null : String(b.q),
    rg_protocol: b.source.protocol,
    rg_address: b.source.address,
    rg_port: b.source.port,
    rg_flow_id: b.flowId,
    rg_user_agent: b.userAgent,
    rg_node: b.node,
    rg_registered: b.registeredAt.toISOString(),
    rg_last_rtt: b.lastRttMs,
    rg_reachable: b.reachable ? 1 : 0,
  };
}

function toBinding(r: RegistrationRow): Binding {
  const protocol = PROTOCOLS.find((p) => p === r.rg_protocol) ?? 'udp';
  return {
    tenantId: Number(r.rg_te_id),
    extensionId: Number(r.rg_ex_id),
    aor: r.rg_aor,
    username: r.rg_username,
    contactUri: r.rg_contact_uri,
    contact: r.rg_contact,
    expiresAt: new Date(r.rg_expires),
    callId: r.rg_call_id,
    cseq: Number(r.rg_cseq),
    q: r.rg_q === null ? null : Number(r.rg_q),
    source: { protocol, address: r.rg_address, port: Number(r.rg_port) },
    flowId: r.rg_flow_id,
    userAgent: r.rg_user_agent,
    node: r.rg_node,
    registeredAt: new Date(r.rg_registered),
    lastRttMs: r.rg_last_rtt === null ? null : Number(r.rg_last_rtt),
    reachable: Number(r.rg_reachable) === 1,
  };
}
