// The worker thread AudioConverter starts: it runs convertToRelayWav for one job at a time, so decoding and
// filtering (hundreds of milliseconds for a minute of MP3) never stall the SIP stack on the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { convertToRelayWav, type ConvertOptions } from './convert-audio.ts';
import type { ConvertJob, ConvertReply } from './audio-converter.ts';

const options = workerData as ConvertOptions;
const port = parentPort;
if (port === null) throw new Error('audio-convert-worker.ts runs as a worker thread only');

port.on('message', (job: ConvertJob) => {
  void convertToRelayWav(new Uint8Array(job.bytes), job.format, options).then(
    (result) => {
      const reply: ConvertReply = { id: job.id, result };
      port.postMessage(reply, result.ok ? [result.value.wav.buffer] : []);
    },
    (error: unknown) => port.postMessage({ id: job.id, result: { ok: false, error: `the conversion failed: ${String(error)}` } } satisfies ConvertReply),
  );
});
