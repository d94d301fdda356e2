// A tenant's music-on-hold classes from the store (mu_musiconholds, spec §3.4.13): the default class and its media
// files, the destination slot MUSICONHOLD in de_ord order (§3.3: its target ids are media file ids).
import type { Store } from '../../../store/index.ts';
import type { MohClass, MohDirectory, SlotDirectory } from '../../calls/index.ts';
import type { MediaFileDirectory } from '../playback/index.ts';

export class StoreMohDirectory implements MohDirectory {
  constructor(
    private readonly store: Store,
    private readonly slots: SlotDirectory,
    private readonly media: MediaFileDirectory,
  ) {}

  async defaultClass(tenantId: number): Promise<MohClass | undefined> {
    const rows = await this.store.objects('musiconhold').list(tenantId, {}, { columns: ['mu_id', 'mu_name', 'mu_default'] });
    const chosen = rows.find((r) => r.mu_default === 'on') ?? rows.find((r) => String(r.mu_name).toLowerCase() === 'default') ?? rows[0];
    if (chosen === undefined) return undefined;
    const id = Number(chosen.mu_id);
    const targets = await this.slots.slotTargets(tenantId, 'MUSICONHOLD', id);
    const paths = await Promise.all(targets.map((t) => this.media.audioPath(tenantId, t.id)));
    return { id, paths: paths.filter((path): path is string => path !== undefined) };
  }
}
