// CPU use of the bench's processes over a window, from /proc/<pid>/stat (utime + stime, fields 14 and 15): SIPp
// (a saturated load generator would show here near 100 %), the server under test, the RTP sinks and this process
// (which is the rtpengine peer's SIP UAS). 100 % = one core; the machine has availableParallelism() of them.
// Callgrid's process is also split by thread (/proc/<pid>/task/<tid>/stat): its main thread (tid = pid), its relay
// worker, and the rest (V8's GC and compiler helpers, libuv's pool). Node names every thread "node", so the worker is
// told apart by what it waits in: a thread with its own event loop sits in epoll_wait (/proc/.../syscall), the pool
// and GC helpers in futex. Besides main, Node has three such loops in Callgrid: the platform's delayed-task thread
// and tsx's module-hooks thread, both idle once started, and the relay's worker; the busiest of them over the window
// is taken as the relay worker.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = (() => {
  const value = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
  return Number.isFinite(value) && value > 0 ? value : 100;
})();

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  readonly ticks: number;
}

/** A /proc stat file (a process's, or one thread's under task/): ppid, comm and utime + stime. */
function readStat(path: string, pid: number): Proc | undefined {
  try {
    const stat = readFileSync(path, 'latin1');
    // comm is in parentheses and may hold spaces: the fields after it start past the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return { pid, ppid: Number(fields[1]), comm, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // exited meanwhile
  }
}

function readProc(pid: number): Proc | undefined {
  return readStat(`/proc/${pid}/stat`, pid);
}

/** epoll_wait, epoll_pwait and epoll_pwait2 by architecture: where a thread with an event loop waits. */
const EPOLL_SYSCALLS: ReadonlySet<number> = new Set(process.arch === 'x64' ? [232, 281, 441] : process.arch === 'arm64' ? [22, 441] : []);
/** `pid/tid` of threads (not main) once seen waiting in epoll: event-loop threads. Remembered, since a busy worker is
 * often running, not waiting, at the instant of a snapshot. */
const loopThreads = new Set<string>();

/** Ticks per thread of a process (tid -> ticks), noting which threads wait in epoll. */
function readThreads(pid: number): Map<number, number> {
  const threads = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const name of tids) {
    const tid = Number(name);
    const stat = readStat(`/proc/${pid}/task/${tid}/stat`, tid);
    if (!stat) continue;
    threads.set(tid, stat.ticks);
    if (tid === pid) continue;
    try {
      const syscall = Number(readFileSync(`/proc/${pid}/task/${tid}/syscall`, 'latin1').split(' ')[0]);
      if (EPOLL_SYSCALLS.has(syscall)) loopThreads.add(`${pid}/${tid}`);
    } catch {
      // not allowed to read it, or the thread ended
    }
  }
  return threads;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** What a process is, for the table; undefined for helpers not worth a column (tsx's esbuild service, shells). */
function label(proc: Proc): string | undefined {
  if (proc.pid === process.pid) return 'bench';
  // The callees: bench/calls' answering UAS, and the hunt list's member that only rings (app-scenarios.ts).
  if (proc.comm === 'sipp') return /uas\.xml|ringing-member\.xml/.test(cmdline(proc.pid)) ? 'SIPp callee' : 'SIPp caller';
  if (proc.comm.startsWith('rtpengine')) return 'rtpengine';
  if (proc.comm.startsWith('kamailio')) return 'Kamailio';
  const line = cmdline(proc.pid);
  if (line.includes('--timing-sink')) return 'RTP sink';
  if (line.includes('src/cli/index.ts')) return 'Callgrid';
  return undefined;
}

export type CpuSnapshot = {
  readonly at: number;
  /** threads: ticks per thread, for the processes split by thread (Callgrid's). */
  readonly procs: ReadonlyMap<number, { readonly label: string; readonly ticks: number; readonly threads?: ReadonlyMap<number, number> }>;
  /** Busy ticks of the whole machine (/proc/stat `cpu` line: all but idle and iowait). */
  readonly machine: number;
};

function machineBusy(): number {
  try {
    const fields = (readFileSync('/proc/stat', 'latin1').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    return fields.slice(0, 8).reduce((sum, value, i) => (i === 3 || i === 4 ? sum : sum + (value || 0)), 0);
  } catch {
    return 0;
  }
}

/** This process and all its descendants, labelled. */
export function cpuSnapshot(): CpuSnapshot {
  const all = new Map<number, Proc>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const proc = readProc(Number(name));
    if (proc) all.set(proc.pid, proc);
  }
  const children = new Map<number, number[]>();
  for (const proc of all.values()) children.set(proc.ppid, [...(children.get(proc.ppid) ?? []), proc.pid]);
  const procs = new Map<number, { label: string; ticks: number; threads?: ReadonlyMap<number, number> }>();
  const queue = [process.pid];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    const proc = all.get(pid);
    const name = proc && label(proc);
    if (proc && name) procs.set(pid, { label: name, ticks: proc.ticks, ...(name === 'Callgrid' ? { threads: readThreads(pid) } : {}) });
    queue.push(...(children.get(pid) ?? []));
  }
  return { at: performance.now(), procs, machine: machineBusy() };
}

