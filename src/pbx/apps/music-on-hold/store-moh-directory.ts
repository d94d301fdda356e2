// A tenant's music-on-hold classes from the store (mu_musiconholds, spec §3.4.13): the default class, a class by id,
// an extension's class (ex_mu_id); each with its media files, the destination slot MUSICONHOLD in de_ord order (§3.3:
// its target ids are media file ids), its order (mu_randomizeorder, or the realtime mu_sort `random`) and its volume (mu_volume, moh-volume.ts).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectRow } from '../../../domain/index.ts';
import type { Store } from '../../../store/index.ts';
import type { MohClass, MohDirectory, SlotDirectory } from '../../calls/index.ts';
import type { MediaFileDirectory } from '../playback/index.ts';
import { atVolume } from './moh-volume.ts';

const COLUMNS = ['mu_id', 'mu_name', 'mu_default', 'mu_randomizeorder', 'mu_sort', 'mu_volume'];

export class StoreMohDirectory implements MohDirectory {
  constructor(
    private readonly store: Store,
    private readonly slots: SlotDirectory,
    private readonly media: MediaFileDirectory,
    /** Where copies of files at a class's volume are kept. */
    private readonly cacheDir: string = join(tmpdir(), 'callgrid-moh-volume'),
  ) {}

  async defaultClass(tenantId: number): Promise<MohClass | undefined> {
    const rows = await this.store.objects('musiconhold').list(tenantId, {}, { columns: COLUMNS });
    const chosen = rows.find((r) => r.mu_default === 'on') ?? rows.find((r) => String(r.mu_name).toLowerCase() === 'default') ?? rows[0];
    return chosen === undefined ? undefined : this.classOf(tenantId, chosen);
  }

  async classById(tenantId: number, classId: number): Promise<MohClass | undefined> {
    if (!Number.isSafeInteger(classId) || classId < 1) return undefined;
    const [row] = await this.store.objects('musiconhold').list(tenantId, { mu_id: classId }, { limit: 1, columns: COLUMNS });
    return row === undefined ? undefined : this.classOf(tenantId, row);
  }

  async extensionClassId(tenantId: number, account: string): Promise<number | undefined> {
    const [row] = await this.store.objects('extension').list(tenantId, { ex_username: account }, { limit: 1, columns: ['ex_mu_id'] });
    const id = Number(row?.ex_mu_id ?? 0);
    return Number.isSafeInteger(id) && id > 0 ? id : undefined;
  }

  private async classOf(tenantId: number, row: ObjectRow): Promise<MohClass> {
    const id = Number(row.mu_id);
    const targets = await this.slots.slotTargets(tenantId, 'MUSICONHOLD', id);
    const paths = (await Promise.all(targets.map((t) => this.media.audioPath(tenantId, t.id)))).filter((path): path is string => path !== undefined);
    const audible = await Promise.all(paths.map((path) => atVolume(path, row.mu_volume, this.cacheDir).catch(() => path)));
    return { id, paths: audible, random: row.mu_randomizeorder === 'on' || row.mu_sort === 'random' };
  }
}
