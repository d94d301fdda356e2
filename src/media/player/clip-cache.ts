// ClipCache: prompt files loaded once and kept, by path and modification time, within a memory budget. Every call
// that hears "please hold" plays the same clip; a file replaced on disk (a new mtime or size) is read again. Reads
// are asynchronous: the cache lives in the relay's worker thread, where a synchronous read would stall every stream.
import { open, type FileHandle } from 'node:fs/promises';
import { err, ok, type Result } from '../../shared/index.ts';
import type { AudioClip } from './audio-clip.ts';
import { parseAudioClip } from './parse-audio-clip.ts';

/** Enough for a few hundred short prompts, or one hour of music on hold; the budget counts both G.711 forms too. */
export const DEFAULT_CLIP_CACHE_BYTES = 64 * 1024 * 1024;
/** 8 kHz 16-bit is 57.6 MB an hour: a larger file is not a prompt, and reading it whole would be a memory hazard. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

interface Entry {
  readonly version: string;
  readonly clip: AudioClip;
  readonly bytes: number;
}

export class ClipCache {
  /** Insertion order is recency order: a hit moves its entry to the end, eviction takes from the front. */
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Result<AudioClip, string>>>();
  private heldBytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes = DEFAULT_CLIP_CACHE_BYTES) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  /** The clip of the file at `path`; an error value (never a throw) when it cannot be read or is not a format we play. */
  async load(path: string): Promise<Result<AudioClip, string>> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      return err(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    try {
      // Stat and read go through one handle, so the version we file the clip under is the one we read.
      const stat = await handle.stat();
      if (!stat.isFile()) return err(`cannot read ${path}: not a file`);
      if (stat.size > MAX_FILE_BYTES) return err(`cannot read ${path}: ${stat.size} bytes is too large for a prompt`);
      const version = `${stat.mtimeMs}:${stat.size}`;
      const cached = this.entries.get(path);
      if (cached !== undefined && cached.version === version) {
        this.hits++;
        this.entries.delete(path);
        this.entries.set(path, cached);
        return ok(cached.clip);
      }
      // Many calls asking for the same new prompt at once (a campaign starting) read it once.
      const key = `${path}\0${version}`;
      const pending = this.loading.get(key);
      if (pending !== undefined) return await pending;
      this.misses++;
      const read = this.read(handle, path, version);
      this.loading.set(key, read);
      try {
        return await read;
      } finally {
        this.loading.delete(key);
      }
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  private async read(handle: FileHandle, path: string, version: string): Promise<Result<AudioClip, string>> {
    let data: Buffer;
    try {
      data = await handle.readFile();
    } catch (error) {
      return err(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    const parsed = parseAudioClip(path, data);
    if (parsed.ok) this.keep(path, version, parsed.value);
    return parsed;
  }

  private keep(path: string, version: string, clip: AudioClip): void {
    // Budgeted at its largest: the samples plus both laws, which are encoded on first use.
    const bytes = clip.samples.byteLength * 2;
    const previous = this.entries.get(path);
    if (previous !== undefined) {
      this.entries.delete(path);
      this.heldBytes -= previous.bytes;
    }
    // A clip larger than the whole budget is played but not kept.
    if (bytes > this.maxBytes) return;
    while (this.heldBytes + bytes > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      const evicted = this.entries.get(oldest.value);
      this.entries.delete(oldest.value);
      this.heldBytes -= evicted?.bytes ?? 0;
    }
    this.entries.set(path, { version, clip, bytes });
    this.heldBytes += bytes;
  }
}
