// What a server process did during one bench step: its CPU time (all threads, from /proc/<pid>/stat) and, for
// Callgrid, its main thread's event-loop delay (GET /healthz?stats=1, whose histogram restarts at each read). The
// delay is what a SIP answer waits behind: a 407 sent later than SIPp's 500 ms timer A is retransmitted into a call
// that has moved on. Printed beside the step's figures; a probe that cannot read prints nothing.
import { readdirSync, readFileSync } from 'node:fs';

export interface StepProbe {
  start(): Promise<void>;
  /** One line for the step just run, or undefined when nothing could be read. */
  end(): Promise<string | undefined>;
}

/** utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** A thread's time on a CPU and waiting for one, in ms (/proc/<pid>/task/<tid>/schedstat: ns run, ns run-queue wait). */
function schedMs(pid: number, tid: number): { run: number; wait: number } | undefined {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').trim().split(' ').map(Number);
    return run === undefined || wait === undefined ? undefined : { run: run / 1e6, wait: wait / 1e6 };
  } catch {
    return undefined;
  }
}

/** Every thread of a process with its schedstat. */
function threads(pid: number): Map<number, { run: number; wait: number }> {
  const found = new Map<number, { run: number; wait: number }>();
  try {
    for (const name of readdirSync(`/proc/${pid}/task`)) {
      const sched = schedMs(pid, Number(name));
      if (sched !== undefined) found.set(Number(name), sched);
    }
  } catch {
    // The process is gone.
  }
  return found;
}

interface LoopDelay {
  readonly meanMs: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

async function loopDelay(httpBase: string): Promise<LoopDelay | undefined> {
  try {
    const answer = (await (await fetch(`${httpBase}/healthz?stats=1`)).json()) as { process?: { eventLoopDelay?: LoopDelay | null } };
    return answer.process?.eventLoopDelay ?? undefined;
  } catch {
    return undefined;
  }
}

/** CPU of `pids` (a server may be several processes), and the event-loop delay of `httpBase` when given. */
export function stepProbe(pids: () => readonly number[], httpBase?: string): StepProbe {
  let cpuAtStart = 0;
  let startedAt = 0;
  // The main thread (tid = pid) of a one-process server: how long it waited for a CPU tells a starved loop (the box
  // is busy) from a blocked one (a synchronous call): both show as event-loop delay.
  const main = (): number | undefined => (httpBase === undefined ? undefined : pids()[0]);
  let schedAtStart: { run: number; wait: number } | undefined;
  let threadsAtStart = new Map<number, { run: number; wait: number }>();
  const cpu = () => pids().reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0);
  return {
    async start() {
      if (httpBase !== undefined) await loopDelay(httpBase);
      cpuAtStart = cpu();
      const pid = main();
      schedAtStart = pid === undefined ? undefined : schedMs(pid, pid);
      threadsAtStart = pid === undefined ? new Map() : threads(pid);
      startedAt = performance.now();
    },
    async end() {
      const seconds = (performance.now() - startedAt) / 1000;
      const used = cpu() - cpuAtStart;
      const parts = [`server CPU ${((100 * used) / seconds).toFixed(0)} % of a core`];
      const delay = httpBase === undefined ? undefined : await loopDelay(httpBase);
      if (delay !== undefined) parts.push(`main event-loop delay mean ${delay.meanMs} ms, p99 ${delay.p99Ms} ms, max ${delay.maxMs} ms`);
      const pid = main();
      const sched = pid === undefined ? undefined : schedMs(pid, pid);
      if (sched !== undefined && schedAtStart !== undefined) {
        parts.push(`main thread ran ${(sched.run - schedAtStart.run).toFixed(0)} ms, waited for a CPU ${(sched.wait - schedAtStart.wait).toFixed(0)} ms`);
      }
      if (pid !== undefined) {
        // The other busiest threads: the relay workers.
        const busiest = [...threads(pid)]
          .filter(([tid]) => tid !== pid)
          .map(([tid, now]) => ({ run: now.run - (threadsAtStart.get(tid)?.run ?? 0), wait: now.wait - (threadsAtStart.get(tid)?.wait ?? 0) }))
          .sort((x, y) => y.run - x.run)
          .slice(0, 2)
          .filter((thread) => thread.run > 100);
        if (busiest.length > 0) parts.push(`busiest other threads ran/waited ${busiest.map((t) => `${t.run.toFixed(0)}/${t.wait.toFixed(0)} ms`).join(', ')}`);
      }
      return seconds > 0 ? parts.join('; ') : undefined;
    },
  };
}

/** Every process in these process groups (Kamailio's forked workers, rtpengine): field 5 of /proc/<pid>/stat. */
export function groupMembers(pgids: readonly number[]): number[] {
  const members: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return members;
  }
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgids.includes(pgid)) members.push(Number(name));
    } catch {
      // Gone since the listing.
    }
  }
  return members;
}
