// WavFileWriter: streams 16-bit PCM into a WAV file (wav-header.ts) through one FileHandle. Samples gather in
// one-second chunks that a single asynchronous pump writes in order, so the relay's thread never waits on the disk;
// memory stays bounded (a backlog limit, recycled chunks, silence written from one shared zero buffer).
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createFolder } from './create-folder.ts';
import { MAX_WAV_DATA_BYTES, WAV_HEADER_BYTES, WAV_SAMPLE_RATE, wavHeader } from './wav-header.ts';

/** One second of audio per write: few system calls, and a crash loses at most about that much. */
const CHUNK_FRAMES = WAV_SAMPLE_RATE;
/** Chunks waiting for the disk beyond which the disk is declared too slow (memory must stay bounded). */
export const MAX_PENDING_CHUNKS = 30;
const MAX_FREE_CHUNKS = 2;
/** The header is refreshed every 10 s of audio, so a crash leaves a file whose sizes cover most of it. */
const HEADER_REFRESH_BYTES = 10 * WAV_SAMPLE_RATE * 2;
/** Queue items written by one writev: a disk that fell behind catches up in a few system calls. */
const MAX_BATCH = 16;
/** WAV samples are little-endian; a typed-array view is native-endian. */
const BIG_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;
/** Silence of any length is written from this one buffer: a long hold costs no memory. */
const ZEROES = Buffer.alloc(CHUNK_FRAMES * 4);

interface Chunk {
  readonly bytes: Buffer;
  readonly samples: Int16Array;
}

/** A chunk of samples, or (chunk undefined) a run of `bytes` zero bytes. */
interface WriteItem {
  readonly chunk: Chunk | undefined;
  readonly bytes: number;
}

export interface WavFileSummary {
  /** File size: header plus the data bytes that reached the disk. */
  readonly bytes: number;
  readonly dataBytes: number;
  readonly error: string | undefined;
}

export class WavFileWriter {
  /** Samples (not frames) a chunk holds. */
  readonly chunkSamples: number;
  /** The chunk being filled, interleaved by channel; write at `fill`, then call advance(). */
  chunk: Int16Array;
  fill = 0;
  private current: Chunk;
  private readonly queue: WriteItem[] = [];
  private readonly free: Chunk[] = [];
  private pendingChunks = 0;
  private pendingSampleCount = 0;
  private queuedBytes = 0;
  private writtenBytes = 0;
  private bytesAtHeader = 0;
  /** Items at the head of the queue being written now. */
  private inFlight = 0;
  private handle: FileHandle | undefined;
  private readonly opening: Promise<void>;
  private pumping: Promise<void> | undefined;
  private finishing: Promise<WavFileSummary> | undefined;
  private failure: string | undefined;

  constructor(
    readonly path: string,
    readonly channels: 1 | 2,
    private readonly onError: (message: string) => void,
  ) {
    this.chunkSamples = CHUNK_FRAMES * channels;
    this.current = this.newChunk();
    this.chunk = this.current.samples;
    this.opening = this.openFile();
  }

  /** Why writing stopped, once it has. */
  get error(): string | undefined {
    return this.failure;
  }

  /** Samples held in memory and not yet on disk (the chunk being filled and the queued ones). */
  get pendingSamples(): number {
    return this.pendingSampleCount + this.fill;
  }

  /** The most `pendingSamples` can reach before the writer gives up on the disk. */
  get maxPendingSamples(): number {
    return (MAX_PENDING_CHUNKS + 1) * this.chunkSamples;
  }

  /** Data bytes accepted so far (queued or written). */
  get dataBytes(): number {
    return this.queuedBytes + this.fill * 2;
  }

  /** Room left in the current chunk, in samples. */
  get space(): number {
    return this.chunkSamples - this.fill;
  }

  /** Takes `samples` written into `chunk` from `fill` on. */
  advance(samples: number): void {
    this.fill += samples;
    if (this.fill >= this.chunkSamples) this.commit();
  }

  /** Appends `frames` frames of silence without holding them in memory. */
  appendSilence(frames: number): void {
    let samples = frames * this.channels;
    if (samples <= 0 || this.failure !== undefined || this.finishing !== undefined) return;
    // Short silences go into the chunk (no tiny writes); a long one fills it and the rest is a run of zeroes.
    const inChunk = Math.min(samples, this.space);
    this.chunk.fill(0, this.fill, this.fill + inChunk);
    this.advance(inChunk);
    samples -= inChunk;
    if (samples === 0 || this.failure !== undefined) return;
    if (!this.accepts(samples * 2)) return;
    const last = this.queue[this.queue.length - 1];
    if (last !== undefined && last.chunk === undefined && this.queue.length > this.inFlight) this.queue[this.queue.length - 1] = { chunk: undefined, bytes: last.bytes + samples * 2 };
    else this.queue.push({ chunk: undefined, bytes: samples * 2 });
    this.queuedBytes += samples * 2;
    this.kick();
  }

  /** Writes what is left, patches the RIFF and data sizes and closes the file; never rejects. */
  finish(): Promise<WavFileSummary> {
    this.finishing ??= this.close();
    return this.finishing;
  }

