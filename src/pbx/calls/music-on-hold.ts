// Music on hold: a tenant's classes (media files, spec §3.4.13) each played by the relay as one shared source, encoded
// once per law per 20 ms tick whatever the number of parties on hold (like an Asterisk MOH class), which a party joins
// where the music is now. Which class: the one a MUSICONHOLD step chose for the call, else the holding extension's
// (ex_mu_id), else the tenant's default. A class is opened on first use and read again after a while, so edits take
// effect; it is re-opened only when its files changed, so a party listening does not hear the music start over.
import type { MediaRelayControl } from '../../media/index.ts';
import type { Clock, Logger } from '../../shared/index.ts';

/** A class for parties on hold: its id, its files' audio in order (already at its volume), and its playback order. */
export interface MohClass {
  readonly id: number;
  readonly paths: readonly string[];
  /** mu_randomizeorder: the files in a random order (shuffled when the class is opened). */
  readonly random?: boolean;
}

/** The port the node fills from the store (apps/music-on-hold). */
export interface MohDirectory {
  /** The tenant's default class (mu_default, else one named `default`, else its first), or undefined for none. */
  defaultClass(tenantId: number): Promise<MohClass | undefined>;
  /** One class of the tenant by id; another tenant's reads as none. */
  classById(tenantId: number, classId: number): Promise<MohClass | undefined>;
  /** The class chosen for an extension (ex_mu_id) by its SIP account, if any. */
  extensionClassId(tenantId: number, account: string): Promise<number | undefined>;
}

/** Whose class a held party hears: the call's choice (a MUSICONHOLD step), else the holding party's extension. */
export interface MohChoice {
  readonly classId?: number;
  /** The SIP account of the party that put the other on hold ('' or absent: not an extension). */
  readonly holder?: string;
}

/** How long an opened class is used before the store is read again. */
const REFRESH_MS = 60_000;
/** Classes kept open at most (a source with nobody on hold costs nothing but its entry). */
const MAX_OPEN = 2_000;

interface OpenClass {
  readonly name: string;
  readonly readAt: number;
  /** The class's files as last opened: the same list again is not re-opened. */
  readonly files: string;
}

/** Fisher-Yates: every order equally likely. */
function shuffled(paths: readonly string[], random: () => number): string[] {
  const out = [...paths];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as string, out[i] as string];
  }
  return out;
}

export class MusicOnHold {
  /** By `<tenant>:<class id>`, and `<tenant>:default` for the default class's source name. */
  private readonly open = new Map<string, OpenClass>();

  constructor(
    private readonly relay: Pick<MediaRelayControl, 'openSource'>,
    private readonly classes: MohDirectory,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly random: () => number = Math.random,
  ) {}

  /** The relay source a held party of the tenant hears, or undefined when there is no music for it. */
  async sourceFor(tenantId: number, choice: MohChoice = {}): Promise<string | undefined> {
    if (choice.classId !== undefined) {
      const chosen = await this.classSource(tenantId, choice.classId);
      if (chosen !== undefined) return chosen;
    }
    if (choice.holder !== undefined && choice.holder !== '') {
      const classId = await this.classes.extensionClassId(tenantId, choice.holder);
      const own = classId === undefined ? undefined : await this.classSource(tenantId, classId);
      if (own !== undefined) return own;
    }
    const key = `${tenantId}:default`;
    const cached = this.fresh(key);
    if (cached !== undefined) return cached.name;
    const found = await this.classes.defaultClass(tenantId);
    const name = found === undefined ? undefined : await this.opened(tenantId, found);
    if (name === undefined) this.open.delete(key);
    else this.remember(key, { name, readAt: this.clock.now().getTime(), files: '' });
    return name;
  }

  private async classSource(tenantId: number, classId: number): Promise<string | undefined> {
    const cached = this.fresh(`${tenantId}:${classId}`);
    if (cached !== undefined) return cached.name;
    const found = await this.classes.classById(tenantId, classId);
    return found === undefined ? undefined : this.opened(tenantId, found);
  }

  /** Opens (or keeps) the class's source; undefined when it has no playable file. */
  private async opened(tenantId: number, found: MohClass): Promise<string | undefined> {
    const key = `${tenantId}:${found.id}`;
    if (found.paths.length === 0) {
      this.open.delete(key);
      return undefined;
    }
    const name = `moh-${tenantId}-${found.id}`;
    const files = `${found.random === true ? 'random' : 'order'}\n${found.paths.join('\n')}`;
    const now = this.clock.now().getTime();
    if (this.open.get(key)?.files === files) {
      this.remember(key, { name, readAt: now, files });
      return name;
    }
    const paths = found.random === true ? shuffled(found.paths, this.random) : found.paths;
    // Re-opening a name replaces its playlist in place: parties on hold keep listening.
    const result = await this.relay.openSource(name, { items: paths.map((path) => ({ kind: 'file', path })), loop: true });
    if (!result.ok) {
      this.logger.warn({ tenantId, classId: found.id, error: result.error }, 'music on hold: the class could not be opened');
      return undefined;
    }
    this.remember(key, { name, readAt: now, files });
    return name;
  }

  private fresh(key: string): OpenClass | undefined {
    const cached = this.open.get(key);
    return cached !== undefined && this.clock.now().getTime() - cached.readAt < REFRESH_MS ? cached : undefined;
  }

  private remember(key: string, entry: OpenClass): void {
    if (this.open.size >= MAX_OPEN && !this.open.has(key)) this.open.delete(this.open.keys().next().value as string);
    this.open.set(key, entry);
  }
}
