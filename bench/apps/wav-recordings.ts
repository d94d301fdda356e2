// Callgrid's recordings of one step, read back from its data dir: one WAV per recorded call at
// <dataDir>/tenants/<tenantId>/recordings/<YYYY-MM-DD>/<uniqueid>.wav (main.ts recordingPath), mixed mono 8 kHz
// 16-bit PCM behind the canonical 44-byte header (media/recorder/wav-header.ts), whose sizes the engine patches when
// the call ends. A step's recordings are the .wav files that appeared since mark(); a recording has media when the
// file holds more than the header and the second in its middle is not all silence (the recorder writes silence for
// time without packets, so size alone would pass a call whose media never reached it). The check waits a few seconds
// for the files to be finished, then also says how many headers were never patched, how many files are not 8 kHz
// mono 16-bit, and how much audio they hold against the calls' length.
import { openSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Recordings, ServerCheck } from './drivers.ts';

const HEADER_BYTES = 44;
const BYTES_PER_SECOND = 8000 * 2;
/** A sample above this (of 32767) is sound: the bench's tone is far louder, G.711 silence decodes to 0 or +-8. */
const SOUND_THRESHOLD = 64;
/** How long after SIPp's last BYE the files may take to be finished (header patched). */
const FINISH_WAIT_MS = 5000;

interface WavFile {
  readonly path: string;
  readonly size: number;
  /** 8 kHz mono 16-bit PCM. */
  readonly format: boolean;
  /** RIFF and data sizes match the file's size. */
  readonly finished: boolean;
  /** Size beyond the header and not silent in the middle. */
  readonly media: boolean;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, read);
}

function inspect(path: string): WavFile | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined; // removed meanwhile
  }
  try {
    const size = statSync(path).size;
    const header = readAt(fd, 0, HEADER_BYTES);
    const format =
      header.length === HEADER_BYTES &&
      header.toString('latin1', 0, 4) === 'RIFF' && header.toString('latin1', 8, 12) === 'WAVE' && header.toString('latin1', 12, 16) === 'fmt ' &&
      header.readUInt16LE(20) === 1 && header.readUInt16LE(22) === 1 && header.readUInt32LE(24) === 8000 && header.readUInt16LE(34) === 16 &&
      header.toString('latin1', 36, 40) === 'data';
    const finished = header.length === HEADER_BYTES && header.readUInt32LE(4) === size - 8 && header.readUInt32LE(40) === size - HEADER_BYTES;
    let media = false;
    if (size > HEADER_BYTES) {
      // The middle second (or all of a shorter file), on a sample boundary.
      const data = size - HEADER_BYTES;
      const length = Math.min(data, BYTES_PER_SECOND);
      const start = HEADER_BYTES + Math.floor((data - length) / 4) * 2;
      const window = readAt(fd, start, length);
      for (let i = 0; i + 1 < window.length; i += 2) {
        if (Math.abs(window.readInt16LE(i)) > SOUND_THRESHOLD) {
          media = true;
          break;
        }
      }
    }
    return { path, size, format, finished, media };
  } finally {
    closeSync(fd);
  }
}

const list = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

export class WavRecordings implements Recordings {
  private seen = new Set<string>();

  /** tenantsDir: the data dir's `tenants` folder. */
  constructor(readonly tenantsDir: string) {}

  /** Every .wav under tenants/<id>/recordings/<day>/. */
  private files(): string[] {
    const out: string[] = [];
    for (const tenant of list(this.tenantsDir)) {
      const recordings = join(this.tenantsDir, tenant, 'recordings');
      for (const day of list(recordings)) for (const name of list(join(recordings, day))) if (name.endsWith('.wav')) out.push(join(recordings, day, name));
    }
    return out;
  }

  mark(): void {
    this.seen = new Set(this.files());
  }

  private newFiles(): WavFile[] {
    return this.files()
      .filter((path) => !this.seen.has(path))
      .map(inspect)
      .filter((file): file is WavFile => file !== undefined);
  }

  async check(calls: number, callSeconds: number): Promise<ServerCheck> {
    const started = performance.now();
    let files = this.newFiles();
    const settled = (list: WavFile[]) => list.filter((f) => f.media).length >= calls && list.every((f) => f.finished);
    while (!settled(files) && performance.now() - started < FINISH_WAIT_MS) {
      await sleep(250);
      files = this.newFiles();
    }
    const waited = (performance.now() - started) / 1000;
    const withMedia = files.filter((f) => f.media).length;
    const empty = files.filter((f) => f.size <= HEADER_BYTES).length;
    const silent = files.filter((f) => f.size > HEADER_BYTES && !f.media).length;
    const unfinished = files.filter((f) => !f.finished).length;
    const badFormat = files.filter((f) => !f.format).length;
    const bytes = files.reduce((sum, f) => sum + f.size, 0);
    const audioSeconds = files.reduce((sum, f) => sum + Math.max(0, f.size - HEADER_BYTES), 0) / BYTES_PER_SECOND;
    const shortest = files.length > 0 ? Math.min(...files.map((f) => Math.max(0, f.size - HEADER_BYTES) / BYTES_PER_SECOND)) : 0;
    const problems: string[] = [];
    if (withMedia < calls) {
      const why = [empty > 0 ? `${empty} header only` : '', silent > 0 ? `${silent} silent in the middle` : ''].filter(Boolean).join(', ');
      problems.push(`${calls - withMedia} of ${calls} answered calls have no recording with media (${files.length} new files${why ? `: ${why}` : ''})`);
    }
    const notes = [`${withMedia} recordings, ${(bytes / 1e6).toFixed(1)} MB`];
    if (calls > 0 && callSeconds > 0) notes.push(`audio ${((100 * audioSeconds) / (calls * callSeconds)).toFixed(1)} % of the calls' time (shortest ${shortest.toFixed(1)} s of ${callSeconds.toFixed(1)})`);
    if (files.length > calls) notes.push(`${files.length - calls} more files than calls`);
    if (unfinished > 0) notes.push(`${unfinished} with the header not patched ${waited.toFixed(1)} s after the calls ended`);
    else if (waited >= 0.5) notes.push(`files finished ${waited.toFixed(1)} s after the check began`);
    if (badFormat > 0) notes.push(`${badFormat} not 8 kHz mono 16-bit PCM`);
    return { problems, notes };
  }
}
