// Registered phones (peers) as the API sees them: listing and counting per node, registration state,
// and the operator's UNREGISTER and REBOOT. Bindings come from the store, so every node sees them all.
import type { ObjectRow } from '../domain/index.ts';
import { qualifyStatus, type Binding, type BindingStore, type PbxNode } from '../pbx/index.ts';
import { PbxError, type Clock } from '../shared/index.ts';
import type { Store } from '../store/index.ts';

export interface Peer {
  readonly binding: Binding;
  /** The peer name: the extension's SIP username (`100-ACME`). */
  readonly name: string;
  readonly number: string;
  readonly description: string;
  readonly status: string;
}

/** `ALL`, or one peer by SIP username (`100-ACME`) or by extension number (`100`). */
export type PeerSelector = 'ALL' | string;

export class PeerService {
  private node: PbxNode | undefined;

  constructor(private readonly store: Store, private readonly bindings: BindingStore, private readonly clock: Clock, private readonly nodeName: string) {}

  /** The SIP side of this node, once started (API-only runtimes have none). */
  attach(node: PbxNode | undefined): void {
    this.node = node;
  }

  /** Live bindings with their extensions, of one tenant or (null) of all. */
  async list(tenantId: number | null): Promise<Peer[]> {
    const now = this.clock.now().getTime();
    const live = (await this.bindings.list(tenantId ?? undefined)).filter((b) => b.expiresAt.getTime() > now);
    const extensions = new Map<number, ObjectRow>();
    // Four of the 149 extension columns: a tenant of thousands of extensions lists its peers often (wallboards).
    for (const row of await this.store.objects('extension').list(tenantId, {}, { columns: ['ex_id', 'ex_username', 'ex_number', 'ex_name'] })) extensions.set(Number(row.ex_id), row);
    return live.flatMap((binding) => {
      const extension = extensions.get(binding.extensionId);
      if (!extension) return [];
      return [{ binding, name: String(extension.ex_username), number: String(extension.ex_number), description: String(extension.ex_name ?? ''), status: qualifyStatus(binding) }];
    });
  }

  /** Registered peers (extensions with at least one live binding) per node; this node is always present. */
  async countByNode(tenantId: number | null): Promise<Record<string, number>> {
    const counts: Record<string, Set<number>> = { [this.nodeName]: new Set() };
    for (const peer of await this.list(tenantId)) (counts[peer.binding.node] ??= new Set()).add(peer.binding.extensionId);
    return Object.fromEntries(Object.entries(counts).map(([node, peers]) => [node, peers.size]));
  }

  /** The live bindings of one extension of the tenant, by number. */
  async registrationOf(tenantId: number, number: string): Promise<{ readonly extension: ObjectRow; readonly bindings: Binding[]; readonly now: Date }> {
    const [extension] = await this.store.objects('extension').list(tenantId, { ex_number: number });
    if (!extension) throw new PbxError('not_found', `Extension ${number} not found`);
    const now = this.clock.now();
    const bindings = (await this.bindings.listForAccount(tenantId, Number(extension.ex_id))).filter((b) => b.expiresAt.getTime() > now.getTime());
    return { extension, bindings, now };
  }

  /** Drops the bindings of the selected peers; returns how many bindings went. */
  async unregister(tenantId: number | null, selector: PeerSelector): Promise<number> {
    let removed = 0;
    for (const [owner, extensionId] of await this.select(tenantId, selector)) {
      if (this.node) removed += (await this.node.registrar.unregister(owner, extensionId)).length;
      else removed += (await this.bindings.removeAll(owner, extensionId)).length;
    }
    return removed;
  }

  /** NOTIFY check-sync to every contact of the selected peers registered on this node. */
  async reboot(tenantId: number | null, selector: PeerSelector): Promise<{ sent: number; elsewhere: number }> {
    const node = this.node;
    if (!node) throw new PbxError('not_implemented', 'Not implemented: REBOOT needs the SIP service, which is not running on this node');
    const chosen = new Set((await this.select(tenantId, selector)).map(([t, e]) => `${t}/${e}`));
    let sent = 0;
    let elsewhere = 0;
    for (const peer of await this.list(tenantId)) {
      if (!chosen.has(`${peer.binding.tenantId}/${peer.binding.extensionId}`)) continue;
      // Only the node holding the phone's flow/NAT pinhole can reach it; cross-node commands come with the cluster bus.
      if (peer.binding.node !== node.nodeName) elsewhere++;
      else if (node.checkSync(peer.binding).sent) sent++;
    }
    return { sent, elsewhere };
  }

  /** [tenantId, extensionId] of the selected, registered peers; an unknown single peer is an error. */
  private async select(tenantId: number | null, selector: PeerSelector): Promise<Array<[number, number]>> {
    const peers = await this.list(tenantId);
    const unique = (list: Peer[]) => [...new Map(list.map((p) => [`${p.binding.tenantId}/${p.binding.extensionId}`, [p.binding.tenantId, p.binding.extensionId] as [number, number]])).values()];
    if (selector.toUpperCase() === 'ALL') return unique(peers);
    const matching = peers.filter((p) => p.name === selector || (tenantId !== null && p.number === selector));
    if (matching.length === 0) throw new PbxError('not_found', `Peer ${selector} is not registered`);
    return unique(matching);
  }
}
