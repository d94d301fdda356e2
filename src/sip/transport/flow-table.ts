// Connections as RFC 5626 §3 flows: found by flowId, or by the remote address:port
// so that requests and responses to a peer reuse its connection (RFC 3261 §18.2.2, §18.3).
import { randomBytes } from 'node:crypto';
import type { Endpoint, TransportProtocol } from './endpoint.ts';

export interface Flow {
  readonly flowId: string;
  readonly remote: Endpoint;
}

/** IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what a dual-stack socket reports) compared as plain IPv4. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address.toLowerCase();
}

export function endpointKey(endpoint: Endpoint): string {
  const address = normalizeAddress(endpoint.address);
  return address.includes(':') ? `[${address}]:${endpoint.port}` : `${address}:${endpoint.port}`;
}

/** Unguessable, because flow tokens end up in Path and Record-Route (RFC 5626 §5.2). */
export function newFlowId(protocol: TransportProtocol): string {
  return `${protocol}-${randomBytes(9).toString('base64url')}`;
}

export class FlowTable<F extends Flow> {
  private readonly byId = new Map<string, F>();
  private readonly byRemote = new Map<string, F>();

  get size(): number {
    return this.byId.size;
  }

  add(flow: F): void {
    this.byId.set(flow.flowId, flow);
    // The newest connection to a peer wins: older ones may be half-dead.
    this.byRemote.set(endpointKey(flow.remote), flow);
  }

  remove(flow: F): boolean {
    if (this.byId.get(flow.flowId) !== flow) return false;
    this.byId.delete(flow.flowId);
    const key = endpointKey(flow.remote);
    if (this.byRemote.get(key) === flow) {
      this.byRemote.delete(key);
      for (const other of this.byId.values()) {
        if (endpointKey(other.remote) === key) this.byRemote.set(key, other);
      }
    }
    return true;
  }

  get(flowId: string): F | undefined {
    return this.byId.get(flowId);
  }

  find(destination: Endpoint): F | undefined {
    return this.byRemote.get(endpointKey(destination));
  }

  /** The flow named by `flowId` if it still exists, else any flow to `destination`. */
  route(destination: Endpoint, flowId: string | undefined): F | undefined {
    return (flowId === undefined ? undefined : this.byId.get(flowId)) ?? this.find(destination);
  }

  values(): F[] {
    return [...this.byId.values()];
  }
}
