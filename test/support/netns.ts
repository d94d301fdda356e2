// Throwaway Linux network namespaces for end-to-end tests: one veth pair to the host per namespace, so real
// phones (baresip refuses loopback) get an address of their own that the host can reach.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface TestNetwork {
  /** The namespace name (`ip netns exec <name> ...`). */
  readonly name: string;
  /** The host end of the veth pair: where servers under test listen for the phones. */
  readonly hostAddress: string;
  /** The namespace end: every phone in this namespace uses it (on its own ports). */
  readonly phoneAddress: string;
  readonly prefixLength: number;
  readonly hostInterface: string;
  /** Spawns `command` inside the namespace; `ip netns exec` execs in place, so the child's pid is the command's. */
  exec(command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  /** Runs `command` inside the namespace to completion (bounded by `timeoutMs`), for quick checks such as `ss -lun`. */
  run(command: string, args: readonly string[], timeoutMs?: number): { status: number | null; output: string };
  /** Kills what still runs inside, removes the veth pair and the namespace; safe to call twice. */
  destroy(): Promise<void>;
}

const PREFIX = 'cgt';
const IP_TIMEOUT_MS = 5_000;
let counter = 0;
const live = new Map<string, { hostInterface: string }>();
let probed: string | undefined | null = null;

function ip(args: readonly string[]): { ok: boolean; output: string } {
  const result = spawnSync('ip', args, { encoding: 'utf8', timeout: IP_TIMEOUT_MS });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`.trim() };
}

function mustIp(args: readonly string[]): void {
  const result = ip(args);
  if (!result.ok) throw new Error(`ip ${args.join(' ')} failed: ${result.output}`);
}

/** Why namespaces cannot be made here (not root, no `ip`, no CAP_SYS_ADMIN, no veth), or undefined when they can. Probed once. */
export function netnsUnavailableReason(): string | undefined {
  if (probed !== null) return probed;
  probed = ((): string | undefined => {
    if (process.platform !== 'linux') return 'network namespaces need Linux';
    if (process.getuid?.() !== 0) return 'network namespaces need root (ip netns add)';
    if (spawnSync('ip', ['-V'], { timeout: IP_TIMEOUT_MS }).status !== 0) return 'the ip command is missing (apt-get install iproute2)';
    // Root in a container may still lack CAP_SYS_ADMIN/CAP_NET_ADMIN: only trying tells.
    const name = `${PREFIX}-probe-${process.pid}`;
    const veth = `cgq${process.pid.toString(36)}`;
    const added = ip(['netns', 'add', name]);
    if (!added.ok) return `ip netns add failed: ${added.output}`;
    const linked = ip(['link', 'add', `${veth}h`, 'type', 'veth', 'peer', 'name', `${veth}p`]);
    ip(['link', 'del', `${veth}h`]);
    ip(['netns', 'del', name]);
    return linked.ok ? undefined : `creating a veth pair failed: ${linked.output}`;
  })();
  return probed;
}

export function canCreateNetns(): boolean {
  return netnsUnavailableReason() === undefined;
}

/** A `skip` value for node:test: false when namespaces work, else the reason. */
export function skipWithoutNetns(what: string): string | false {
  const reason = netnsUnavailableReason();
  return reason === undefined ? false : `${reason}: ${what} skipped`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function hostInterfaceFor(pid: number, index: number): string {
  // Interface names are limited to 15 characters; base 36 keeps pid and counter short.
  return `cg${pid.toString(36)}x${index.toString(36)}h`;
}

function removeNetwork(name: string, hostInterface: string): void {
  // Whatever still runs in our own namespace was started by this driver (a phone that outlived its stop): end it.
  const pids = ip(['netns', 'pids', name]);
  if (pids.ok) {
    for (const pid of pids.output.split(/\s+/).map(Number).filter((n) => Number.isInteger(n) && n > 0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  ip(['link', 'del', hostInterface]);
  ip(['netns', 'del', name]);
}

/** Removes namespaces left by test processes that died without cleaning up (their pid is part of the name). */
function sweepStale(): void {
  const list = ip(['netns', 'list']);
  if (!list.ok) return;
  for (const line of list.output.split('\n')) {
    const match = /^(cgt-(\d+)-(\d+)-\S*)/.exec(line.trim());
    if (!match?.[1] || !match[2] || !match[3]) continue;
    const pid = Number(match[2]);
    if (pid === process.pid || pidAlive(pid)) continue;
    removeNetwork(match[1], hostInterfaceFor(pid, Number(match[3])));
  }
}

/** Picks a /30 in 10.128.0.0/10 from pid and counter (parallel test files differ), skipping ones already on the host. */
function pickSubnet(index: number): { host: string; phone: string } {
  const inUse = `${ip(['-4', '-o', 'addr', 'show']).output}\n${ip(['-4', 'route', 'show']).output}`;
  const slots = 64 * 256 * 64;
  for (let attempt = 0; attempt < 256; attempt++) {
    const slot = (process.pid * 8 + index + attempt * 7919) % slots;
    const a = 128 + Math.floor(slot / (256 * 64));
    const b = Math.floor(slot / 64) % 256;
    const c = (slot % 64) * 4;
    const network = `10.${a}.${b}.${c}`;
    if (!inUse.includes(`${network}/30`) && !inUse.includes(`10.${a}.${b}.${c + 1}/`)) {
      return { host: `10.${a}.${b}.${c + 1}`, phone: `10.${a}.${b}.${c + 2}` };
    }
  }
  throw new Error('netns: no free 10.128.0.0/10 subnet found');
}

process.on('exit', () => {
  for (const [name, { hostInterface }] of live) removeNetwork(name, hostInterface);
  live.clear();
});

/** Creates a namespace `cgt-<pid>-<n>-<label>` with lo up, a veth pair (host .1/30, namespace .2/30) and a default route to the host. */
export async function createTestNetwork(label: string): Promise<TestNetwork> {
  const reason = netnsUnavailableReason();
  if (reason !== undefined) throw new Error(`createTestNetwork: ${reason}`);
  sweepStale();
  const index = counter++;
  const name = `${PREFIX}-${process.pid}-${index}-${label.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 20)}`;
  const hostInterface = hostInterfaceFor(process.pid, index);
  const peer = `${hostInterface.slice(0, -1)}p`;
  const { host, phone } = pickSubnet(index);
  live.set(name, { hostInterface });
  try {
    mustIp(['netns', 'add', name]);
    mustIp(['link', 'add', hostInterface, 'type', 'veth', 'peer', 'name', peer]);
    mustIp(['link', 'set', peer, 'netns', name]);
    mustIp(['addr', 'add', `${host}/30`, 'dev', hostInterface]);
    mustIp(['link', 'set', hostInterface, 'up']);
    mustIp(['-n', name, 'link', 'set', 'lo', 'up']);
    mustIp(['-n', name, 'addr', 'add', `${phone}/30`, 'dev', peer]);
    mustIp(['-n', name, 'link', 'set', peer, 'up']);
    // Traffic to anything beyond the host (another namespace's phone) goes to the host; it only gets
    // further if the host forwards (net.ipv4.ip_forward), which this driver leaves alone.
    mustIp(['-n', name, 'route', 'add', 'default', 'via', host]);
  } catch (error) {
    removeNetwork(name, hostInterface);
    live.delete(name);
    throw error;
  }

  let destroyed = false;
  return {
    name,
    hostAddress: host,
    phoneAddress: phone,
    prefixLength: 30,
    hostInterface,
    exec(command, args, options = {}) {
      return spawn('ip', ['netns', 'exec', name, command, ...args], options);
    },
    run(command, args, timeoutMs = IP_TIMEOUT_MS) {
      const result = spawnSync('ip', ['netns', 'exec', name, command, ...args], { encoding: 'utf8', timeout: timeoutMs });
      return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      removeNetwork(name, hostInterface);
      live.delete(name);
    },
  };
}
