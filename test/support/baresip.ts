// baresip 1.0.0 as a real SIP phone in end-to-end tests: runs inside a test network namespace, driven over
// ctrl_tcp, with every wait bounded and every failure pointing at the phone's log file.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountAor, accountLine, writeAccounts, writeConfig, writeSilenceWav, type BaresipAccount } from './baresip-config.ts';
import { BaresipCtrl, type BaresipEvent, type EventType } from './baresip-ctrl.ts';
import type { TestNetwork } from './netns.ts';

export type { BaresipAccount } from './baresip-config.ts';
export type { BaresipEvent, EventType, KnownEventType } from './baresip-ctrl.ts';

/** What baresip 1.0.0 does with an incoming call (account parameter `answermode`, or setAnswerMode()). */
export type AnswerMode = 'manual' | 'early' | 'auto';

/** The baresip binary, or undefined when it is not installed (tests then skip with a message). */
export const BARESIP: string | undefined = ((): string | undefined => {
  const found = spawnSync('sh', ['-c', 'command -v baresip'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
})();

export function skipWithoutBaresip(what: string): string | false {
  return BARESIP === undefined ? `baresip is not installed (apt-get install baresip-core): ${what} skipped` : false;
}

export interface BaresipOptions {
  readonly net: TestNetwork;
  /** For file names and error messages. */
  readonly name: string;
  /** SIP (UDP and TCP) on phoneAddress:sipPort; baresip also binds TLS on sipPort + 1, so space phones of one namespace by 2. */
  readonly sipPort: number;
  /** ctrl_tcp inside the namespace on phoneAddress; default sipPort + 10000. */
  readonly ctrlPort?: number;
  readonly account: BaresipAccount;
  /** baresip quits by itself after this many seconds (`-t`), whatever happens to the test. Default 120. */
  readonly safetySeconds?: number;
  /** An 8 kHz WAV as microphone; baresip hangs up when it ends. Default: silence outlasting safetySeconds. */
  readonly audioFile?: string;
  /**
   * Records each call's audio there (sndfile module): per call `dump-<YYYY-MM-DD-HH-MM-SS>-dec.wav` (what the
   * phone hears) and `...-enc.wav` (what it sends), 8 kHz 16-bit mono, stamped in local time with 1 s resolution
   * when the call's audio starts (two calls of one phone starting in the same second share the names). The
   * headers are complete once the call has closed. See recordings() / lastRecording().
   */
  readonly recordDir?: string;
  /** Records into `<dir>/recordings` (gone after a clean stop(): read recordings before). Ignored when recordDir is set. */
  readonly record?: boolean;
  /** SIP trace (`-s`) in the log. Default true: a failing test's log then shows the messages. */
  readonly sipTrace?: boolean;
  /** How long baresip may take until its ctrl_tcp port answers. Default 5000. */
  readonly startTimeoutMs?: number;
  /** Keep the config dir and log even after a clean stop (they are always kept after a failed wait). */
  readonly keepFiles?: boolean;
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  /** Only events this accepts count (e.g. a given CALL_CLOSED reason). */
  readonly match?: (event: BaresipEvent) => boolean;
}

export interface CallWaitOptions extends WaitOptions {
  /** Only events of this call (its SIP Call-ID, `event.callId`). */
  readonly callId?: string;
}

export interface CallOptions {
  /** The call to act on (`event.callId`); default: the only call there is (see each method). */
  readonly callId?: string;
  /** Default 10000. */
  readonly timeoutMs?: number;
}

export type CallState = 'incoming' | 'ringing' | 'progress' | 'established' | 'closed';

/** A call as the phone's events tell it (baresip 1.0.0 has no call list in machine-readable form). */
export interface CallInfo {
  /** SIP Call-ID. */
  readonly id: string;
  readonly direction: 'incoming' | 'outgoing' | undefined;
  readonly peerUri: string | undefined;
  readonly state: CallState;
  /** Reached CALL_ESTABLISHED at some point. */
  readonly answered: boolean;
  /** CALL_CLOSED's reason ("Connection reset by peer", "486 Rejected", "Call transfered", ...). */
  readonly closedReason: string | undefined;
  readonly events: readonly BaresipEvent[];
}

/** The two files sndfile wrote for one call. */
export interface Recording {
  /** The `YYYY-MM-DD-HH-MM-SS` of the file names. */
  readonly stamp: string;
  /** `dump-<stamp>-dec.wav`: what the phone heard (decoded from the far end's RTP). */
  readonly heard: string;
  /** `dump-<stamp>-enc.wav`: what the phone sent (its audioFile). */
  readonly sent: string;
}

export interface BaresipPhone {
  readonly name: string;
  readonly pid: number;
  readonly dir: string;
  readonly logPath: string;
  /** `sip:user@domain[:port]` as baresip names the account in events. */
  readonly aor: string;
  /** Where the phone takes SIP: `sip:<phoneAddress>:<sipPort>`. */
  readonly contact: string;
  /** Every event so far, in order of arrival. */
  readonly events: readonly BaresipEvent[];
  /**
   * The first event of `type` that no earlier wait took (already recorded or still to come): a wait started after
   * the event arrived still sees it, and two waits for REGISTER_OK see two different registrations.
   */
  waitForEvent(type: EventType | readonly EventType[], options?: WaitOptions): Promise<BaresipEvent>;
  /** Resolves on REGISTER_OK; rejects on REGISTER_FAIL (with baresip's reason, e.g. "403 Forbidden") or timeout. Default 10 s. */
  waitForRegistration(options?: WaitOptions): Promise<BaresipEvent>;
  /** A ctrl_tcp command (`help` lists them); resolves with its text, rejects when baresip answers not ok. */
  command(name: string, params?: string, options?: { timeoutMs?: number }): Promise<string>;
  // Call control below (call, accept, hangup, transfer) waits for events without taking them: waitForEvent and
  // the waitFor* methods, which do take, still see them. So after call()/accept(), a waitForEstablished() for a
  // later call needs `callId` or `match` to skip the earlier call's event.
  /** Sends the INVITE (`dial`) and returns at once; follow the call with waitForRinging/waitForEstablished/call(). */
  dial(uri: string): Promise<void>;
  /**
   * Dials and waits until this new call is established; rejects with the SIP reason when it closes first
   * (e.g. "404 Not Found", "486 Busy Here"). Resolves with its CALL_ESTABLISHED (not taken from waitForEvent).
   */
  call(uri: string, options?: { timeoutMs?: number }): Promise<BaresipEvent>;
  /** Every call seen so far, in order of its first event. */
  calls(): CallInfo[];
  /** The calls not closed yet. */
  activeCalls(): CallInfo[];
  /** The next CALL_INCOMING (none arrives with answermode auto: such a phone goes straight to CALL_ESTABLISHED). */
  waitForIncoming(options?: CallWaitOptions): Promise<BaresipEvent>;
  /** The next CALL_RINGING (an outgoing call got 180). */
  waitForRinging(options?: CallWaitOptions): Promise<BaresipEvent>;
  /** The next CALL_ESTABLISHED; rejects at once, with the reason, when a call that was never established closes meanwhile. */
  waitForEstablished(options?: CallWaitOptions): Promise<BaresipEvent>;
  /** The next CALL_CLOSED (reason in `param`), optionally only one whose reason is or matches `reason`. */
  waitForClosed(options?: CallWaitOptions & { reason?: string | RegExp }): Promise<BaresipEvent>;
  /**
   * Answers an incoming call: `callId`, else the oldest one still ringing (waiting for one to arrive if none has).
   * Resolves with its CALL_ESTABLISHED (not taken from waitForEvent); rejects if it closes instead.
   * (baresip's own `accept` answers "ok" even when nothing rings; this one does not pretend.)
   */
  accept(options?: CallOptions): Promise<BaresipEvent>;
  /**
   * Hangs up `callId`, else the only active call (with several, baresip's current one: the last accepted or
   * dialled, or the one set by `callfind`). A ringing incoming call is refused with 486 Rejected, a ringing
   * outgoing one is cancelled. Resolves with its CALL_CLOSED (not taken); rejects when there is no call.
   */
  hangup(options?: CallOptions): Promise<BaresipEvent>;
  /**
   * Blind transfer (REFER) of `callId` / the only active call to `uri`. Resolves with the call's CALL_CLOSED
   * ("Call transfered") once the transferee reports 2xx (NOTIFY sipfrag); rejects on TRANSFER_FAILED with the
   * status (baresip then hangs the call up itself, without a CALL_CLOSED). No attended transfer in baresip 1.0.0.
   */
  transfer(uri: string, options?: CallOptions): Promise<BaresipEvent>;
  /** re-INVITE with a=sendonly. baresip 1.0.0 reports hold on neither side (look for the SDP in log()). */
  hold(options?: { callId?: string }): Promise<void>;
  /** re-INVITE with a=sendrecv. Note: accepting a second call puts the first on hold by itself. */
  resume(options?: { callId?: string }): Promise<void>;
  /** RFC 4733 telephone-events (`sndcode`), one digit of 0-9*#A-D every `gapMs` (default 250). */
  sendDtmf(digits: string, options?: { callId?: string; gapMs?: number }): Promise<void>;
  /** The digits received so far (CALL_DTMF_START), optionally of one call. */
  receivedDtmf(options?: { callId?: string }): string;
  /** Resolves once receivedDtmf() ends with `digits`. */
  waitForDtmf(digits: string, options?: CallOptions): Promise<string>;
  /** `answermode`: from now on answer incoming calls manually, early (183 with media) or at once (auto). */
  setAnswerMode(mode: AnswerMode): Promise<void>;
  /** Where sndfile records (options.recordDir, or `<dir>/recordings` with record: true). */
  readonly recordDir: string | undefined;
  /** The recordings so far, oldest first. */
  recordings(): Recording[];
  /** The recording of the last call that had audio: `lastRecording().heard` is what the phone heard. */
  lastRecording(): Recording | undefined;
  /**
   * Registers afresh now. baresip 1.0.0 has no re-register command (`uareg` came later), so this deletes the
   * account (`uadel`, which sends an Expires: 0 REGISTER for the same Contact), waits `settleMs` so that
   * un-REGISTER is answered before the new one goes out, and adds it again (`uanew`: new Call-ID and CSeq).
   * Follow it with waitForRegistration().
   */
  reregister(options?: { settleMs?: number }): Promise<void>;
  /** The log so far (stdout, stderr and ctrl_tcp traffic). */
  log(): string;
  /** `quit`, then SIGTERM, then SIGKILL to its process group; resolves once it is gone. Safe to call twice. */
  stop(): Promise<void>;
}

// Phones still running when the test process exits, with the silent WAV each may have generated (megabytes; the log stays).
const running = new Map<ChildProcess, string | undefined>();
process.on('exit', () => {
  for (const [child, generatedWav] of running) {
    killGroup(child, 'SIGKILL');
    if (generatedWav !== undefined) rmSync(generatedWav, { force: true });
  }
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // detached: baresip leads its own group
  } catch {
    // already gone
  }
}

function exitOf(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
// baresip colours warnings with ANSI escapes; the log is for people reading it in a text editor.
const plain = (text: string): string => text.replace(/\u001b\[[0-9;]*m/g, '');

const CALL_STATES: Readonly<Record<string, CallState>> = {
  CALL_INCOMING: 'incoming',
  CALL_RINGING: 'ringing',
  CALL_PROGRESS: 'progress',
  CALL_ESTABLISHED: 'established',
  CALL_CLOSED: 'closed',
  // At the transferor, baresip's menu hangs the call up itself after a failed transfer, with no CALL_CLOSED.
  TRANSFER_FAILED: 'closed',
};
// Chatty events left out of error messages (they stay in the log).
const QUIET = new Set(['CALL_RTCP', 'CALL_LOCAL_SDP', 'CALL_REMOTE_SDP']);
const DTMF = /^[0-9*#A-D]$/;

/** Folds events into calls by their Call-ID, in order of first appearance. */
export function callsFromEvents(events: readonly BaresipEvent[]): CallInfo[] {
  const calls = new Map<string, { -readonly [K in keyof CallInfo]: CallInfo[K] } & { events: BaresipEvent[] }>();
  for (const event of events) {
    if (event.callId === undefined) continue;
    let call = calls.get(event.callId);
    if (call === undefined) {
      call = { id: event.callId, direction: event.direction, peerUri: event.peeruri, state: event.direction === 'incoming' ? 'incoming' : 'progress', answered: false, closedReason: undefined, events: [] };
      calls.set(event.callId, call);
    }
    call.events.push(event);
    const state = CALL_STATES[event.type];
    if (state === undefined || call.state === 'closed') continue;
    call.state = state;
    if (state === 'established') call.answered = true;
    if (state === 'closed') call.closedReason = event.type === 'TRANSFER_FAILED' ? `transfer failed: ${event.param ?? ''}` : event.param;
  }
  return [...calls.values()];
}

/** sndfile's files in `dir`, paired per call, oldest first (the stamps sort chronologically). */
export function recordingsIn(dir: string | undefined): Recording[] {
  if (dir === undefined || !existsSync(dir)) return [];
  const stamps = new Set<string>();
  for (const name of readdirSync(dir)) {
    const match = /^dump-(.+)-(?:dec|enc)\.wav$/.exec(name);
    if (match?.[1]) stamps.add(match[1]);
  }
  return [...stamps].sort().map((stamp) => ({ stamp, heard: join(dir, `dump-${stamp}-dec.wav`), sent: join(dir, `dump-${stamp}-enc.wav`) }));
}

interface Watcher {
  readonly settle: () => boolean;
  readonly reject: (error: Error) => void;
  readonly what: string;
  readonly timer: NodeJS.Timeout;
}

interface Waiter {
  readonly types: readonly EventType[];
  readonly match: ((event: BaresipEvent) => boolean) | undefined;
  readonly resolve: (event: BaresipEvent) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export async function startBaresip(options: BaresipOptions): Promise<BaresipPhone> {
  if (BARESIP === undefined) throw new Error('startBaresip: baresip is not installed (apt-get install baresip-core)');
  const { net, name, sipPort, account } = options;
  const ctrlPort = options.ctrlPort ?? sipPort + 10_000;
  const safetySeconds = options.safetySeconds ?? 120;
  const dir = mkdtempSync(join(tmpdir(), `callgrid-baresip-${name.replace(/[^A-Za-z0-9_-]/g, '')}-`));
  const logPath = join(dir, 'baresip.log');
  const startedAt = Date.now();
  const aor = accountAor(account);
  const events: BaresipEvent[] = [];
  const taken = new Set<BaresipEvent>();
  const waiters: Waiter[] = [];
  const watchers = new Set<Watcher>();
  let failed = false;
  let endedReason: string | undefined;

  const write = (text: string): void => appendFileSync(logPath, text);
  const note = (line: string): void => write(`[+${Date.now() - startedAt}ms] ${line.replace(/auth_pass=[^;"]*/g, 'auth_pass=***')}\n`);
  const fail = (message: string): Error => {
    failed = true;
    return new Error(`baresip ${name}: ${message} (log: ${logPath})`);
  };

  const recordDir = options.recordDir ?? (options.record ? join(dir, 'recordings') : undefined);
  if (recordDir !== undefined) mkdirSync(recordDir, { recursive: true });
  const audioFile = options.audioFile ?? join(dir, 'silence.wav');
  if (options.audioFile === undefined) writeSilenceWav(audioFile, safetySeconds + 30);
  writeConfig(dir, {
    sipListen: `${net.phoneAddress}:${sipPort}`,
    ctrlListen: `${net.phoneAddress}:${ctrlPort}`,
    audioFile,
    ...(recordDir === undefined ? {} : { recordDir }),
  });
  writeAccounts(dir, account);

  const args = ['-f', dir, '-t', String(safetySeconds), ...(options.sipTrace === false ? [] : ['-s'])];
  note(`start: ip netns exec ${net.name} ${BARESIP} ${args.join(' ')}`);
  const child = net.exec(BARESIP, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.set(child, options.audioFile === undefined ? audioFile : undefined);
  // A phone the test forgot to stop must not keep the test process alive; the exit hook kills it.
  child.unref();
  for (const stream of [child.stdout, child.stderr]) {
    (stream as Socket | null)?.unref();
    stream?.on('data', (chunk: Buffer) => write(plain(chunk.toString())));
  }

  const endAll = (reason: string): void => {
    endedReason ??= reason;
    for (const waiter of waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(fail(`${reason} while waiting for ${waiter.types.join('|')}; events: ${summary()}`));
    }
    for (const watcher of [...watchers]) {
      watchers.delete(watcher);
      clearTimeout(watcher.timer);
      watcher.reject(fail(`${reason} while waiting: ${watcher.what}; events: ${summary()}`));
    }
  };
  child.on('error', (error) => endAll(`could not run baresip: ${error.message}`));
  child.on('exit', (code, signal) => {
    running.delete(child);
    note(`exit: code ${code} signal ${signal}`);
    endAll(`baresip exited (code ${code}, signal ${signal})`);
  });

  const summary = (): string => {
    const shown = events.filter((e) => !QUIET.has(e.type)).slice(-40);
    return shown.length === 0 ? '(none)' : shown.map((e) => (e.param ? `${e.type}(${e.param})` : e.type)).join(', ');
  };
  const accepts = (waiter: Pick<Waiter, 'types' | 'match'>, event: BaresipEvent): boolean =>
    !taken.has(event) && waiter.types.includes(event.type) && (waiter.match === undefined || waiter.match(event));

  const onEvent = (event: BaresipEvent): void => {
    events.push(event);
    for (const watcher of [...watchers]) {
      if (!watcher.settle()) continue;
      watchers.delete(watcher);
      clearTimeout(watcher.timer);
    }
    const index = waiters.findIndex((waiter) => accepts(waiter, event));
    const waiter = index < 0 ? undefined : waiters.splice(index, 1)[0];
    if (waiter === undefined) return;
    taken.add(event);
    clearTimeout(waiter.timer);
    waiter.resolve(event);
  };

  // baresip needs a moment before its ctrl_tcp port listens: retry until the start deadline.
  const deadline = startedAt + (options.startTimeoutMs ?? 5000);
  let ctrl: BaresipCtrl | undefined;
  let lastError = '';
  while (ctrl === undefined && endedReason === undefined && Date.now() < deadline) {
    try {
      ctrl = await BaresipCtrl.open(net.phoneAddress, ctrlPort, startedAt, { onEvent, onTraffic: note, onClose: note }, 1000);
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      await sleep(50);
    }
  }
  if (ctrl === undefined) {
    killGroup(child, 'SIGKILL');
    await exitOf(child, 2000);
    throw fail(`ctrl_tcp on ${net.phoneAddress}:${ctrlPort} never answered: ${endedReason ?? lastError}`);
  }
  const control = ctrl;

  const command = async (commandName: string, params = '', commandOptions: { timeoutMs?: number } = {}): Promise<string> => {
    try {
      return await control.command(commandName, params, commandOptions.timeoutMs ?? 5000);
    } catch (error) {
      throw fail(error instanceof Error ? error.message : String(error));
    }
  };

  const waitForEvent = (type: EventType | readonly EventType[], waitOptions: WaitOptions = {}): Promise<BaresipEvent> => {
    const types: readonly EventType[] = typeof type === 'string' ? [type] : type;
    const timeoutMs = waitOptions.timeoutMs ?? 10_000;
    const ready = events.find((event) => accepts({ types, match: waitOptions.match }, event));
    if (ready !== undefined) {
      taken.add(ready);
      return Promise.resolve(ready);
    }
    if (endedReason !== undefined) return Promise.reject(fail(`${endedReason}; no ${types.join('|')}; events: ${summary()}`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        types,
        match: waitOptions.match,
        resolve,
        reject,
        timer: setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(fail(`no ${types.join('|')} within ${timeoutMs} ms; events: ${summary()}`));
        }, timeoutMs),
      };
      waiters.push(waiter);
    });
  };

  /**
   * Resolves with the first value `probe` returns other than undefined, re-asked after every event; `probe`
   * throwing rejects. Unlike waitForEvent it takes no event, so a test may still wait for the same events.
   */
  const waitUntil = <T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const settle = (): boolean => {
        let value: T | undefined;
        try {
          value = probe();
        } catch (error) {
          reject(fail(`${what}: ${error instanceof Error ? error.message : String(error)}; events: ${summary()}`));
          return true;
        }
        if (value === undefined) return false;
        resolve(value);
        return true;
      };
      if (settle()) return;
      if (endedReason !== undefined) {
        reject(fail(`${endedReason}; ${what}; events: ${summary()}`));
        return;
      }
      const watcher: Watcher = {
        settle,
        reject,
        what,
        timer: setTimeout(() => {
          watchers.delete(watcher);
          reject(fail(`${what}: not within ${timeoutMs} ms; events: ${summary()}`));
        }, timeoutMs),
      };
      watchers.add(watcher);
    });

  const calls = (): CallInfo[] => callsFromEvents(events);
  const activeCalls = (): CallInfo[] => calls().filter((c) => c.state !== 'closed');
  const callEvent = (callId: string, type: EventType, after: number): BaresipEvent | undefined =>
    events.find((e, index) => index >= after && e.callId === callId && e.type === type);
  /** `callfind` makes the call baresip's current one, which accept/hangup/hold/transfer/sndcode act on. */
  const select = async (callId: string | undefined): Promise<void> => {
    if (callId !== undefined) await command('callfind', callId);
  };
  /** The call a command acts on when the test names none: the only active one. */
  const soleCall = (what: string): CallInfo | undefined => {
    const active = activeCalls();
    if (active.length === 0) throw fail(`${what}: no active call; events: ${summary()}`);
    return active.length === 1 ? active[0] : undefined;
  };
  const untilClosedOrEstablished = (what: string, callId: string, timeoutMs: number): Promise<BaresipEvent> =>
    waitUntil(
      what,
      () => {
        const call = calls().find((c) => c.id === callId);
        if (call?.state === 'closed') throw new Error(`call ${callId} closed: ${call.closedReason ?? '(no reason)'}`);
        return call?.answered ? callEvent(callId, 'CALL_ESTABLISHED', 0) : undefined;
      },
      timeoutMs,
    );
  const byCall = (callId: string | undefined, match: ((event: BaresipEvent) => boolean) | undefined) => (event: BaresipEvent): boolean =>
    (callId === undefined || event.callId === callId) && (match?.(event) ?? true);

  // Registration starts only now, with the connection up, so no REGISTER_OK/FAIL can be missed.
  try {
    await command('uanew', accountLine(account));
  } catch (error) {
    control.close();
    killGroup(child, 'SIGKILL');
    await exitOf(child, 2000);
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      await control.command('quit', '', 1000).catch(() => undefined);
      // baresip un-REGISTERs before it exits; a registrar that is gone would hold it for ~30 s, so not long.
      if (!(await exitOf(child, 2000))) {
        // Its first SIGTERM only starts the same graceful stop again; the second makes it exit at once.
        killGroup(child, 'SIGTERM');
        await sleep(100);
        killGroup(child, 'SIGTERM');
        if (!(await exitOf(child, 1000))) {
          killGroup(child, 'SIGKILL');
          await exitOf(child, 2000);
        }
      }
    }
    control.close();
    endAll('phone stopped');
    running.delete(child);
    if (!failed && !options.keepFiles) rmSync(dir, { recursive: true, force: true });
    else if (options.audioFile === undefined) rmSync(audioFile, { force: true });
  };

  return {
    name,
    pid: child.pid ?? -1,
    dir,
    logPath,
    aor,
    contact: `sip:${net.phoneAddress}:${sipPort}`,
    events,
    waitForEvent,
    async waitForRegistration(waitOptions: WaitOptions = {}) {
      const event = await waitForEvent(['REGISTER_OK', 'REGISTER_FAIL'], {
        timeoutMs: waitOptions.timeoutMs ?? 10_000,
        match: (e) => (e.accountaor === undefined || e.accountaor === aor) && (waitOptions.match?.(e) ?? true),
      });
      if (event.type === 'REGISTER_FAIL') throw fail(`REGISTER_FAIL for ${aor}: ${event.param ?? '(no reason)'}`);
      return event;
    },
    command,
    async dial(uri) {
      await command('dial', uri);
    },
    async call(uri, callOptions = {}) {
      const timeoutMs = callOptions.timeoutMs ?? 10_000;
      const known = new Set(calls().map((c) => c.id));
      await command('dial', uri);
      const fresh = await waitUntil(`dial ${uri}: no call events`, () => calls().find((c) => !known.has(c.id) && c.direction === 'outgoing'), timeoutMs);
      return untilClosedOrEstablished(`call ${uri}`, fresh.id, timeoutMs);
    },
    calls,
    activeCalls,
    waitForIncoming: (waitOptions = {}) => waitForEvent('CALL_INCOMING', { ...waitOptions, match: byCall(waitOptions.callId, waitOptions.match) }),
    waitForRinging: (waitOptions = {}) => waitForEvent('CALL_RINGING', { ...waitOptions, match: byCall(waitOptions.callId, waitOptions.match) }),
    waitForEstablished(waitOptions = {}) {
      const { callId } = waitOptions;
      const from = events.length;
      const match = byCall(callId, waitOptions.match);
      return waitUntil(
        `waiting for CALL_ESTABLISHED${callId === undefined ? '' : ` of ${callId}`}`,
        () => {
          // Taken like waitForEvent takes it, so two waits see two calls.
          const ready = events.find((e) => !taken.has(e) && e.type === 'CALL_ESTABLISHED' && match(e));
          if (ready !== undefined) {
            taken.add(ready);
            return ready;
          }
          // A call that fails while we wait ends the wait at once, with its reason (e.g. "404 Not Found").
          const failed = calls().find((c) => c.state === 'closed' && !c.answered && (callId === undefined ? c.events.some((e) => events.indexOf(e) >= from) : c.id === callId));
          if (failed !== undefined) throw new Error(`call ${failed.id} (${failed.peerUri ?? '?'}) closed before it was established: ${failed.closedReason ?? '(no reason)'}`);
          return undefined;
        },
        waitOptions.timeoutMs ?? 10_000,
      );
    },
    waitForClosed(waitOptions = {}) {
      const { reason } = waitOptions;
      const reasonOk = (event: BaresipEvent): boolean =>
        reason === undefined || (typeof reason === 'string' ? event.param === reason : reason.test(event.param ?? ''));
      return waitForEvent('CALL_CLOSED', { ...waitOptions, match: (e) => byCall(waitOptions.callId, waitOptions.match)(e) && reasonOk(e) });
    },
    async accept(callOptions = {}) {
      const timeoutMs = callOptions.timeoutMs ?? 10_000;
      const target = await waitUntil(
        callOptions.callId === undefined ? 'accept: no incoming call' : `accept: no incoming call ${callOptions.callId}`,
        () => {
          if (callOptions.callId === undefined) return calls().find((c) => c.state === 'incoming');
          const call = calls().find((c) => c.id === callOptions.callId);
          if (call !== undefined && call.state !== 'incoming') throw new Error(`call ${call.id} is ${call.state}${call.closedReason ? ` (${call.closedReason})` : ''}, not ringing`);
          return call;
        },
        timeoutMs,
      );
      await select(target.id);
      await command('accept');
      return untilClosedOrEstablished(`accept ${target.id} from ${target.peerUri ?? '?'}`, target.id, timeoutMs);
    },
    async hangup(callOptions = {}) {
      const from = events.length;
      const target = callOptions.callId ?? soleCall('hangup')?.id;
      const candidates = target === undefined ? activeCalls().map((c) => c.id) : [target];
      await select(callOptions.callId);
      await command('hangup');
      return waitUntil(
        `hangup: no CALL_CLOSED for ${candidates.join('|')}`,
        () => events.slice(from).find((e) => e.type === 'CALL_CLOSED' && e.callId !== undefined && candidates.includes(e.callId)),
        callOptions.timeoutMs ?? 10_000,
      );
    },
    async transfer(uri, callOptions = {}) {
      const from = events.length;
      const target = callOptions.callId ?? soleCall('transfer')?.id;
      await select(callOptions.callId);
      await command('transfer', uri);
      return waitUntil(
        `transfer to ${uri}: no outcome`,
        () => {
          const outcome = events.slice(from).find((e) => (e.type === 'CALL_CLOSED' || e.type === 'TRANSFER_FAILED') && (target === undefined || e.callId === target));
          if (outcome?.type === 'TRANSFER_FAILED') throw new Error(`TRANSFER_FAILED: ${outcome.param ?? '(no reason)'}`);
          if (outcome !== undefined && outcome.param !== 'Call transfered') throw new Error(`the call closed before the transfer completed: ${outcome.param ?? '(no reason)'}`);
          return outcome;
        },
        callOptions.timeoutMs ?? 10_000,
      );
    },
    async hold(holdOptions = {}) {
      if (holdOptions.callId === undefined) soleCall('hold');
      await select(holdOptions.callId);
      await command('hold');
    },
    async resume(resumeOptions = {}) {
      if (resumeOptions.callId === undefined) soleCall('resume');
      await select(resumeOptions.callId);
      await command('resume');
    },
    async sendDtmf(digits, dtmfOptions = {}) {
      const bad = [...digits].find((digit) => !DTMF.test(digit));
      if (bad !== undefined || digits === '') throw fail(`sendDtmf: ${JSON.stringify(digits)} is not a string of 0-9*#A-D`);
      if (dtmfOptions.callId === undefined) soleCall('sendDtmf');
      await select(dtmfOptions.callId);
      for (const [index, digit] of [...digits].entries()) {
        if (index > 0) await sleep(dtmfOptions.gapMs ?? 250);
        await command('sndcode', digit);
      }
    },
    receivedDtmf: (dtmfOptions = {}) =>
      events
        .filter((e) => e.type === 'CALL_DTMF_START' && (dtmfOptions.callId === undefined || e.callId === dtmfOptions.callId))
        .map((e) => e.param ?? '')
        .join(''),
    waitForDtmf(digits, dtmfOptions = {}) {
      const received = (): string =>
        events
          .filter((e) => e.type === 'CALL_DTMF_START' && (dtmfOptions.callId === undefined || e.callId === dtmfOptions.callId))
          .map((e) => e.param ?? '')
          .join('');
      return waitUntil(`waiting for DTMF ${JSON.stringify(digits)}`, () => (received().endsWith(digits) ? received() : undefined), dtmfOptions.timeoutMs ?? 10_000);
    },
    async setAnswerMode(mode) {
      const answer = await command('answermode', mode);
      if (!answer.includes(mode)) throw fail(`answermode ${mode}: ${answer.trim()}`);
    },
    recordDir,
    recordings: () => recordingsIn(recordDir),
    lastRecording: () => recordingsIn(recordDir).at(-1),
    async reregister(reregisterOptions = {}) {
      await command('uadel', aor);
      await sleep(reregisterOptions.settleMs ?? 1000);
      await command('uanew', accountLine(account));
    },
    log() {
      return existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
    },
    stop() {
      stopping ??= stop();
      return stopping;
    },
  };
}
