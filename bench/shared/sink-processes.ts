// The RTP sinks' processes, both sides of their IPC (bench/calls/rtp-sink.ts and bench/apps/timing-sink.ts): each
// sink runs in a forked process with one UDP port, so the bench's event loop and the per-packet counting do not slow
// each other, and several processes spread the packet work over CPUs. The parent hands out the ports and asks every
// process at once (reset between steps, a report after one); a request carries an id, its answer the same.
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:dgram';

interface Reply<Report> {
  readonly id: number;
  readonly report?: Report;
  /** The first message of a started process: its bound UDP port. */
  readonly port?: number;
}

class SinkProcess<Request extends object, Report> {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply<Report>) => void>();

  private constructor(private readonly child: ChildProcess, readonly port: number) {
    child.on('message', (message: Reply<Report>) => {
      const resolve = this.pending.get(message.id);
      this.pending.delete(message.id);
      resolve?.(message);
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  static async start<Request extends object, Report>(module: string, flag: string): Promise<SinkProcess<Request, Report>> {
    const child = fork(module, [flag], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const onExit = () => child.kill('SIGKILL');
    process.once('exit', onExit);
    child.once('exit', () => process.removeListener('exit', onExit));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the RTP sink did not start within 15 s')), 15_000);
      child.once('message', (message: Reply<Report>) => {
        clearTimeout(timer);
        if (message.port) resolve(message.port);
        else reject(new Error('the RTP sink did not report its port'));
      });
      child.once('exit', (code) => reject(new Error(`the RTP sink exited (${String(code)})`)));
    });
    return new SinkProcess<Request, Report>(child, port);
  }

  ask(request: Request): Promise<Reply<Report>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('the RTP sink did not answer'));
      }, 10_000);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.child.send({ ...request, id });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }
}

/** The parent's handle on a sink's processes. */
export class SinkProcesses<Request extends object, Report> {
  private constructor(private readonly processes: readonly SinkProcess<Request, Report>[]) {}

  /** Forks `count` processes of `module`, which serves when started with `flag` (see serveSink). */
  static async start<Request extends object, Report>(module: string, flag: string, count: number): Promise<SinkProcesses<Request, Report>> {
    const started = await Promise.allSettled(Array.from({ length: count }, () => SinkProcess.start<Request, Report>(module, flag)));
    const ok = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) {
      await Promise.all(ok.map((one) => one.stop()));
      throw failed.reason;
    }
    return new SinkProcesses(ok);
  }

  get ports(): number[] {
    return this.processes.map((one) => one.port);
  }

  get pids(): number[] {
    return this.processes.map((one) => one.pid);
  }

  /** Asks every process; their reports in the processes' order (undefined for a request that has none). */
  async ask(request: Request): Promise<Array<Report | undefined>> {
    const replies = await Promise.all(this.processes.map((one) => one.ask(request)));
    return replies.map((reply) => reply.report);
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((one) => one.stop()));
  }
}

/**
 * The child's side: answers each request with `answer`'s report, reports the socket's port once bound, and ends when
 * the parent goes away (nothing left to report to).
 */
export function serveSink<Request extends object, Report>(socket: Socket, answer: (request: Request) => Report | undefined): void {
  process.on('message', (message: Request & { readonly id: number }) => {
    const report = answer(message);
    process.send?.((report === undefined ? { id: message.id } : { id: message.id, report }) satisfies Reply<Report>);
  });
  process.on('disconnect', () => process.exit(0));
  socket.bind(0, '127.0.0.1', () => process.send?.({ id: 0, port: socket.address().port } satisfies Reply<Report>));
}
