// The relay's fan-out sources by name (music-on-hold classes): opened with a looping playlist, replaced in place (its
// listeners stay on it), closed with their listeners told. One registry per MediaRelay, so per worker thread.
import { err, ok, type Result } from '../../shared/index.ts';
import type { ClipCache } from '../player/index.ts';
import { MediaSource } from './media-source.ts';
import { PlayCursor, type ClipSegment } from './play-cursor.ts';
import type { SourceRequest } from './relay-control.ts';
import { resolvePlayItems, type SourceLookup } from './resolve-play-items.ts';

const MAX_NAME_LENGTH = 200;

export class SourceRegistry implements SourceLookup {
  private readonly sources = new Map<string, MediaSource>();

  constructor(
    private readonly clips: ClipCache,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.sources.size;
  }

  /** Sources still loading are listed too: a playback naming one waits for it (commands need not wait for answers). */
  get(name: string): MediaSource | undefined {
    return this.sources.get(name);
  }

  async open(name: string, request: SourceRequest): Promise<Result<void, string>> {
    if (typeof name !== 'string' || name === '' || name.length > MAX_NAME_LENGTH) return err('a source needs a name');
    if (request?.loop !== true) return err(`source ${name}: a source loops (loop: true)`);
    const existing = this.sources.get(name);
    const source = existing ?? new MediaSource(name, this.now());
    if (existing === undefined) this.sources.set(name, source);
    const loaded = await this.load(request);
    if (!loaded.ok) {
      // A failed replacement leaves the playing source as it was; a failed new one never opens.
      if (existing === undefined) {
        source.fail(loaded.error);
        if (this.sources.get(name) === source) this.sources.delete(name);
      }
      return err(`source ${name}: ${loaded.error}`);
    }
    if (source.closed) return err(`source ${name} was closed while it loaded`);
    source.play(loaded.value, this.now());
    return ok(undefined);
  }

  /** Closes the source; its listeners' playbacks end 'stopped'. Nothing when there is none by that name. */
  close(name: string): void {
    const source = this.sources.get(name);
    if (source === undefined) return;
    this.sources.delete(name);
    source.close();
  }

  all(): IterableIterator<MediaSource> {
    return this.sources.values();
  }

  closeAll(): void {
    for (const name of [...this.sources.keys()]) this.close(name);
  }

  private async load(request: SourceRequest): Promise<Result<PlayCursor<ClipSegment>, string>> {
    const segments = await resolvePlayItems(request.items, this.clips, undefined);
    if (!segments.ok) return segments;
    // Without sources the resolver only returns clip and silence segments.
    const cursor = new PlayCursor(segments.value as ClipSegment[], true);
    if (cursor.loopFrames === 0) return err('the playlist is empty');
    return ok(cursor);
  }
}
