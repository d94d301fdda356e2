// Callgrid in the apps bench: started and provisioned as bench/calls does it (callgrid-pbx.ts: `callgrid start` on a
// scratch SQLite data dir with the tenant share and per-extension caps off, tenant APPS and extensions 100/101
// through MANAGEDB), with an RTP port range sized for the top level. Relayed calls, playing calls (a DID whose slot is
// PLAYBACK of a media file) and recorded calls (the relayed calls with ex_recording = 'yes' on the callee, 101).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createExtensions, createTenant, sipAnswers, startCallgridPbx, type CallgridPbx } from '../calls/callgrid-pbx.ts';
import type { Scenarios } from '../calls/scenarios.ts';
import type { Account } from '../calls/sipp-calls.ts';
import { freeSipPort } from '../sip/udp.ts';
import { callgridPlayingDriver, twoPartyDriver, type Driver } from './drivers.ts';
import { writeRepeatedPrompt } from './prompt.ts';
import { WavRecordings } from './wav-recordings.ts';

export const CALLGRID_TENANT = 'APPS';

export interface CallgridSide {
  readonly pbx: CallgridPbx;
  readonly target: { readonly host: string; readonly port: number };
  /** Extension 100 (`100-APPS`): places every call. */
  readonly caller: Account;
  /** Extension 101 (`101-APPS`): the relayed and recorded calls' callee. */
  readonly callee: Account;
  /** Callgrid's data dir (CALLGRID_DATA_DIR): recordings land under its tenants/ folder. */
  readonly dataDir: string;
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
    return { pbx, target: { host: pbx.sipHost, port: pbx.sipPort }, caller: account(extensions[0]), callee: account(extensions[1]), dataDir };
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
  const callerPorts = await carrierPorts(side, options.callerScenarios.length);
  const prompt = writeRepeatedPrompt(options.promptFile, options.longestCallSeconds * 1.1 + 10, dir, MEDIA_UPLOAD_MAX_BYTES);
  const media = await uploadMedia(side, 'bench-prompt', prompt.path, prompt.fileName);
  await didTo(side, PLAYING_DID, `PLAYBACK-${media}`);
  console.log(
    `bench: Callgrid plays media file ${media} (${prompt.format}, ${prompt.seconds.toFixed(0)} s, ${(prompt.bytes / 1000).toFixed(0)} kB: the ${options.longestCallSeconds.toFixed(0)} s longest call and a margin) ` +
      `on DID ${PLAYING_DID}; callers from udp 127.0.0.1:${callerPorts.join(',')} are its provider`,
  );
  return callgridPlayingDriver({ target: side.target, callerScenarios: options.callerScenarios, callerPorts, caller: side.caller, dial: PLAYING_DID, dir });
}

/** The callee's extension number: the relayed and the recorded calls dial it. */
export const CALLEE_NUMBER = '101';

export interface RecordedOptions {
  readonly scenarios: Scenarios;
  readonly sinkPorts: readonly number[];
  readonly dir: string;
  /** The longest the callee may run: SIPp's own -timeout. */
  readonly maxSeconds: number;
}

/**
 * (b) Callgrid relaying two-party calls with recording on: the relayed part's calls exactly (100 -> 101, the callee a
 * SIPp UAS answering with a sink port, twoPartyDriver), with extension 101's ex_recording set to 'yes' through the
 * proxyapi (MANAGEDB extension update) as an operator would; Callgrid then records every call 101 takes, from its
 * answer, into one mixed mono WAV per call under <dataDir>/tenants/<id>/recordings/<day>/ and finishes the file at
 * the BYE. Each step's check (wav-recordings.ts) wants one recording with media per answered call.
 * First, UNREGISTER 101: the relayed part's callee (stopped since) left its binding, and Callgrid would fork every
 * recorded call to that dead contact as well.
 * Note the work differs from the peer's: rtpengine 10.5 in userspace can only dump packets to pcap; decoding and
 * mixing to WAV is rtpengine-recording's job, which needs the kernel module (the proc method). Callgrid decodes,
 * mixes and writes WAV while relaying.
 */
