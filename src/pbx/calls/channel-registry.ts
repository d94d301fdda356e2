// The live call registry of this node: every channel (call leg) that exists now.
// The B2BUA fills it (issue 5); the API reads counts and lists from it.

export interface LiveChannel {
  /** MiRTA-style channel name, e.g. `PJSIP/100-ACME-00000001`. */
  readonly name: string;
  readonly tenantId: number;
  readonly uniqueId: string;
  /** Shared by all legs of one call. */
  readonly linkedId: string;
}

export class ChannelRegistry {
  private readonly channels = new Map<string, LiveChannel>();

  add(channel: LiveChannel): void {
    this.channels.set(channel.name, channel);
  }

  remove(name: string): boolean {
    return this.channels.delete(name);
  }

  list(tenantId?: number): LiveChannel[] {
    const all = [...this.channels.values()];
    return tenantId === undefined ? all : all.filter((c) => c.tenantId === tenantId);
  }

  /** A call is the set of channels sharing a linkedid. */
  countCalls(tenantId?: number): number {
    return new Set(this.list(tenantId).map((c) => c.linkedId)).size;
  }
}
