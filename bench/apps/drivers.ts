// What places one step's calls against one server and says, afterwards, what the server side did: a Driver per
// (server, kind of call). Relayed and recorded calls are bench/calls' two-party calls (its SIPp caller, callee and
// runner); calls a PBX answers itself are the caller scenario of caller-scenario.ts, one SIPp per sink port (and its
// variants in app-scenarios.ts: a caller that hears music while its call rings, a caller that puts its call on hold).
import { createSocket } from 'node:dgram';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { registerCallee, runCalls, startUas, type Account, type CallStepResult, type Target, type Uas } from '../calls/sipp-calls.ts';
import type { Scenarios } from '../calls/scenarios.ts';
import { freeSipPort } from '../sip/udp.ts';
import type { MediaServerUas } from './media-server-uas.ts';
import type { SinkMode } from './timing-sink.ts';

export const CALL_KINDS = ['relayed', 'playing', 'recorded', 'ivr', 'huntmusic', 'hold'] as const;
export type CallKind = (typeof CALL_KINDS)[number];

export interface ServerCheck {
  /** What makes the step fail (a recording missing, a key not heard). */
  readonly problems: string[];
  /** What the line shows besides (files written, keys heard). */
  readonly notes: string[];
}

export interface Driver {
  readonly sinkMode: SinkMode;
  /** Places `calls` calls at `rate` calls/s, each lasting `callSeconds`, and waits for SIPp to finish. */
  run(calls: number, rate: number, callSeconds: number, label: string): Promise<CallStepResult>;
  /** The server's side of the step just run, for `calls` calls answered. */
  check(calls: number): Promise<ServerCheck>;
  stop(): Promise<void>;
  /** What this server's check leaves out, printed beside its figure (e.g. a key that cannot be read back yet). */
  readonly caveat?: string;
}

/** True when `port` can be bound for UDP on `host` right now. */
function udpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
}

/**
 * A port for SIPp's -mp: SIPp binds it for audio and the port two above for video, and exits when either is taken
 * ("Unable to bind video RTP socket", errno 98), failing a whole step for the bench's own reasons; so both are free.
 */
export async function freeMediaPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freeSipPort();
    if (port + 2 < 65_536 && (await udpFree(port + 2, '0.0.0.0')) && (await udpFree(port + 2, '127.0.0.1'))) return port;
  }
  throw new Error('no media port free with the one two above it');
}

/** Thrown by the Callgrid side for calls its engine cannot take yet; the bench prints it and goes on. */
export class NotBuiltYet extends Error {}

/** The recordings a server leaves: mark() before a step's calls, check() after them. */
export interface Recordings {
  mark(): void;
  /** `calls` answered calls of `callSeconds` each were recorded: one recording with media per call expected. */
  check(calls: number, callSeconds: number): Promise<ServerCheck>;
}

/** Counts the recordings a step left in a directory: new files since `mark()`, and those with more than a header. */
export class RecordingCounter implements Recordings {
  private seen = new Set<string>();

  constructor(readonly dir: string, private readonly emptySize: number) {}

  private files(): string[] {
    try {
      return readdirSync(this.dir);
    } catch {
      return [];
    }
  }

  mark(): void {
    this.seen = new Set(this.files());
  }

  count(): { files: number; withMedia: number; bytes: number } {
    let files = 0;
    let withMedia = 0;
    let bytes = 0;
    for (const name of this.files()) {
      if (this.seen.has(name)) continue;
      files++;
      const size = statSync(join(this.dir, name)).size;
      bytes += size;
      if (size > this.emptySize) withMedia++;
    }
    return { files, withMedia, bytes };
  }

  async check(calls: number): Promise<ServerCheck> {
    return recordingCheck(this, calls);
  }
}

/** Problems and notes about the recordings of a step (one expected per answered call). */
export function recordingCheck(counter: RecordingCounter, calls: number): ServerCheck {
  const written = counter.count();
  const problems = written.withMedia < calls ? [`${calls - written.withMedia} of ${calls} answered calls have no recording with media (${written.files} files)`] : [];
  return { problems, notes: [`${written.withMedia} recordings, ${(written.bytes / 1e6).toFixed(1)} MB`] };
}

export interface TwoPartyOptions {
  readonly target: Target;
  readonly caller: Account;
  readonly callee: Account;
  /** The callee's number as dialled. */
  readonly dial: string;
  readonly scenarios: Scenarios;
  readonly sinkPorts: readonly number[];
  readonly dir: string;
  /** The longest the callee may run: SIPp's own -timeout. */
  readonly maxSeconds: number;
  /** Set for recorded calls: the server's recordings, checked after each step. */
  readonly recordings?: Recordings;
  /** What the sink does with the callee's media; echo (a talking callee) unless said. */
  readonly sinkMode?: SinkMode;
}

/** bench/calls' call: the callee registers and answers with a sink port; the caller streams with rtp_stream. */
export async function twoPartyDriver(options: TwoPartyOptions): Promise<Driver> {
  const uasPort = await freeSipPort();
  const registered = await registerCallee(options.target, options.callee, options.scenarios.register, uasPort, options.dir);
  if (registered !== undefined) throw new Error(`REGISTER of ${options.callee.authUser} failed: ${registered}`);
  const uas: Uas = startUas({ scenario: options.scenarios.uas, localPort: uasPort, mediaPort: await freeMediaPort(), aor: options.callee.user, sinkPorts: options.sinkPorts, dir: options.dir, maxSeconds: options.maxSeconds });
  let lastCallSeconds = 0;
  return {
    sinkMode: options.sinkMode ?? 'echo',
    run: async (calls, rate, callSeconds, label) => {
      options.recordings?.mark();
      lastCallSeconds = callSeconds;
      const result = await runCalls({
        target: options.target, scenario: options.scenarios.uac, caller: options.caller, callee: options.dial,
        localPort: await freeSipPort(), mediaPort: await freeMediaPort(), rate, calls, callSeconds, dir: options.dir, label,
      });
      const callee = uas.errors();
      return callee.length > 0 && result.failed > 0 ? { ...result, problems: [...result.problems, `callee saw: ${callee.join('; ')}`] } : result;
    },
    check: async (calls) => (options.recordings ? options.recordings.check(calls, lastCallSeconds) : { problems: [], notes: [] }),
    stop: () => uas.stop(),
  };
}

