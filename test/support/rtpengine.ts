// rtpengine (Debian rtpengine-daemon) as a real media plane in tests: userspace only (--table=-1, no kernel module),
// on loopback, its ng socket and a small media port range on free ports, in a process group of its own.
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';

/** The rtpengine binary, or undefined when it is not installed (tests then skip with a message). */
export const RTPENGINE: string | undefined = ((): string | undefined => {
  const found = spawnSync('sh', ['-c', 'command -v rtpengine'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
})();

export function skipWithoutRtpengine(what: string): string | false {
  return RTPENGINE === undefined ? `rtpengine is not installed (apt-get install --no-install-recommends rtpengine-daemon): ${what} skipped` : false;
}

export interface RunningRtpengine {
  readonly ngPort: number;
  readonly portMin: number;
  readonly portMax: number;
  /** The tail of its log, for a failing assertion. */
  log(): string;
  stop(): Promise<void>;
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function pinged(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 300);
    socket.once('error', () => done(false));
    socket.on('message', (data) => done(data.toString('latin1').includes('pong')));
    socket.send('t1 d7:command4:pinge', port, '127.0.0.1');
  });
}

/** Starts rtpengine and waits until its ng socket answers a ping (at most 10 s). */
export async function startRtpengine(options: { portSpan?: number } = {}): Promise<RunningRtpengine> {
  const ngPort = await freeUdpPort();
  // Media ports below Linux's ephemeral range (where SIPp and free ports come from), at random so parallel files rarely meet.
  const span = options.portSpan ?? 40;
  const portMin = 28_000 + 2 * Math.floor(Math.random() * 1_900);
  const portMax = portMin + span - 1;
  const child = spawn(
    RTPENGINE ?? 'rtpengine',
    ['--config-file=none', '--foreground', '--log-stderr', '--log-level=5', '--table=-1', '--interface=127.0.0.1', `--listen-ng=127.0.0.1:${ngPort}`, `--port-min=${portMin}`, `--port-max=${portMax}`, '--num-threads=1', '--delete-delay=0'],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-6000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const kill = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const onExit = (): void => kill('SIGKILL');
  process.once('exit', onExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    kill('SIGTERM');
    const timer = setTimeout(() => kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 10_000;
  while (!(await pinged(ngPort))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`rtpengine did not answer a ping on 127.0.0.1:${ngPort}:\n${tail}`);
    }
    await sleep(100);
  }
  return { ngPort, portMin, portMax, log: () => tail, stop };
}