/** Between a process's label and one of its threads' in cpuUse's keys: `Callgrid: main thread`. */
const DETAIL = ': ';

/** The label of work on the machine that is not the bench's: other users' jobs competing for the same cores. */
export const OTHER = 'not the bench';

/**
 * Percent of one core per label between two snapshots (a process born in between counts from zero), and under
 * OTHER what the rest of the machine used meanwhile.
 */
export function cpuUse(before: CpuSnapshot, after: CpuSnapshot): Map<string, number> {
  const seconds = (after.at - before.at) / 1000;
  const use = new Map<string, number>();
  if (seconds <= 0) return use;
  let ours = 0;
  const percentOf = (ticks: number) => (100 * ticks) / TICKS_PER_SECOND / seconds;
  const add = (name: string, ticks: number) => use.set(name, (use.get(name) ?? 0) + percentOf(ticks));
  for (const [pid, now] of after.procs) {
    const ticks = now.ticks - (before.procs.get(pid)?.ticks ?? 0);
    ours += ticks;
    add(now.label, ticks);
    const threadsBefore = before.procs.get(pid)?.threads;
    if (now.threads && threadsBefore) {
      let main = 0;
      let worker: { tid: number; ticks: number } | undefined;
      let rest = 0;
      for (const [tid, threadTicks] of now.threads) {
        const delta = threadTicks - (threadsBefore.get(tid) ?? 0);
        if (tid === pid) main += delta;
        else if (loopThreads.has(`${pid}/${tid}`) && delta > (worker?.ticks ?? -1)) {
          if (worker) rest += worker.ticks;
          worker = { tid, ticks: delta };
        } else rest += delta;
      }
      add(`${now.label}${DETAIL}main thread`, main);
      if (worker) add(`${now.label}${DETAIL}relay worker`, worker.ticks);
      add(`${now.label}${DETAIL}other threads`, rest);
    }
  }
  const machine = after.machine - before.machine;
  if (machine > 0) use.set(OTHER, Math.max(0, (100 * (machine - ours)) / TICKS_PER_SECOND / seconds));
  return use;
}

/** `rtpengine 30%, SIPp caller 12%, Callgrid 40% (main thread 25%, ...), ...`, highest first, the rest of the machine last. */
export function formatCpu(use: ReadonlyMap<string, number>): string {
  const ours = [...use.entries()].filter(([name]) => name !== OTHER && !name.includes(DETAIL)).sort((a, b) => b[1] - a[1]);
  const details = (name: string) => {
    const parts = [...use.entries()].filter(([key]) => key.startsWith(`${name}${DETAIL}`)).map(([key, percent]) => `${key.slice(name.length + DETAIL.length)} ${percent.toFixed(0)}%`);
    return parts.length > 0 ? ` (${parts.join(', ')})` : '';
  };
  const other = use.get(OTHER);
  return [...ours.map(([name, percent]) => `${name} ${percent.toFixed(0)}%${details(name)}`), ...(other === undefined ? [] : [`(${OTHER}: ${other.toFixed(0)}%)`])].join(', ');
}
