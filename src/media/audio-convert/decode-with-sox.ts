// The fallback decoder for what the in-process decoders do not read: raw GSM 06.10 (.gsm) and WAVs holding
// ADPCM or GSM (WAV49), through Debian's `sox` as a child process with bounded time and output. Without sox
// installed these uploads are refused by name; everything else converts without it.
import { spawn } from 'node:child_process';
import { err, type Result } from '../../shared/index.ts';
import { decodeWav } from './decode-wav.ts';
import type { DecodeFailure, PcmAudio } from './pcm-audio.ts';

export interface SoxOptions {
  /** The sox binary; false turns the fallback off. */
  readonly soxPath: string | false;
  readonly timeoutMs: number;
  readonly maxSeconds: number;
}

/** sox's own name for the input type; GSM is headerless, so its rate and channels are stated. */
const INPUT_ARGS: Readonly<Record<'gsm' | 'wav', readonly string[]>> = { gsm: ['-t', 'gsm', '-r', '8000', '-c', '1'], wav: ['-t', 'wav'] };

export async function decodeWithSox(data: Uint8Array, type: 'gsm' | 'wav', what: string, options: SoxOptions): Promise<Result<PcmAudio, DecodeFailure>> {
  if (options.soxPath === false) return err({ kind: 'unsupported', message: `${what} needs sox, which is turned off` });
  // 16-bit output at the input's own rate and channels: the resampler and the mix stay ours, so every upload
  // goes through the same filter. At most maxSeconds of 8 channels at 48 kHz: more means a lie in a header.
  const maxBytes = 44 + options.maxSeconds * 48_000 * 8 * 2;
  const args = ['-V1', ...INPUT_ARGS[type], '-', '-t', 'wav', '-e', 'signed-integer', '-b', '16', '-'];
  const run = await runBounded(options.soxPath, args, data, options.timeoutMs, maxBytes);
  if (run.kind === 'missing') return err({ kind: 'unsupported', message: `${what} needs sox (Debian package sox), which is not installed` });
  if (run.kind === 'failed') return err({ kind: 'invalid', message: `${what} could not be decoded${run.detail === '' ? '' : `: ${run.detail}`}` });
  return decodeWav(run.output, options.maxSeconds);
}

type Run = { readonly kind: 'done'; readonly output: Uint8Array } | { readonly kind: 'missing' } | { readonly kind: 'failed'; readonly detail: string };

function runBounded(command: string, args: readonly string[], input: Uint8Array, timeoutMs: number, maxBytes: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    // Our own timer rather than spawn's `timeout`: that one is never cleared when the binary is missing
    // (no 'exit' follows the ENOENT), and would hold the process open for the whole limit.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let over = false;
    let settled = false;
    const settle = (run: Run) => {
      clearTimeout(timer);
      if (!settled) resolve(run);
      settled = true;
    };
    child.on('error', (error: NodeJS.ErrnoException) => settle(error.code === 'ENOENT' ? { kind: 'missing' } : { kind: 'failed', detail: error.message }));
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        over = true;
        child.kill('SIGKILL');
        return;
      }
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 2000) stderr += chunk.toString('utf8');
    });
    // sox may stop reading early on a bad header; the broken pipe that follows is its answer, not ours to throw.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    child.on('close', (code, signal) => {
      if (over) return settle({ kind: 'failed', detail: 'the decoded audio is too long' });
      if (timedOut) return settle({ kind: 'failed', detail: `sox did not finish within ${timeoutMs} ms` });
      if (signal !== null) return settle({ kind: 'failed', detail: `sox ended on ${signal}` });
      if (code !== 0) return settle({ kind: 'failed', detail: stderr.trim().split('\n').at(-1)?.replace(/^sox FAIL \w+: /, '') ?? '' });
      settle({ kind: 'done', output: Buffer.concat(chunks) });
    });
  });
}
