// Callgrid in the apps bench: started and provisioned as bench/calls does it (callgrid-pbx.ts: `callgrid start` on a
// scratch SQLite data dir with the tenant share and per-extension caps off, tenant APPS and extensions 100/101
// through MANAGEDB), with an RTP port range sized for the top level. Relayed calls and playing calls (a DID whose
// slot is PLAYBACK of a media file) run; recorded calls wait for per-call recording (callgridRecorded).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createExtensions, createTenant, sipAnswers, startCallgridPbx, type CallgridPbx } from '../calls/callgrid-pbx.ts';
import type { Scenarios } from '../calls/scenarios.ts';
import type { Account } from '../calls/sipp-calls.ts';
import { freeSipPort } from '../sip/udp.ts';
import { callgridPlayingDriver, NotBuiltYet, type Driver } from './drivers.ts';
import { writeRepeatedPrompt } from './prompt.ts';

export const CALLGRID_TENANT = 'APPS';

export interface CallgridSide {
  readonly pbx: CallgridPbx;
  readonly target: { readonly host: string; readonly port: number };
  /** Extension 100 (`100-APPS`): places every call. */
  readonly caller: Account;
  /** Extension 101 (`101-APPS`): the relayed calls' callee. */
  readonly callee: Account;
}

/**
 * The relay's RTP ports: a relayed call holds two even/odd pairs (4 ports), a playing call at most as many; the pool
 * draws pairs at random and is meant to stay under half full, so 8 ports per call of the top level, and at least
 * Callgrid's default 10,000. From 10000 up and below Linux's ephemeral ports (32768), where SIPp, the sinks and
 * freeSipPort take theirs. BENCH_CALLGRID_ENV may still set CALLGRID_RTP_PORT_MIN/MAX.
 */
function rtpPortRange(topLevel: number): Record<string, string> {
  const min = 10_000;
  const max = Math.min(32_767, min + Math.max(10_000, 8 * topLevel) - 1);
  if (max - min + 1 < 4 * topLevel) console.log(`bench: note: RTP ports ${min}-${max} cannot hold ${topLevel} relayed calls`);
  return { CALLGRID_RTP_PORT_MIN: String(min), CALLGRID_RTP_PORT_MAX: String(max) };
}

/** Starts Callgrid and provisions tenant APPS with extensions 100 and 101; throws with the reason otherwise. */
export async function startCallgridSide(options: { repo: string; dir: string; nodeArgs: readonly string[]; extraEnv: Readonly<Record<string, string>>; topLevel: number }): Promise<CallgridSide> {
  const dataDir = join(options.dir, 'callgrid');
  mkdirSync(dataDir, { mode: 0o700 });
  const pbx = await startCallgridPbx({ repo: options.repo, dataDir, nodeArgs: options.nodeArgs, extraEnv: { ...rtpPortRange(options.topLevel), ...options.extraEnv } });
  try {
    const tenantProblem = await createTenant(pbx, CALLGRID_TENANT);
    if (tenantProblem) throw new Error(`could not create tenant ${CALLGRID_TENANT}: ${tenantProblem}`);
    const password = () => `Pw${randomBytes(6).toString('hex')}9`;
    const extensions = ['100', '101'].map((number) => ({ number, username: `${number}-${CALLGRID_TENANT}`, password: password() }));
    const extensionProblem = await createExtensions(pbx, CALLGRID_TENANT, extensions);
    if (extensionProblem) throw new Error(`could not create extensions 100 and 101: ${extensionProblem}`);
    if (!(await sipAnswers(pbx))) throw new Error(`no SIP answer on udp ${pbx.sipHost}:${pbx.sipPort}`);
    const account = (ext: (typeof extensions)[number] | undefined): Account => {
      if (!ext) throw new Error('unreachable');
      return { user: ext.username, authUser: ext.username, password: ext.password };
    };
    return { pbx, target: { host: pbx.sipHost, port: pbx.sipPort }, caller: account(extensions[0]), callee: account(extensions[1]) };
  } catch (error) {
    await pbx.stop();
    throw error;
  }
}

/** What Callgrid takes as a media file upload (1 MiB request bodies, less the multipart envelope), with a margin. */
const MEDIA_UPLOAD_MAX_BYTES = 1_000_000;
/** The DID the SIPp callers dial; the rtpengine peer's UAS answers the same number. */
export const PLAYING_DID = '5550100';

export interface PlayingOptions {
  readonly callerScenarios: readonly string[];
  readonly promptFile: string;
  readonly dir: string;
  /** The longest a call of any level lasts (hold + placing), s: Callgrid plays the file once and hangs up at its end. */
  readonly longestCallSeconds: number;
}

/**
 * (a) Callgrid answering callers itself and playing the prompt: set up through the proxyapi as an operator would,
 * - a provider (admin key, no tenant) whose `host` is the first SIPp caller's fixed source 127.0.0.1:<port> and whose
 *   `match` (pr_match) lists the others, so those INVITEs are a carrier's calls to a DID, not a phone's (an
 *   IP-authenticated trunk: no digest);
 * - `mediafile add` in tenant APPS and `updatebinary` (multipart, field `filename`) with the prompt repeated into
 *   one file longer than the longest call: PLAYBACK plays the file once and then the PBX hangs up (BYE), which must
 *   not come before SIPp's own BYE;
 * - `did add` 5550100 and its DID slot replaced by [`PLAYBACK-<me_id>`] (MANAGEDB destination replace, typesrc DID).
 * The calls are then the rtpengine peer's exactly (caller-scenario.ts, one SIPp per sink port, sink in dtmf mode),
 * each SIPp caller always from its own port. Keys are pressed but not checked: Callgrid has no per-call key counter
 * yet (callgridPlayingDriver).
 */
