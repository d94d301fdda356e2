// baresip 1.0.0 as a real SIP phone in end-to-end tests: runs inside a test network namespace, driven over
// ctrl_tcp, with every wait bounded and every failure pointing at the phone's log file.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountAor, accountLine, writeAccounts, writeConfig, writeSilenceWav, type BaresipAccount } from './baresip-config.ts';
import { BaresipCtrl, type BaresipEvent, type EventType } from './baresip-ctrl.ts';
import type { TestNetwork } from './netns.ts';

export type { BaresipAccount } from './baresip-config.ts';
export type { BaresipEvent, EventType, KnownEventType } from './baresip-ctrl.ts';

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
  /** Records each call's audio there (sndfile module). */
  readonly recordDir?: string;
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
  dial(uri: string): Promise<void>;
  /** Answers the ringing incoming call. */
  accept(): Promise<void>;
  hangup(): Promise<void>;
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
  let failed = false;
  let endedReason: string | undefined;

  const write = (text: string): void => appendFileSync(logPath, text);
  const note = (line: string): void => write(`[+${Date.now() - startedAt}ms] ${line.replace(/auth_pass=[^;"]*/g, 'auth_pass=***')}\n`);
  const fail = (message: string): Error => {
    failed = true;
    return new Error(`baresip ${name}: ${message} (log: ${logPath})`);
  };

  const audioFile = options.audioFile ?? join(dir, 'silence.wav');
  if (options.audioFile === undefined) writeSilenceWav(audioFile, safetySeconds + 30);
  writeConfig(dir, {
    sipListen: `${net.phoneAddress}:${sipPort}`,
    ctrlListen: `${net.phoneAddress}:${ctrlPort}`,
    audioFile,
    ...(options.recordDir === undefined ? {} : { recordDir: options.recordDir }),
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
  };
  child.on('error', (error) => endAll(`could not run baresip: ${error.message}`));
  child.on('exit', (code, signal) => {
    running.delete(child);
    note(`exit: code ${code} signal ${signal}`);
    endAll(`baresip exited (code ${code}, signal ${signal})`);
  });

  const summary = (): string => (events.length === 0 ? '(none)' : events.map((e) => (e.param ? `${e.type}(${e.param})` : e.type)).join(', '));
  const accepts = (waiter: Pick<Waiter, 'types' | 'match'>, event: BaresipEvent): boolean =>
    !taken.has(event) && waiter.types.includes(event.type) && (waiter.match === undefined || waiter.match(event));

  const onEvent = (event: BaresipEvent): void => {
    events.push(event);
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
    async accept() {
      await command('accept');
    },
    async hangup() {
      await command('hangup');
    },
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
