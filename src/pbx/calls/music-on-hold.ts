// Music on hold: a tenant's class (its media files, spec §3.4.13) played by the relay as one shared source, encoded
// once per law per 20 ms tick whatever the number of parties on hold (like an Asterisk MOH class), which a party
// joins where the music is now. A class is opened on first use and read again after a while, so edits take effect.
import type { MediaRelayControl } from '../../media/index.ts';
import type { Clock, Logger } from '../../shared/index.ts';

/** A tenant's class for parties on hold: its id and its files' audio, in order. */
export interface MohClass {
  readonly id: number;
  readonly paths: readonly string[];
}

/** The port the node fills from the store (apps/music-on-hold). */
export interface MohDirectory {
  /** The tenant's default class (mu_default, else one named `default`, else its first), or undefined for none. */
  defaultClass(tenantId: number): Promise<MohClass | undefined>;
}

/** How long an opened class is used before the store is read again. */
const REFRESH_MS = 60_000;
/** Classes kept open at most (a source with nobody on hold costs nothing but its entry). */
const MAX_OPEN = 2_000;

export class MusicOnHold {
  private readonly open = new Map<number, { readonly name: string; readonly readAt: number }>();

  constructor(
    private readonly relay: Pick<MediaRelayControl, 'openSource'>,
    private readonly classes: MohDirectory,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** The relay source a held party of the tenant hears, or undefined when the tenant has no music. */
  async sourceFor(tenantId: number): Promise<string | undefined> {
    const now = this.clock.now().getTime();
    const cached = this.open.get(tenantId);
    if (cached !== undefined && now - cached.readAt < REFRESH_MS) return cached.name;
    const found = await this.classes.defaultClass(tenantId);
    if (found === undefined || found.paths.length === 0) {
      this.open.delete(tenantId);
      return undefined;
    }
    const name = `moh-${tenantId}-${found.id}`;
    // Re-opening a name replaces its playlist in place: parties on hold keep listening.
    const opened = await this.relay.openSource(name, { items: found.paths.map((path) => ({ kind: 'file', path })), loop: true });
    if (!opened.ok) {
      this.logger.warn({ tenantId, error: opened.error }, 'music on hold: the class could not be opened');
      return undefined;
    }
    if (this.open.size >= MAX_OPEN && !this.open.has(tenantId)) this.open.delete(this.open.keys().next().value as number);
    this.open.set(tenantId, { name, readAt: now });
    return name;
  }
}