export async function callgridPlaying(side: CallgridSide, options: PlayingOptions): Promise<Driver> {
  const dir = join(options.dir, 'playing');
  mkdirSync(dir, { recursive: true });
  const callerPorts: number[] = [];
  for (const _ of options.callerScenarios) callerPorts.push(await freeSipPort());
  const [hostPort, ...matchPorts] = callerPorts;
  if (hostPort === undefined) throw new Error('no caller scenario');
  await proxyapi(side.pbx, { reqtype: 'MANAGEDB', object: 'provider', action: 'add', jsondata: JSON.stringify({
    pr_name: 'Bench SIPp callers', pr_tech: 'SIP', host: `127.0.0.1:${hostPort}`, match: matchPorts.map((port) => `127.0.0.1:${port}`).join(','),
  }) });
  const prompt = writeRepeatedPrompt(options.promptFile, options.longestCallSeconds * 1.1 + 10, dir, MEDIA_UPLOAD_MAX_BYTES);
  const media = rowOf(await proxyapi(side.pbx, { tenant: CALLGRID_TENANT, reqtype: 'MANAGEDB', object: 'mediafile', action: 'add', jsondata: JSON.stringify({ me_name: 'bench-prompt' }) }), 'me_id');
  const form = new FormData();
  form.set('filename', new Blob([readFileSync(prompt.path)]), prompt.fileName);
  const query = new URLSearchParams({ key: side.pbx.adminKey, tenant: CALLGRID_TENANT, reqtype: 'MANAGEDB', object: 'mediafile', action: 'updatebinary', objectid: media });
  await answerOf(await fetch(`${side.pbx.httpBase}/pbx/proxyapi.php?${query.toString()}`, { method: 'POST', body: form }), 'mediafile updatebinary');
  const did = rowOf(await proxyapi(side.pbx, { tenant: CALLGRID_TENANT, reqtype: 'MANAGEDB', object: 'did', action: 'add', jsondata: JSON.stringify({ di_number: PLAYING_DID }) }), 'di_id');
  await proxyapi(side.pbx, { tenant: CALLGRID_TENANT, reqtype: 'MANAGEDB', object: 'destination', action: 'replace', typesrc: 'DID', typeidsrc: did, jsondata: JSON.stringify([`PLAYBACK-${media}`]) });
  console.log(
    `bench: Callgrid plays media file ${media} (${prompt.format}, ${prompt.seconds.toFixed(0)} s, ${(prompt.bytes / 1000).toFixed(0)} kB: the ${options.longestCallSeconds.toFixed(0)} s longest call and a margin) ` +
      `on DID ${PLAYING_DID}; callers from udp 127.0.0.1:${callerPorts.join(',')} are its provider`,
  );
  return callgridPlayingDriver({ target: side.target, callerScenarios: options.callerScenarios, callerPorts, caller: side.caller, dial: PLAYING_DID, dir });
}

/**
 * (b) Callgrid relaying two-party calls with recording on. Not built: throws NotBuiltYet.
 *
 * TODO(engine) when the relay's recorder lands: `extension edit` 101 {ex_recording: 'yes'} (or a DID with
 * di_recording 'yes' in front of 101), then twoPartyDriver exactly as for relayed calls, with a RecordingCounter on
 * the directory the engine writes recordings to under its data dir: `new RecordingCounter(dir, 44)`, one WAV per call
 * (media/recorder writes 8 kHz 16-bit PCM; 44 bytes is a WAV header with no audio). Note the work differs from the
 * peer's: rtpengine 10.5 in userspace can only dump packets to pcap; decoding to WAV is rtpengine-recording's job,
 * which needs the kernel module (recording-shims.ts).
 */
export async function callgridRecorded(_side: CallgridSide, _with: { readonly scenarios: Scenarios; readonly sinkPorts: readonly number[]; readonly dir: string; readonly maxSeconds: number }): Promise<Driver> {
  throw new NotBuiltYet(
    "Callgrid's per-call recording is not built yet: waiting for ex_recording / di_recording = 'yes' to start the relay's recorder on a call and write one file per call under the data dir",
  );
}

/** One proxyapi request with the admin key; the answer's text, or a throw naming the request and the server's words. */
async function proxyapi(pbx: CallgridPbx, params: Record<string, string>): Promise<string> {
  const body = new URLSearchParams({ key: pbx.adminKey, ...params });
  return answerOf(await fetch(`${pbx.httpBase}/pbx/proxyapi.php`, { method: 'POST', body }), `${params.object ?? params.reqtype} ${params.action ?? ''}`.trim());
}

async function answerOf(res: Response, what: string): Promise<string> {
  const text = await res.text();
  // MiRTA answers failures with HTTP 200 and a text body; Callgrid marks them with X-Callgrid-Error.
  const error = res.headers.get('x-callgrid-error');
  if (res.status !== 200 || error !== null) throw new Error(`${what}: HTTP ${res.status}${error ? ` (${error})` : ''}: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
  return text;
}

/** The id column of a created row, as text. */
function rowOf(text: string, column: string): string {
  const row = JSON.parse(text) as Record<string, unknown>;
  const id = row[column];
  if (typeof id !== 'number' && typeof id !== 'string') throw new Error(`no ${column} in ${text.slice(0, 200)}`);
  return String(id);
}
