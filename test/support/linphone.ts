// linphone's console client (linphonec 5.x, Debian `linphone-cli`) as a real SIP phone in end-to-end tests: unlike
// baresip 1.0 it does its own attended transfer (REFER with Replaces, RFC 3891). Runs in a test network namespace,
// headless (file mode: a WAV instead of a microphone), driven over stdin; its stdout is parsed into call events.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestNetwork } from './netns.ts';

/** The linphonec binary, or undefined when it is not installed (tests then skip with a message). */
export const LINPHONEC: string | undefined = ((): string | undefined => {
  const found = spawnSync('sh', ['-c', 'command -v linphonec'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
})();

export function skipWithoutLinphone(what: string): string | false {
  return LINPHONEC === undefined ? `linphonec is not installed (apt-get install linphone-cli): ${what} skipped` : false;
}

export interface LinphoneAccount {
  readonly username: string;
  readonly password: string;
  /** The registrar's address (the namespace has no DNS). */
  readonly domain: string;
  readonly port: number;
}

export interface LinphoneConfig {
  readonly sipPort: number;
  readonly account: LinphoneAccount;
  /** Local RTP ports, one per call. */
  readonly rtpPorts: readonly [number, number];
}

// liblinphone appends every codec the config leaves out, several enabled: list them all, only G.711 on.
const CODECS: ReadonlyArray<readonly [string, number, number]> = [
  ['PCMU', 8000, 1], ['PCMA', 8000, 1], ['opus', 48000, 2], ['speex', 32000, 1], ['speex', 16000, 1], ['speex', 8000, 1],
  ['GSM', 8000, 1], ['G722', 8000, 1], ['G729', 8000, 1], ['G726-16', 8000, 1], ['G726-24', 8000, 1], ['G726-32', 8000, 1],
  ['G726-40', 8000, 1], ['AAL2-G726-16', 8000, 1], ['AAL2-G726-24', 8000, 1], ['AAL2-G726-32', 8000, 1],
  ['AAL2-G726-40', 8000, 1], ['L16', 44100, 2], ['L16', 44100, 1],
];

/** A linphonerc: one UDP account on a fixed port, no TCP/TLS, no STUN/ICE, no video, no echo canceller, G.711 only. */
export function linphoneConfig(config: LinphoneConfig): string {
  const { account, sipPort, rtpPorts } = config;
  const registrar = `${account.domain}:${account.port}`;
  const sections: Array<[string, Record<string, string | number>]> = [
    ['sip', { sip_port: sipPort, sip_tcp_port: 0, sip_tls_port: 0, default_proxy: 0, use_ipv6: 0, register_only_when_network_is_up: 0, register_only_when_upnp_is_ok: 0, inc_timeout: 60, media_encryption: 'none' }],
    ['net', { firewall_policy: 0 }],
    ['rtp', { audio_rtp_port: `${rtpPorts[0]}-${rtpPorts[1]}`, nortp_timeout: 60 }],
    ['sound', { echocancellation: 0 }],
    ['video', { enabled: 0, capture: 0, display: 0, automatically_initiate: 0, automatically_accept: 0 }],
    ['proxy_0', { reg_proxy: `<sip:${registrar};transport=udp>`, reg_identity: `sip:${account.username}@${registrar}`, reg_expires: 600, reg_sendregister: 1, publish: 0 }],
    ['auth_info_0', { username: account.username, userid: account.username, passwd: account.password }],
    ...CODECS.map(([mime, rate, channels], index): [string, Record<string, string | number>] => [`audio_codec_${index}`, { mime, rate, channels, enabled: mime === 'PCMU' || mime === 'PCMA' ? 1 : 0 }]),
  ];
  return sections.map(([name, keys]) => `[${name}]\n${Object.entries(keys).map(([k, v]) => `${k}=${v}`).join('\n')}\n`).join('\n');
}

export type LinphoneEventType =
  | 'incoming' | 'outgoing' | 'progress' | 'ringing' | 'early-media' | 'connected' | 'streams'
  | 'pausing' | 'paused' | 'paused-by-remote' | 'resuming' | 'transferred' | 'ended' | 'error';

export interface LinphoneEvent {
  readonly type: LinphoneEventType;
  /** linphonec's call id (1, 2, ... per process), which its commands take. */
  readonly callId: number;
  readonly peer: string;
  /** `ended`: linphone's reason ("No error", "Declined", ...). */
  readonly reason?: string;
}

// What linphonec 5.1 prints on call state changes (console/linphonec.c).
const LINES: ReadonlyArray<readonly [RegExp, LinphoneEventType, { id: number; peer: number; reason?: number }]> = [
  [/^Receiving new incoming call from (.+), assigned id (\d+)$/, 'incoming', { peer: 1, id: 2 }],
  [/^Establishing call id to (.+), assigned id (\d+)$/, 'outgoing', { peer: 1, id: 2 }],
  [/^Call (\d+) to (.+) in progress\.$/, 'progress', { id: 1, peer: 2 }],
  [/^Call (\d+) to (.+) ringing\.$/, 'ringing', { id: 1, peer: 2 }],
  [/^Call (\d+) with (.+) early media\.$/, 'early-media', { id: 1, peer: 2 }],
  [/^Call (\d+) with (.+) connected\.$/, 'connected', { id: 1, peer: 2 }],
  [/^Media streams established with (.+) for call (\d+)(?: \(.*\))?\.$/, 'streams', { peer: 1, id: 2 }],
  [/^Pausing call (\d+) with (.+)\.$/, 'pausing', { id: 1, peer: 2 }],
  [/^Call (\d+) with (.+) is now paused\.$/, 'paused', { id: 1, peer: 2 }],
  [/^Call (\d+) has been paused by (.+)\.$/, 'paused-by-remote', { id: 1, peer: 2 }],
  [/^Resuming call (\d+) with (.+)\.$/, 'resuming', { id: 1, peer: 2 }],
  [/^The distan[dt] endpoint (.+) of call (\d+) has been transfered, you can safely close the call\.$/, 'transferred', { peer: 1, id: 2 }],
  [/^Call (\d+) with (.+) ended \((.*)\)\.$/, 'ended', { id: 1, peer: 2, reason: 3 }],
  [/^Call (\d+) with (.+) error\.$/, 'error', { id: 1, peer: 2 }],
];

/** One line of linphonec's stdout as a call event, or undefined (prompts, command echoes, answers to commands). */
export function parseLinphoneLine(line: string): LinphoneEvent | undefined {
  const text = line.trim();
  for (const [pattern, type, at] of LINES) {
    const match = pattern.exec(text);
    if (match === null) continue;
    const reason = at.reason === undefined ? undefined : match[at.reason];
    return { type, callId: Number(match[at.id]), peer: match[at.peer] ?? '', ...(reason === undefined ? {} : { reason }) };
  }
  return undefined;
}

/**
 * Cuts complete lines off `buffer`: linphonec ends some messages with its prompt instead of a newline ("...call 2linphonec> "),
 * so both end a line. Returns the lines and what is left (an incomplete line, possibly a prompt cut in two).
 */
export function takeLines(buffer: string): { lines: string[]; rest: string } {
  const lines: string[] = [];
  let rest = buffer;
  for (;;) {
    const match = /\r?\n|linphonec> /.exec(rest);
    if (match === null) return { lines, rest };
    lines.push(rest.slice(0, match.index));
    rest = rest.slice(match.index + match[0].length);
  }
}

export type LinphoneCallState = 'incoming' | 'outgoing' | 'connected' | 'paused' | 'ended';

export interface LinphoneCall {
  readonly id: number;
  readonly peer: string;
  readonly direction: 'incoming' | 'outgoing';
  readonly state: LinphoneCallState;
  /** Reached `connected` at some point. */
  readonly answered: boolean;
  /** The far end reported the transfer of this call done (the REFER's NOTIFY with 200). */
  readonly transferred: boolean;
  readonly endReason: string | undefined;
}

const STATES: Partial<Record<LinphoneEventType, LinphoneCallState>> = {
  connected: 'connected', streams: 'connected', resuming: 'connected', pausing: 'paused', paused: 'paused',
  'paused-by-remote': 'paused', ended: 'ended', error: 'ended',
};

/** Folds events into calls by linphonec's call id, in order of first appearance. */
export function callsFromLinphoneEvents(events: readonly LinphoneEvent[]): LinphoneCall[] {
  const calls = new Map<number, { -readonly [K in keyof LinphoneCall]: LinphoneCall[K] }>();
  for (const event of events) {
    let call = calls.get(event.callId);
    if (call === undefined) {
      const direction = event.type === 'incoming' ? 'incoming' : 'outgoing';
      call = { id: event.callId, peer: event.peer, direction, state: direction, answered: false, transferred: false, endReason: undefined };
      calls.set(event.callId, call);
    }
    if (event.type === 'transferred') call.transferred = true;
    const state = STATES[event.type];
    if (state === undefined || call.state === 'ended') continue;
    call.state = state;
    if (state === 'connected') call.answered = true;
    if (state === 'ended') call.endReason = event.reason ?? event.type;
  }
  return [...calls.values()];
}

export interface LinphoneOptions {
  readonly net: TestNetwork;
  /** For file names and error messages. */
  readonly name: string;
  /** SIP over UDP on phoneAddress:sipPort (no TCP/TLS). */
  readonly sipPort: number;
  readonly account: LinphoneAccount;
  /** An 8 kHz WAV sent as microphone in every call (linphone also plays it to a call it holds). Default: silence. */
  readonly audioFile?: string;
  /** Default [sipPort + 30000, +100]. */
  readonly rtpPorts?: readonly [number, number];
  /** linphonec is killed after this many seconds, whatever happens to the test. Default 120. */
  readonly safetySeconds?: number;
  /** How long until linphonec answers its first command. Default 10000. */
  readonly startTimeoutMs?: number;
  /** Keep the config dir and logs even after a clean stop (they are always kept after a failed wait). */
  readonly keepFiles?: boolean;
}

export interface WaitOptions {
  /** Default 10000. */
  readonly timeoutMs?: number;
}

export interface LinphonePhone {
  readonly name: string;
  readonly dir: string;
  /** stdout, stderr and the commands sent; liblinphone's own debug log is `<dir>/liblinphone.log`. */
  readonly logPath: string;
  readonly events: readonly LinphoneEvent[];
  calls(): LinphoneCall[];
  activeCalls(): LinphoneCall[];
  /** Sends one command line (`help` lists them). */
  command(line: string): void;
  /** Polls `status register` until the account is registered. */
  waitForRegistration(options?: WaitOptions): Promise<void>;
  /** The first incoming call not taken by an earlier wait. */
  waitForIncoming(options?: WaitOptions): Promise<LinphoneCall>;
  /** `answer <id>`; resolves once its media runs, rejects if it ends first. */
  answer(callId: number, options?: WaitOptions): Promise<void>;
  /** `call <uri>`; resolves with the new call's id once its media runs, rejects with the reason if it ends first. */
  call(uri: string, options?: WaitOptions): Promise<number>;
  /** `pause <id>` (re-INVITE putting the far end on hold); resolves once paused. */
  pause(callId: number, options?: WaitOptions): Promise<void>;
  /** `transfer <id> --to-call <target>`: attended transfer; resolves once the far end of `callId` reports it done. */
  transferToCall(callId: number, targetCallId: number, options?: WaitOptions): Promise<void>;
  /** Resolves with the end reason once the call has ended (at once if it already has). */
  waitForEnded(callId: number, options?: WaitOptions): Promise<string>;
  log(): string;
  /** `quit`, then SIGTERM, then SIGKILL to its process group; safe to call twice. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // detached: it leads its own group
  } catch {
    // already gone
  }
}

function exitOf(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startLinphone(options: LinphoneOptions): Promise<LinphonePhone> {
  if (LINPHONEC === undefined) throw new Error('startLinphone: linphonec is not installed (apt-get install linphone-cli)');
  const { net, name, sipPort, account } = options;
  const dir = mkdtempSync(join(tmpdir(), `callgrid-linphone-${name.replace(/[^A-Za-z0-9_-]/g, '')}-`));
  const logPath = join(dir, 'linphonec.log');
  const startedAt = Date.now();
  // liblinphone keeps its call history and chat database under $HOME: a fresh one per phone.
  mkdirSync(join(dir, '.local', 'share', 'linphone'), { recursive: true });
  writeFileSync(join(dir, 'linphonerc'), linphoneConfig({ sipPort, account, rtpPorts: options.rtpPorts ?? [sipPort + 30_000, sipPort + 30_100] }));

  let failed = false;
  let exited: string | undefined;
  let text = '';
  let pending = '';
  const events: LinphoneEvent[] = [];
  const taken = new Set<number>();
  const watchers = new Set<() => void>();
  const note = (line: string): void => appendFileSync(logPath, `[+${Date.now() - startedAt}ms] ${line}\n`);
  const fail = (message: string): Error => {
    failed = true;
    return new Error(`linphonec ${name}: ${message} (log: ${logPath})`);
  };
  const summary = (): string => events.map((e) => `${e.type}#${e.callId}${e.reason ? `(${e.reason})` : ''}`).join(', ') || '(none)';

  const args = ['-s', 'KILL', String(options.safetySeconds ?? 120), LINPHONEC, '-c', join(dir, 'linphonerc'), '-d', '6', '-l', join(dir, 'liblinphone.log')];
  note(`start: ip netns exec ${net.name} timeout ${args.join(' ')}`);
  const child = net.exec('timeout', args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } });
  running.add(child);
  child.unref();
  (child.stdin as unknown as Socket | null)?.unref();
  child.stdin?.on('error', () => undefined); // writing after it died: the waits report that
  child.stderr?.on('data', (chunk: Buffer) => appendFileSync(logPath, chunk));
  child.stdout?.on('data', (chunk: Buffer) => {
    appendFileSync(logPath, chunk);
    text += chunk.toString();
    pending += chunk.toString();
    const { lines, rest } = takeLines(pending);
    pending = rest;
    for (const line of lines) {
      const event = parseLinphoneLine(line);
      if (event !== undefined) events.push(event);
    }
    for (const watcher of [...watchers]) watcher();
  });
  for (const stream of [child.stdout, child.stderr]) (stream as Socket | null)?.unref();
  child.on('error', (error) => {
    exited ??= `could not run linphonec: ${error.message}`;
    for (const watcher of [...watchers]) watcher();
  });
  child.on('exit', (code, signal) => {
    running.delete(child);
    note(`exit: code ${code} signal ${signal}`);
    exited ??= `linphonec exited (code ${code}, signal ${signal})`;
    for (const watcher of [...watchers]) watcher();
  });

  /** Resolves with the first value `probe` returns other than undefined, re-asked on every output; bounded. */
  const waitUntil = <T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const done = (error: Error | undefined, value?: T): void => {
        watchers.delete(check);
        clearTimeout(timer);
        if (error === undefined) resolve(value as T);
        else reject(error);
      };
      const check = (): void => {
        try {
          const value = probe();
          if (value !== undefined) return done(undefined, value);
        } catch (error) {
          return done(fail(`${what}: ${error instanceof Error ? error.message : String(error)}; events: ${summary()}`));
        }
        if (exited !== undefined) done(fail(`${exited}; ${what}; events: ${summary()}`));
      };
      const timer = setTimeout(() => done(fail(`${what}: not within ${timeoutMs} ms; events: ${summary()}`)), timeoutMs);
      watchers.add(check);
      check();
    });

  const command = (line: string): void => {
    note(`>>> ${line}`);
    child.stdin?.write(`${line}\n`);
  };
  /** Sends `line` and waits for output after it matching `answer`. */
  const ask = (line: string, answer: RegExp, timeoutMs: number): Promise<RegExpExecArray> => {
    const from = text.length;
    command(line);
    return waitUntil(`${line}: no answer like ${answer}`, () => answer.exec(text.slice(from)) ?? undefined, timeoutMs);
  };
  const calls = (): LinphoneCall[] => callsFromLinphoneEvents(events);
  const callOf = (callId: number): LinphoneCall | undefined => calls().find((c) => c.id === callId);
  /** Waits until call `callId` has an event of `type` after index `from`; rejects when the call ends first. */
  const untilEvent = (what: string, callId: number, type: LinphoneEventType, from: number, timeoutMs: number): Promise<LinphoneEvent> =>
    waitUntil(what, () => {
      const found = events.slice(from).find((e) => e.callId === callId && e.type === type);
      if (found !== undefined) return found;
      const call = callOf(callId);
      if (call?.state === 'ended') throw new Error(`call ${callId} (${call.peer}) ended: ${call.endReason ?? '?'}`);
      return undefined;
    }, timeoutMs);

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      command('quit');
      await exitOf(child, 3000);
      killGroup(child, 'SIGTERM');
      await exitOf(child, 1000);
      killGroup(child, 'SIGKILL');
      await exitOf(child, 2000);
    }
    running.delete(child);
    if (!failed && !options.keepFiles) rmSync(dir, { recursive: true, force: true });
  };

  try {
    // File mode: no sound card needed; the WAV below replaces the microphone (and is the music on hold).
    await ask('soundcard use files', /Using wav files instead of soundcard/, options.startTimeoutMs ?? 10_000);
    if (options.audioFile !== undefined) command(`play ${options.audioFile}`);
  } catch (error) {
    killGroup(child, 'SIGKILL');
    await exitOf(child, 2000);
    throw error;
  }

  return {
    name,
    dir,
    logPath,
    events,
    calls,
    activeCalls: () => calls().filter((c) => c.state !== 'ended'),
    command,
    async waitForRegistration(waitOptions = {}) {
      const deadline = Date.now() + (waitOptions.timeoutMs ?? 10_000);
      let last = '';
      while (Date.now() < deadline) {
        const answer = await ask('status register', /\b((?:un)?registered\b[^\n]*|[^\n]*registration[^\n]*)/, Math.max(1, deadline - Date.now()));
        last = answer[1] ?? '';
        if (/^registered,/.test(last)) return;
        await sleep(250);
      }
      throw fail(`not registered in time; last status: ${last || '(none)'}`);
    },
    waitForIncoming(waitOptions = {}) {
      return waitUntil('waiting for an incoming call', () => {
        const call = calls().find((c) => c.direction === 'incoming' && !taken.has(c.id));
        if (call !== undefined) taken.add(call.id);
        return call;
      }, waitOptions.timeoutMs ?? 10_000);
    },
    async answer(callId, waitOptions = {}) {
      const from = events.length;
      command(`answer ${callId}`);
      await untilEvent(`answer ${callId}`, callId, 'streams', from, waitOptions.timeoutMs ?? 10_000);
    },
    async call(uri, waitOptions = {}) {
      const timeoutMs = waitOptions.timeoutMs ?? 10_000;
      const known = new Set(calls().map((c) => c.id));
      const from = events.length;
      command(`call ${uri}`);
      const fresh = await waitUntil(`call ${uri}: no new call`, () => calls().find((c) => !known.has(c.id) && c.direction === 'outgoing'), timeoutMs);
      await untilEvent(`call ${uri}`, fresh.id, 'streams', from, timeoutMs);
      return fresh.id;
    },
    async pause(callId, waitOptions = {}) {
      const from = events.length;
      command(`pause ${callId}`);
      await untilEvent(`pause ${callId}`, callId, 'paused', from, waitOptions.timeoutMs ?? 10_000);
    },
    async transferToCall(callId, targetCallId, waitOptions = {}) {
      const from = events.length;
      command(`transfer ${callId} --to-call ${targetCallId}`);
      await untilEvent(`transfer ${callId} --to-call ${targetCallId}`, callId, 'transferred', from, waitOptions.timeoutMs ?? 10_000);
    },
    waitForEnded(callId, waitOptions = {}) {
      return waitUntil(`waiting for call ${callId} to end`, () => {
        const call = callOf(callId);
        return call?.state === 'ended' ? call.endReason ?? '' : undefined;
      }, waitOptions.timeoutMs ?? 10_000);
    },
    log: () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : ''),
    stop() {
      stopping ??= stop();
      return stopping;
    },
  };
}
