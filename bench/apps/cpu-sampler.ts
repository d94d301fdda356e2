// CPU use of the bench's processes over a window, from /proc/<pid>/stat (utime + stime, fields 14 and 15): SIPp
// (a saturated load generator would show here near 100 %), the server under test, the RTP sinks and this process
// (which is the rtpengine peer's SIP UAS). 100 % = one core; the machine has availableParallelism() of them.
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

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
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
  if (proc.comm === 'sipp') return /uas\.xml/.test(cmdline(proc.pid)) ? 'SIPp callee' : 'SIPp caller';
  if (proc.comm.startsWith('rtpengine')) return 'rtpengine';
  if (proc.comm.startsWith('kamailio')) return 'Kamailio';
  const line = cmdline(proc.pid);
  if (line.includes('--timing-sink')) return 'RTP sink';
  if (line.includes('src/cli/index.ts')) return 'Callgrid';
  return undefined;
}

export type CpuSnapshot = {
  readonly at: number;
  readonly procs: ReadonlyMap<number, { readonly label: string; readonly ticks: number }>;
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
  const procs = new Map<number, { label: string; ticks: number }>();
  const queue = [process.pid];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    const proc = all.get(pid);
    const name = proc && label(proc);
    if (proc && name) procs.set(pid, { label: name, ticks: proc.ticks });
    queue.push(...(children.get(pid) ?? []));
  }
  return { at: performance.now(), procs, machine: machineBusy() };
}

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
  for (const [pid, now] of after.procs) {
    const ticks = now.ticks - (before.procs.get(pid)?.ticks ?? 0);
    ours += ticks;
    use.set(now.label, (use.get(now.label) ?? 0) + (100 * ticks) / TICKS_PER_SECOND / seconds);
  }
  const machine = after.machine - before.machine;
  if (machine > 0) use.set(OTHER, Math.max(0, (100 * (machine - ours)) / TICKS_PER_SECOND / seconds));
  return use;
}

/** `rtpengine 30%, SIPp caller 12%, ...`, highest first, the rest of the machine last. */
export function formatCpu(use: ReadonlyMap<string, number>): string {
  const ours = [...use.entries()].filter(([name]) => name !== OTHER).sort((a, b) => b[1] - a[1]);
  const other = use.get(OTHER);
  return [...ours.map(([name, percent]) => `${name} ${percent.toFixed(0)}%`), ...(other === undefined ? [] : [`(${OTHER}: ${other.toFixed(0)}%)`])].join(', ');
}