export async function callgridRecorded(side: CallgridSide, options: RecordedOptions): Promise<{ driver: Driver; stop: () => Promise<void> }> {
  const dir = join(options.dir, 'recorded');
  mkdirSync(dir, { recursive: true });
  const extensions = JSON.parse(await proxyapi(side.pbx, { tenant: CALLGRID_TENANT, reqtype: 'MANAGEDB', object: 'extension', action: 'list' })) as Array<Record<string, unknown>>;
  const callee = extensions.find((row) => String(row.ex_number) === CALLEE_NUMBER);
  if (callee === undefined) throw new Error(`extension ${CALLEE_NUMBER} is not in tenant ${CALLGRID_TENANT}'s extension list`);
  const id = String(callee.ex_id);
  const setRecording = async (value: 'yes' | 'no') => {
    const row = JSON.parse(await proxyapi(side.pbx, { tenant: CALLGRID_TENANT, reqtype: 'MANAGEDB', object: 'extension', action: 'update', objectid: id, jsondata: JSON.stringify({ ex_recording: value }) })) as Record<string, unknown>;
    if (String(row.ex_recording) !== value) throw new Error(`extension update answered ex_recording=${String(row.ex_recording)}, not ${value}`);
  };
  await setRecording('yes');
  const unregistered = await proxyapi(side.pbx, { tenant: CALLGRID_TENANT, reqtype: 'UNREGISTER', peer: CALLEE_NUMBER });
  const tenantsDir = join(side.dataDir, 'tenants');
  console.log(`bench: Callgrid records extension ${CALLEE_NUMBER}'s calls (ex_recording yes, ex_id ${id}) into ${tenantsDir}/<tenant>/recordings/; UNREGISTER ${CALLEE_NUMBER}: ${unregistered.trim()}`);
  const driver = await twoPartyDriver({
    target: side.target, caller: side.caller, callee: side.callee, dial: CALLEE_NUMBER, scenarios: options.scenarios, sinkPorts: options.sinkPorts, dir, maxSeconds: options.maxSeconds,
    recordings: new WavRecordings(tenantsDir),
  });
  // Recorded is the last part; switching recording off again leaves the PBX as the other parts expect it.
  return { driver, stop: () => setRecording('no').catch((error: unknown) => console.log(`bench: note: could not switch recording off again: ${(error as Error).message}`)) };
}

/** The source ports of the SIPp callers that are a carrier (a provider names them); made once per server start. */
const carriers = new WeakMap<CallgridSide, Promise<number[]>>();

/**
 * `count` fixed source ports for SIPp callers, all of one provider (admin key, no tenant): `host` is the first as
 * 127.0.0.1:<port>, `match` (pr_match) the others, so INVITEs from them are a carrier's calls to a DID (an
 * IP-authenticated trunk: no digest). Every part with carrier callers shares them.
 */
export function carrierPorts(side: CallgridSide, count: number): Promise<number[]> {
  const made = carriers.get(side);
  if (made !== undefined) return made;
  const making = (async () => {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) ports.push(await freeSipPort());
    const [hostPort, ...matchPorts] = ports;
    if (hostPort === undefined) throw new Error('no caller scenario');
    await proxyapi(side.pbx, { reqtype: 'MANAGEDB', object: 'provider', action: 'add', jsondata: JSON.stringify({
      pr_name: 'Bench SIPp callers', pr_tech: 'SIP', host: `127.0.0.1:${hostPort}`, match: matchPorts.map((port) => `127.0.0.1:${port}`).join(','),
    }) });
    return ports;
  })();
  carriers.set(side, making);
  making.catch(() => carriers.delete(side));
  return making;
}

/** A media file of tenant APPS holding `path`'s audio (mediafile add, then updatebinary as multipart); its me_id. */
export async function uploadMedia(side: CallgridSide, name: string, path: string, fileName: string): Promise<string> {
  const media = rowOf(await proxyapi(side.pbx, { tenant: CALLGRID_TENANT, reqtype: 'MANAGEDB', object: 'mediafile', action: 'add', jsondata: JSON.stringify({ me_name: name }) }), 'me_id');
  const form = new FormData();
  form.set('filename', new Blob([readFileSync(path)]), fileName);
  const query = new URLSearchParams({ key: side.pbx.adminKey, tenant: CALLGRID_TENANT, reqtype: 'MANAGEDB', object: 'mediafile', action: 'updatebinary', objectid: media });
  await answerOf(await fetch(`${side.pbx.httpBase}/pbx/proxyapi.php?${query.toString()}`, { method: 'POST', body: form }), 'mediafile updatebinary');
  return media;
}

/** A destination slot of tenant APPS (MANAGEDB destination replace): typesrc, its owner's id, the targets in order. */
export async function setSlot(side: CallgridSide, typesrc: string, ownerId: string, targets: readonly string[]): Promise<void> {
  await proxyapi(side.pbx, { tenant: CALLGRID_TENANT, reqtype: 'MANAGEDB', object: 'destination', action: 'replace', typesrc, typeidsrc: ownerId, jsondata: JSON.stringify(targets) });
}

/** A new row of tenant APPS (MANAGEDB <object> add); the row as the server answered it. */
export async function addRow(side: CallgridSide, object: string, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
  return JSON.parse(await proxyapi(side.pbx, { tenant: CALLGRID_TENANT, reqtype: 'MANAGEDB', object, action: 'add', jsondata: JSON.stringify(fields) })) as Record<string, unknown>;
}

/** DID `number` of tenant APPS whose slot is the one target given. */
export async function didTo(side: CallgridSide, number: string, target: string): Promise<void> {
  const did = rowOf(JSON.stringify(await addRow(side, 'did', { di_number: number })), 'di_id');
  await setSlot(side, 'DID', did, [target]);
}

/** One proxyapi request with the admin key; the answer's text, or a throw naming the request and the server's words. */
export async function proxyapi(pbx: CallgridPbx, params: Record<string, string>): Promise<string> {
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
export function rowOf(text: string, column: string): string {
  const row = JSON.parse(text) as Record<string, unknown>;
  const id = row[column];
  if (typeof id !== 'number' && typeof id !== 'string') throw new Error(`no ${column} in ${text.slice(0, 200)}`);
  return String(id);
}