/** Splits a step over several SIPp callers (one per sink port) and adds their results up. */
export async function runSplit(scenarios: readonly string[], calls: number, rate: number, run: (scenario: string, calls: number, rate: number, index: number) => Promise<CallStepResult>): Promise<CallStepResult> {
  const parts = scenarios.map((scenario, index) => ({ scenario, index, calls: Math.floor(calls / scenarios.length) + (index < calls % scenarios.length ? 1 : 0) })).filter((part) => part.calls > 0);
  const results = await Promise.all(parts.map((part) => run(part.scenario, part.calls, (rate * part.calls) / calls, part.index)));
  return {
    rate,
    calls,
    successful: results.reduce((sum, r) => sum + r.successful, 0),
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    retransmissions: results.reduce((sum, r) => sum + r.retransmissions, 0),
    elapsedSeconds: Math.max(...results.map((r) => r.elapsedSeconds)),
    problems: results.flatMap((r, i) => r.problems.map((problem) => (results.length > 1 ? `caller #${i + 1}: ${problem}` : problem))),
  };
}

/**
 * The rtpengine peer of "the PBX answers and plays": SIPp callers -> media-server-uas.ts -> rtpengine plays. With
 * `keys` off (music: nobody presses anything) the sink only listens and no key is expected.
 */
export function rtpenginePlayingDriver(options: { uas: MediaServerUas; callerScenarios: readonly string[]; caller: Account; dial: string; dir: string; keys?: boolean; caveat?: string }): Driver {
  const target = { host: '127.0.0.1', port: options.uas.port };
  const keys = options.keys ?? true;
  return {
    sinkMode: keys ? 'dtmf' : 'listen',
    ...(options.caveat ? { caveat: options.caveat } : {}),
    run: (calls, rate, callSeconds, label) => {
      options.uas.resetCounters();
      return runSplit(options.callerScenarios, calls, rate, async (scenario, part, partRate, index) =>
        runCalls({
          target, scenario, caller: options.caller, callee: options.dial, localPort: await freeSipPort(), mediaPort: await freeMediaPort(),
          rate: partRate, calls: part, callSeconds, dir: options.dir, label: `${label}-${index}`,
        }),
      );
    },
    check: async (calls) => {
      const c = options.uas.counters;
      const problems = [...c.problems.entries()].map(([text, count]) => `${count}x ${text}`);
      if (c.playing < calls) problems.push(`rtpengine played to ${c.playing} of ${calls} answered calls`);
      if (keys && c.dtmfHeard < calls) problems.push(`rtpengine heard the key in ${c.dtmfHeard} of ${calls} calls`);
      return { problems, notes: keys ? [`key heard in ${c.dtmfHeard}/${calls}`] : [`played to ${c.playing}/${calls}`] };
    },
    stop: async () => undefined,
  };
}

/** What Callgrid's playing calls cannot check yet, on each step's line and beside the figure. */
export const CALLGRID_KEYS_NOT_CHECKED = 'keys: not checked (no per-call key counter yet)';

/**
 * Callgrid's "the PBX answers and plays": the same SIPp callers as rtpenginePlayingDriver, straight to Callgrid's SIP
 * port, each caller always from its own port in `callerPorts` (the provider's host and pr_match name them, which is
 * what makes them a carrier). The sink presses the key as for rtpengine; Callgrid cannot say yet whether it heard it.
 */
export function callgridPlayingDriver(options: CarrierCallerOptions): Driver {
  return carrierCallerDriver({ ...options, sinkMode: 'dtmf', check: async () => ({ problems: [], notes: [CALLGRID_KEYS_NOT_CHECKED] }), caveat: CALLGRID_KEYS_NOT_CHECKED });
}

export interface CarrierCallerOptions {
  readonly target: Target;
  /** One SIPp caller scenario per sink port. */
  readonly callerScenarios: readonly string[];
  /** Each caller's fixed source port: a provider's host and pr_match name them. */
  readonly callerPorts: readonly number[];
  readonly caller: Account;
  readonly dial: string;
  readonly dir: string;
}

/**
 * Calls from a carrier (SIPp callers each on its own fixed port) to a number the server answers or rings itself,
 * with the server's own check of each step (`check`, after the calls; `mark`, before them).
 */
export function carrierCallerDriver(options: CarrierCallerOptions & { sinkMode: SinkMode; check: (calls: number) => Promise<ServerCheck>; mark?: () => Promise<void>; caveat?: string }): Driver {
  return {
    sinkMode: options.sinkMode,
    run: async (calls, rate, callSeconds, label) => {
      await options.mark?.();
      return runSplit(options.callerScenarios, calls, rate, async (scenario, part, partRate, index) => {
        const localPort = options.callerPorts[index];
        if (localPort === undefined) throw new Error(`no source port for caller #${index + 1}`);
        return runCalls({
          target: options.target, scenario, caller: options.caller, callee: options.dial, localPort, mediaPort: await freeMediaPort(),
          rate: partRate, calls: part, callSeconds, dir: options.dir, label: `${label}-${index}`,
        });
      });
    },
    check: options.check,
    stop: async () => undefined,
    ...(options.caveat ? { caveat: options.caveat } : {}),
  };
}
