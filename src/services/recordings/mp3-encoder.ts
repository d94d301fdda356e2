// MP3 for recordings, as MiRTA serves them (spec §1.5: `audio/mpeg`): Debian's `lame` run as a child process on
// the WAV's raw samples. A separate process keeps the event loop free (a JavaScript encoder takes seconds of main
// thread for a long call), can be killed when it overruns, and its memory is its own.
import { spawn } from 'node:child_process';
import { constants, createWriteStream } from 'node:fs';
import { lstat, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PbxError } from '../../shared/index.ts';
import { readWavLayout, type WavLayout } from './wav-layout.ts';

export interface Mp3EncoderSettings {
  /** The lame executable; default `lame` from PATH. */
  readonly command?: string;
  /** Bit rate per channel in kbit/s (default 32: telephone audio at 8 kHz loses nothing audible). */
  readonly kbpsPerChannel?: number;
  /** Encodings running at once (default 2, the cores of a node); more wait their turn. */
  readonly maxConcurrent?: number;
  /** Largest WAV audio it converts (default 2 GiB: about 37 hours of a mixed call). */
  readonly maxInputBytes?: number;
  /** Time allowed besides the 1 s per 50 s of audio (default 10 s). */
  readonly baseTimeoutMs?: number;
}

/** Converts a recording's WAV to MP3; implemented by LameMp3Encoder, faked in tests. */
export interface Mp3Encoder {
  /** Writes `mp3Path` from `wavPath` unless an MP3 at least as new is there already. */
  ensure(wavPath: string, mp3Path: string): Promise<void>;
}

const NOT_INSTALLED =
  'Not implemented: MP3 recordings on this node: the lame encoder is not installed (Debian package lame); format=wav serves the recording as WAV';

/** lame's options for raw little-endian 16-bit samples of this layout, CBR, no tags, stdin to stdout. */
export function lameArguments(layout: Pick<WavLayout, 'channels' | 'sampleRate'>, kbpsPerChannel: number): string[] {
  const mode = layout.channels === 1 ? 'm' : 's';
  return ['--quiet', '-r', '-s', String(layout.sampleRate / 1000), '--bitwidth', '16', '--signed', '--little-endian', '-m', mode, '-b', String(kbpsPerChannel * layout.channels), '-', '-'];
}

export class LameMp3Encoder implements Mp3Encoder {
  private readonly command: string;
  private readonly kbps: number;
  private readonly maxConcurrent: number;
  private readonly maxInputBytes: number;
  private readonly baseTimeoutMs: number;
  private running = 0;
  private readonly queue: Array<() => void> = [];
  /** One run per file: two downloads of the same recording share it. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(settings: Mp3EncoderSettings = {}) {
    this.command = settings.command ?? 'lame';
    this.kbps = settings.kbpsPerChannel ?? 32;
    this.maxConcurrent = settings.maxConcurrent ?? 2;
    this.maxInputBytes = settings.maxInputBytes ?? 2 * 1024 ** 3;
    this.baseTimeoutMs = settings.baseTimeoutMs ?? 10_000;
  }

  async ensure(wavPath: string, mp3Path: string): Promise<void> {
    if (await isFresh(wavPath, mp3Path)) return;
    let run = this.inFlight.get(mp3Path);
    if (!run) {
      run = this.queued(() => this.encode(wavPath, mp3Path)).finally(() => this.inFlight.delete(mp3Path));
      this.inFlight.set(mp3Path, run);
    }
    return run;
  }

  private async queued<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxConcurrent) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }

  private async encode(wavPath: string, mp3Path: string): Promise<void> {
    // O_NOFOLLOW: a link planted in a tenant's folder is not followed out of it.
    const handle = await open(wavPath, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const layout = await readWavLayout(handle, (await handle.stat()).size);
      if (layout.dataBytes > this.maxInputBytes) {
        throw new PbxError('invalid_parameter', `Recording too long for MP3: ${layout.dataBytes} bytes of audio, at most ${this.maxInputBytes}; format=wav serves it`);
      }
      await this.run(handle, layout, mp3Path);
    } finally {
      await handle.close();
    }
  }

  private async run(handle: FileHandle, layout: WavLayout, mp3Path: string): Promise<void> {
    const seconds = layout.dataBytes / (layout.sampleRate * layout.channels * 2);
    // lame runs at several hundred times real time here; 50x with 10 s to start is a generous ceiling.
    const timeoutMs = this.baseTimeoutMs + (seconds / 50) * 1000;
    // CBR output is seconds x bit rate; twice that (and a little for the first frames) means something is wrong.
    const maxOutput = 64 * 1024 + 2 * Math.ceil((seconds * this.kbps * layout.channels * 1000) / 8);
    const part = `${mp3Path}.${randomBytes(6).toString('hex')}.part`;

    const child = spawn(this.command, lameArguments(layout, this.kbps), { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-2000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);

    const input = layout.dataBytes > 0 ? handle.createReadStream({ start: layout.dataOffset, end: layout.dataOffset + layout.dataBytes - 1, autoClose: false }) : Readable.from([]);
    // A broken pipe is the encoder's failure, reported by how it exited.
    const fed = pipeline(input, child.stdin).catch(() => undefined);
    const written = pipeline(child.stdout, byteLimit(maxOutput), createWriteStream(part, { mode: 0o600 }));
    const [exit, output] = await Promise.allSettled([exited, written, fed]);
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');

    const failure = this.failure(exit, output, timedOut, timeoutMs, stderr);
    if (failure) {
      await rm(part, { force: true });
      throw failure;
    }
    await rename(part, mp3Path);
  }

  private failure(exit: PromiseSettledResult<{ code: number | null; signal: NodeJS.Signals | null }>, output: PromiseSettledResult<void> | undefined, timedOut: boolean, timeoutMs: number, stderr: string): Error | undefined {
    if (exit.status === 'rejected') {
      const error = exit.reason as NodeJS.ErrnoException;
      return error.code === 'ENOENT' ? new PbxError('not_implemented', NOT_INSTALLED) : error;
    }
    if (timedOut) return new Error(`lame did not finish within ${Math.round(timeoutMs / 1000)} s`);
    if (output?.status === 'rejected') return output.reason instanceof Error ? output.reason : new Error(String(output.reason));
    if (exit.value.code !== 0) return new Error(`lame failed (exit ${exit.value.code ?? exit.value.signal}): ${stderr.trim()}`);
    return undefined;
  }
}

/** An MP3 beside the WAV that is at least as new was made from it. */
async function isFresh(wavPath: string, mp3Path: string): Promise<boolean> {
  try {
    const [wav, mp3] = await Promise.all([lstat(wavPath), lstat(mp3Path)]);
    return mp3.isFile() && mp3.mtimeMs >= wav.mtimeMs;
  } catch {
    return false;
  }
}

/** Passes bytes through until more than `max` have come, then fails. */
function byteLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > max) done(new Error(`lame wrote more than ${max} bytes`));
      else done(null, chunk);
    },
  });
}
