// How many relay sides one media worker keeps playing at 20 ms: N sides each play a looped prompt (or a fan-out
// source) to a sink process, for a few seconds per step; the worker's media clock reports the frames whose last packet
// left 20 ms or more after it was due. A rough local measurement, not a test.
//   node --import tsx bench/relay-playback.bench.ts [sides...] [--source] [--discard] [--seconds=8]
// --discard sends to a loopback port nobody listens on (no receiver competing for the 2 cores; nothing counted).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ThreadedMediaRelay, type RelaySessionControl, type RelaySnapshot } from '../src/media/index.ts';
import { toneSamples } from '../src/media/player/index.ts';

const HOST = '127.0.0.1';
const args = process.argv.slice(2);
const steps = args.filter((a) => /^\d+$/.test(a)).map(Number);
const useSource = args.includes('--source');
const discard = args.includes('--discard');
const seconds = Number(args.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 8);

// The sink: its own process, so counting 50 packets/s per side does not take the worker's core from this thread.
const SINK = `
const socket = require('node:dgram').createSocket('udp4');
let received = 0;
socket.on('message', () => received++);
socket.bind(0, '${HOST}', () => { socket.setRecvBufferSize(8 * 1024 * 1024); process.send({ port: socket.address().port }); });
process.on('message', () => process.send({ received }));
`;

function wav(samples: Int16Array): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + samples.length * 2, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(samples.length * 2, 40);
  return Buffer.concat([header, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength)]);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cg-play-bench-'));
  const prompt = join(dir, 'prompt.wav');
  await writeFile(prompt, wav(toneSamples(440, 3000)));
  const sink = spawn(process.execPath, ['-e', SINK], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = <T>(): Promise<T> => new Promise((resolve) => sink.once('message', (m) => resolve(m as T)));
  const { port: listening } = await ask<{ port: number }>();
  // An odd port in the range below the relay's, bound by no one.
  const sinkPort = discard ? 19999 : listening;
  const relay = new ThreadedMediaRelay({ host: HOST, portMin: 20000, portMax: 40000, logLevel: 'warn' });
  if (useSource) await relay.openSource('moh', { items: [{ kind: 'file', path: prompt }], loop: true });
  const sessions: RelaySessionControl[] = [];
  console.log(`sides  frames  late  late%   maxLateMs  in ticks%  cpu%  sink received/expected  (${useSource ? 'fan-out source' : 'looped prompt'}, ${seconds} s a step)`);
  for (const sides of steps.length > 0 ? steps : [250, 500, 1000, 1500, 2000]) {
    while (sessions.length * 2 < sides) {
      const opened = await relay.openSession();
      if (!opened.ok) throw new Error(opened.error);
      const session = opened.value;
      session.pause();
      for (const name of ['a', 'b'] as const) {
        const side = session.side(name);
        side.setRemote(HOST, sinkPort);
        void side.play({ items: [useSource ? { kind: 'source', name: 'moh' } : { kind: 'file', path: prompt }], loop: true, format: { payloadType: 0, encoding: 'PCMU' } });
      }
      sessions.push(session);
    }
    await sleep(1500); // every side playing, the first frames out
    const before = (await relay.snapshot()) as RelaySnapshot;
    sink.send('report');
    const sinkBefore = (await ask<{ received: number }>()).received;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await sleep(seconds * 1000);
    const cpu = process.cpuUsage(cpuBefore);
    const after = (await relay.snapshot()) as RelaySnapshot;
    sink.send('report');
    const sinkAfter = (await ask<{ received: number }>()).received;
    const elapsed = performance.now() - started;
    const frames = after.media.clock.frames - before.media.clock.frames;
    const late = after.media.clock.lateFrames - before.media.clock.lateFrames;
    const busy = (after.media.clock.busyMs - before.media.clock.busyMs) / elapsed;
    // This process is the worker, bar a nearly idle main thread: its CPU time is what the sides cost.
    const cpuShare = (cpu.user + cpu.system) / 1000 / elapsed;
    const playing = sessions.length * 2;
    const expected = Math.round((playing * elapsed) / 20);
    console.log(
      `${String(playing).padStart(5)}  ${String(frames).padStart(6)}  ${String(late).padStart(4)}  ${((100 * late) / Math.max(1, frames)).toFixed(2).padStart(5)}  ${after.media.clock.maxLateMs.toFixed(1).padStart(10)}  ${(100 * busy).toFixed(0).padStart(9)}  ${(100 * cpuShare).toFixed(0).padStart(4)}  ${sinkAfter - sinkBefore}/${expected}`,
    );
  }
  await relay.close();
  sink.kill();
  await rm(dir, { recursive: true, force: true });
}

await main();