  /** Queues the current chunk (full or, at the end, partial) and starts a new one. */
  private commit(): void {
    if (this.fill === 0 || this.failure !== undefined) return;
    const samples = this.fill;
    if (!this.accepts(samples * 2)) return;
    if (this.pendingChunks >= MAX_PENDING_CHUNKS) {
      this.fail(`disk too slow: ${MAX_PENDING_CHUNKS} s of audio waiting to be written to ${this.path}`);
      return;
    }
    this.queue.push({ chunk: this.current, bytes: samples * 2 });
    this.pendingChunks++;
    this.pendingSampleCount += samples;
    this.queuedBytes += samples * 2;
    this.current = this.free.pop() ?? this.newChunk();
    this.chunk = this.current.samples;
    this.fill = 0;
    this.kick();
  }

  private accepts(bytes: number): boolean {
    if (this.queuedBytes + bytes <= MAX_WAV_DATA_BYTES) return true;
    this.fail(`recording reached the WAV size limit (4 GiB) at ${this.path}`);
    return false;
  }

  private newChunk(): Chunk {
    const buffer = new ArrayBuffer(this.chunkSamples * 2);
    return { bytes: Buffer.from(buffer), samples: new Int16Array(buffer) };
  }

  private async openFile(): Promise<void> {
    let handle: FileHandle | undefined;
    try {
      await createFolder(dirname(this.path));
      handle = await open(this.path, 'w');
      await writeAll(handle, [wavHeader(this.channels, 0)], 0);
      this.handle = handle;
      this.kick();
    } catch (error) {
      this.fail(`cannot open ${this.path}: ${describe(error)}`);
      await handle?.close().catch(() => undefined);
    }
  }

  private kick(): void {
    if (this.pumping === undefined && this.handle !== undefined && this.queue.length > 0 && this.failure === undefined) this.pumping = this.pump(this.handle);
  }

  /** Writes the queue in order; what gathered during one write goes out in the next as one writev. */
  private async pump(handle: FileHandle): Promise<void> {
    try {
      while (this.queue.length > 0 && this.failure === undefined) {
        const batch = this.queue.slice(0, MAX_BATCH);
        this.inFlight = batch.length;
        await writeAll(handle, batch.flatMap(piecesOf), WAV_HEADER_BYTES + this.writtenBytes);
        this.queue.splice(0, batch.length);
        this.inFlight = 0;
        for (const item of batch) this.written(item);
        if (this.writtenBytes - this.bytesAtHeader >= HEADER_REFRESH_BYTES * this.channels) {
          this.bytesAtHeader = this.writtenBytes;
          await writeAll(handle, [wavHeader(this.channels, this.writtenBytes)], 0);
        }
      }
    } catch (error) {
      this.fail(`cannot write ${this.path}: ${describe(error)}`);
    } finally {
      this.inFlight = 0;
      this.pumping = undefined;
    }
  }

  private written(item: WriteItem): void {
    this.writtenBytes += item.bytes;
    if (item.chunk === undefined) return;
    this.pendingChunks--;
    this.pendingSampleCount -= item.bytes / 2;
    if (this.free.length < MAX_FREE_CHUNKS) this.free.push(item.chunk);
  }

  private async close(): Promise<WavFileSummary> {
    this.commit();
    await this.opening;
    this.kick();
    while (this.pumping !== undefined) await this.pumping;
    const handle = this.handle;
    if (handle !== undefined) {
      // The sizes cover exactly what reached the disk, so a failed recording is still a valid (shorter) file.
      await writeAll(handle, [wavHeader(this.channels, this.writtenBytes)], 0).catch((error: unknown) => this.fail(`cannot write ${this.path}: ${describe(error)}`));
      await handle.close().catch((error: unknown) => this.fail(`cannot close ${this.path}: ${describe(error)}`));
    }
    return { bytes: handle === undefined ? 0 : WAV_HEADER_BYTES + this.writtenBytes, dataBytes: this.writtenBytes, error: this.failure };
  }

  private fail(message: string): void {
    if (this.failure !== undefined) return;
    this.failure = message;
    // Nothing more is written: drop what waits (the pump stops after its current write).
    for (const item of this.queue.splice(this.inFlight)) {
      if (item.chunk === undefined) continue;
      this.pendingChunks--;
      this.pendingSampleCount -= item.bytes / 2;
    }
    this.fill = 0;
    // Deferred: a failure found inside a packet handler must not run the caller's code there.
    queueMicrotask(() => {
      try {
        this.onError(message);
      } catch {
        // The listener's own fault is not the recording's.
      }
    });
  }
}

/** The bytes an item puts in the file: its chunk's samples (little-endian), or zeroes. */
function piecesOf(item: WriteItem): Buffer[] {
  if (item.chunk !== undefined) {
    const bytes = item.chunk.bytes.subarray(0, item.bytes);
    if (BIG_ENDIAN) bytes.swap16();
    return [bytes];
  }
  const pieces: Buffer[] = [];
  for (let left = item.bytes; left > 0; left -= ZEROES.length) pieces.push(ZEROES.subarray(0, Math.min(left, ZEROES.length)));
  return pieces;
}

/** Writes the buffers one after the other from `position`, through a short write if the system makes one. */
async function writeAll(handle: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  const { bytesWritten } = await handle.writev(buffers, position);
  let skip = bytesWritten;
  let at = position + bytesWritten;
  for (const buffer of buffers) {
    if (skip >= buffer.length) {
      skip -= buffer.length;
      continue;
    }
    for (let done = skip; done < buffer.length; ) {
      const { bytesWritten: more } = await handle.write(buffer, done, buffer.length - done, at);
      if (more <= 0) throw new Error('short write');
      done += more;
      at += more;
    }
    skip = 0;
  }
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (error instanceof Error ? error.message : String(error));
}
