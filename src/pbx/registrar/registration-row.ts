// Bindings to and from rg_registrations rows (one to one), and the copies the location cache hands in and out.
import type { TransportProtocol } from '../../sip/index.ts';
import type { RegistrationRow } from '../../store/index.ts';
import type { Binding } from './ports.ts';

const PROTOCOLS: readonly TransportProtocol[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];

export function toRow(b: Binding): RegistrationRow {
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

export function toBinding(r: RegistrationRow): Binding {
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

/** What copyBinding may change on the way (the location cache's upsert and qualify results). */
export interface BindingChanges {
  readonly registeredAt?: Date;
  readonly lastRttMs?: number | null;
  readonly reachable?: boolean;
}

/**
 * A copy (Dates and the source are the only mutable members; the rest is readonly by type), with `changes` applied.
 * Every field is written out: `{ ...binding, expiresAt, ... }` takes V8 (Node 20) microseconds per object, since each
 * property after a spread of another object goes through its slow path, and this runs several times per REGISTER.
 */
export function copyBinding(b: Binding, changes: BindingChanges = {}): Binding {
  return {
    tenantId: b.tenantId,
    extensionId: b.extensionId,
    aor: b.aor,
    username: b.username,
    contactUri: b.contactUri,
    contact: b.contact,
    expiresAt: new Date(b.expiresAt),
    callId: b.callId,
    cseq: b.cseq,
    q: b.q,
    source: { protocol: b.source.protocol, address: b.source.address, port: b.source.port },
    flowId: b.flowId,
    userAgent: b.userAgent,
    node: b.node,
    registeredAt: new Date(changes.registeredAt ?? b.registeredAt),
    lastRttMs: changes.lastRttMs === undefined ? b.lastRttMs : changes.lastRttMs,
    reachable: changes.reachable ?? b.reachable,
  };
}
