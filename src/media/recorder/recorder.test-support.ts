// Test support for the recorder: synthetic G.711 RTP streams, a driver that pushes them in arrival order with
// ticks, a WAV reader that keeps every header field, and tone measures (Goertzel, RMS). Not shipped code.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAlaw, decodeMulaw, encodeAlaw, encodeMulaw } from '../g711.ts';
import type { CallRecorder } from './call-recorder.ts';
import type { RecorderPacket, RecorderTrackIndex } from './recorder-types.ts';

export const RATE = 8000;
export const FRAME = 160;

export interface TimedPacket extends RecorderPacket {
  readonly track: RecorderTrackIndex;
  readonly arrivalMs: number;
}

/** A steady sine (no ramps, so every packet carries the tone at full level). */
export function sine(frequencyHz: number, samples: number, amplitude = 8000): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / RATE));
  return out;
}

/** What the samples sound like after a trip through the codec: the exact samples a recording must hold. */
export function throughCodec(samples: Int16Array, law: 'PCMU' | 'PCMA'): Int16Array {
  return law === 'PCMU' ? decodeMulaw(encodeMulaw(samples)) : decodeAlaw(encodeAlaw(samples));
}

export interface StreamOptions {
  readonly track: RecorderTrackIndex;
  readonly law?: 'PCMU' | 'PCMA';
  readonly payloadType?: number;
  readonly ssrc?: number;
  readonly sequence?: number;
  readonly timestamp?: number;
  /** Arrival of the first packet; packet i arrives at startMs + 20 i. */
  readonly startMs: number;
}

/** 20 ms G.711 packets of `samples`, sent on time. */
export function rtpStream(samples: Int16Array, options: StreamOptions): TimedPacket[] {
  const law = options.law ?? 'PCMU';
  const payloadType = options.payloadType ?? (law === 'PCMU' ? 0 : 8);
  const encoded = law === 'PCMU' ? encodeMulaw(samples) : encodeAlaw(samples);
  const packets: TimedPacket[] = [];
  for (let i = 0; i * FRAME < samples.length; i++) {
    packets.push({
      track: options.track,
      payloadType,
      sequenceNumber: ((options.sequence ?? 1000) + i) & 0xffff,
      timestamp: ((options.timestamp ?? 5000) + i * FRAME) % 2 ** 32,
      ssrc: options.ssrc ?? 0x1234 + options.track,
      payload: Buffer.from(encoded.subarray(i * FRAME, (i + 1) * FRAME)),
      arrivalMs: options.startMs + i * 20,
    });
  }
  return packets;
}

/** Pushes packets in arrival order (stable), ticking every `tickMs` on the way; returns the last tick time. */
export function drive(recorder: CallRecorder, packets: readonly TimedPacket[], tickMs = 100, fromMs = 0): number {
  const ordered = packets.map((packet, index) => ({ packet, index })).sort((a, b) => a.packet.arrivalMs - b.packet.arrivalMs || a.index - b.index);
  let nextTick = fromMs + tickMs;
  for (const { packet } of ordered) {
    for (; nextTick <= packet.arrivalMs; nextTick += tickMs) recorder.tick(nextTick);
    recorder.push(packet.track, packet, packet.arrivalMs);
  }
  return nextTick - tickMs;
}

/** The same, letting the file writes run every `ioEveryMs` of arrival time, as they would on a real-time call. */
export async function driveWithIo(recorder: CallRecorder, packets: readonly TimedPacket[], tickMs = 100, ioEveryMs = 5000): Promise<void> {
  const ordered = [...packets].sort((a, b) => a.arrivalMs - b.arrivalMs);
  let from = 0;
  let last = 0;
  for (let until = ioEveryMs; from < ordered.length; until += ioEveryMs) {
    let to = from;
    while (to < ordered.length && (ordered[to]?.arrivalMs ?? 0) < until) to++;
    last = drive(recorder, ordered.slice(from, to), tickMs, last);
    from = to;
    // Real calls bring 5 s of audio in 5 s; here it comes at once, so let the disk catch up before the next 5 s (the
    // writer refuses more than 30 s in its queue). Bounded: a disk that never catches up still fails the test.
    for (let turns = 0; turns === 0 || (turns < 1000 && recorder.bufferedSamples > 10 * 8000); turns++) await yieldToIo();
  }
}

/** A deterministic random source (tests must repeat). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export interface WavFile {
  readonly riff: string;
  readonly riffSize: number;
  readonly wave: string;
  readonly format: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly byteRate: number;
  readonly blockAlign: number;
  readonly bitsPerSample: number;
  readonly dataSize: number;
  readonly fileSize: number;
  /** One array of samples per channel. */
  readonly channelData: Int16Array[];
}

/** Reads the canonical 44-byte-header WAV the recorder writes, keeping every field for the tests to check. */
export async function readWav(path: string): Promise<WavFile> {
  const data = await readFile(path);
  const channels = data.readUInt16LE(22);
  const dataSize = data.readUInt32LE(40);
  const frames = Math.floor(dataSize / (2 * channels));
  const channelData = Array.from({ length: channels }, () => new Int16Array(frames));
  for (let frame = 0; frame < frames; frame++) {
    for (let channel = 0; channel < channels; channel++) {
      const samples = channelData[channel];
      if (samples !== undefined) samples[frame] = data.readInt16LE(44 + 2 * (frame * channels + channel));
    }
  }
  return {
    riff: data.toString('latin1', 0, 4),
    riffSize: data.readUInt32LE(4),
    wave: data.toString('latin1', 8, 16),
    format: data.readUInt16LE(20),
    channels,
    sampleRate: data.readUInt32LE(24),
    byteRate: data.readUInt32LE(28),
    blockAlign: data.readUInt16LE(32),
    bitsPerSample: data.readUInt16LE(34),
    dataSize,
    fileSize: data.length,
    channelData,
  };
}

/** The amplitude of `frequencyHz` in the samples (Goertzel): about the sine's peak when it is there, near 0 when not. */
export function toneLevel(samples: Int16Array, frequencyHz: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequencyHz) / RATE);
  let previous = 0;
  let beforePrevious = 0;
  for (const sample of samples) {
    const current = sample + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  const power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
  return (2 * Math.sqrt(Math.max(0, power))) / Math.max(1, samples.length);
}

export function rms(samples: Int16Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** A temporary folder for one test, removed by `cleanup`. */
export async function tempDir(): Promise<{ readonly dir: string; readonly cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cg-recorder-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Gives the file writes queued so far a moment to complete, as a real-time call would between its seconds of
 * audio (a test pushes a second of packets in well under a millisecond).
 */
export function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1));
}
