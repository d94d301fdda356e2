// Converts uploads to the relay's format in a worker thread, one job at a time (uploads are rare; one core
// stays free for calls), each bounded in time: a job over its time limit ends the worker and fails. The
// worker starts on first use and stops when idle, and never keeps the process alive by itself.
import type { Worker } from 'node:worker_threads';
import { err, startModuleWorker, type Result } from '../../shared/index.ts';
import { DEFAULT_CONVERT_OPTIONS, type ConvertedAudio, type ConvertOptions } from './convert-audio.ts';

/** What the media file service needs: an upload as an 8 kHz mono 16-bit WAV, or why it cannot be. */
export interface AudioConversion {
  convert(bytes: Uint8Array, format: string): Promise<Result<ConvertedAudio, string>>;
}

export interface AudioConverterOptions extends Partial<ConvertOptions> {
  /** One job's limit, decode and filter together. */
  readonly timeoutMs?: number;
  /** The worker ends after this long without work. */
  readonly idleMs?: number;
  /**
   * The worker's JavaScript heap limit. Decoded samples live in ArrayBuffers outside it: their size is bounded
   * by the upload limit (1 MiB of the densest MP3 or Vorbis is about 100 MB of float samples) and maxSeconds.
   */
  readonly maxMemoryMb?: number;
}

export interface ConvertJob {
  readonly id: number;
  readonly bytes: ArrayBuffer;
  readonly format: string;
}

export interface ConvertReply {
  readonly id: number;
  readonly result: Result<ConvertedAudio, string>;
}

const WORKER_URL = new URL('./audio-convert-worker.ts', import.meta.url);

let shared: AudioConverter | undefined;

export class AudioConverter implements AudioConversion {
  /** The process's converter with default settings: one worker, one conversion at a time, however many services. */
  static shared(): AudioConverter {
    shared ??= new AudioConverter();
    return shared;
  }

  private worker: Worker | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly settings: ConvertOptions;
  private readonly timeoutMs: number;
  private readonly idleMs: number;
  private readonly maxMemoryMb: number;

  constructor(options: AudioConverterOptions = {}) {
    this.settings = {
      maxSeconds: options.maxSeconds ?? DEFAULT_CONVERT_OPTIONS.maxSeconds,
      soxPath: options.soxPath ?? DEFAULT_CONVERT_OPTIONS.soxPath,
      soxTimeoutMs: options.soxTimeoutMs ?? DEFAULT_CONVERT_OPTIONS.soxTimeoutMs,
    };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.idleMs = options.idleMs ?? 60_000;
    this.maxMemoryMb = options.maxMemoryMb ?? 512;
  }

  convert(bytes: Uint8Array, format: string): Promise<Result<ConvertedAudio, string>> {
    const job = this.queue.then(() => this.run(bytes, format));
    this.queue = job.catch(() => undefined);
    return job;
  }

  /** Ends the worker; a later convert starts a new one. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  private run(bytes: Uint8Array, format: string): Promise<Result<ConvertedAudio, string>> {
    clearTimeout(this.idleTimer);
    const worker = this.ensureWorker();
    worker.ref();
    const id = this.nextId++;
    return new Promise<Result<ConvertedAudio, string>>((resolve) => {
      const finish = (result: Result<ConvertedAudio, string>, workerGone: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (workerGone) {
          if (this.worker === worker) this.worker = undefined;
          void worker.terminate();
        } else {
          worker.unref();
          this.idleTimer = setTimeout(() => void this.close(), this.idleMs).unref();
        }
        resolve(result);
      };
      const onMessage = (reply: ConvertReply) => {
        if (reply.id === id) finish(reply.result, false);
      };
      const onError = (error: Error) => {
        const memory = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
        finish(err(memory ? `the audio needs more than ${this.maxMemoryMb} MB to convert` : `the conversion failed: ${error.message}`), true);
      };
      const onExit = (code: number) => finish(err(`the conversion stopped (worker exit ${code})`), true);
      const timer = setTimeout(() => finish(err(`the conversion took longer than ${this.timeoutMs} ms`), true), this.timeoutMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      // A copy is transferred: the caller keeps its bytes (it stores them as the original).
      const copy = new Uint8Array(bytes).buffer;
      worker.postMessage({ id, bytes: copy, format } satisfies ConvertJob, [copy]);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = startModuleWorker(WORKER_URL, {
      workerData: this.settings,
      name: 'audio-convert',
      resourceLimits: { maxOldGenerationSizeMb: this.maxMemoryMb },
    });
    // Errors between jobs (none are expected) must not become uncaught exceptions of the process.
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    this.worker = worker;
    return worker;
  }
}
