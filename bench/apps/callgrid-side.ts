// Callgrid in the apps bench: started and provisioned as bench/calls does it (callgrid-pbx.ts: `callgrid start` on a
// scratch SQLite data dir, tenant APPS and extensions 100/101 through MANAGEDB). Relayed calls work today; the two
// calls the PBX takes part in (callgridPlaying, callgridRecorded) are placeholders until the engine has them; what
// they will do is written on each, and in apps.bench.ts's header.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createExtensions, createTenant, sipAnswers, startCallgridPbx, type CallgridPbx } from '../calls/callgrid-pbx.ts';
import type { Scenarios } from '../calls/scenarios.ts';
import type { Account } from '../calls/sipp-calls.ts';
import { NotBuiltYet, type Driver } from './drivers.ts';

export const CALLGRID_TENANT = 'APPS';
const NOT_BUILT = "Callgrid's PBX endpoints are not built yet";

export interface CallgridSide {
  readonly pbx: CallgridPbx;
  readonly target: { readonly host: string; readonly port: number };
  /** Extension 100 (`100-APPS`): places every call. */
  readonly caller: Account;
  /** Extension 101 (`101-APPS`): the relayed calls' callee. */
  readonly callee: Account;
}

/** Starts Callgrid and provisions tenant APPS with extensions 100 and 101; throws with the reason otherwise. */
export async function startCallgridSide(options: { repo: string; dir: string; nodeArgs: readonly string[]; extraEnv: Readonly<Record<string, string>> }): Promise<CallgridSide> {
  const dataDir = join(options.dir, 'callgrid');
  mkdirSync(dataDir, { mode: 0o700 });
  const pbx = await startCallgridPbx({ repo: options.repo, dataDir, nodeArgs: options.nodeArgs, extraEnv: options.extraEnv });
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

/**
 * (a) Callgrid answering callers itself and playing the prompt in a loop. Not built: throws NotBuiltYet.
 *
 * TODO(engine) when the PLAYBACK step lands, this becomes (all through MANAGEDB, then rtpenginePlayingDriver's twin):
 * - `mediafile add` {me_name: 'bench-prompt'} and the prompt WAV (prompt.ts: 8 kHz mono PCM) uploaded to it;
 * - a provider whose pr_match is `127.0.0.1:<port>` for each SIPp caller's fixed local port (so those INVITEs are
 *   inbound carrier calls, while extension 100's own INVITEs stay extension calls), and
 *   `did add` {di_number: '5550100'} with its DID slot -> `PLAYBACK-<me_id>` in a loop until the caller hangs up
 *   (the engine's loop option of the playback step, or a MUSICONHOLD-<id> class holding the prompt);
 *   or, without a provider: a feature code / short number dialled by extension 100 whose destination is that step;
 * - the calls: caller-scenario.ts (one SIPp per sink port, `-s 5550100`), the sink in 'dtmf' mode, and a count of
 *   keys the step heard per call (the engine must expose it: a CDR field, a log line or a counter) for check().
 */
export async function callgridPlaying(_side: CallgridSide, _with: { readonly callerScenarios: readonly string[]; readonly promptFile: string; readonly dir: string }): Promise<Driver> {
  throw new NotBuiltYet(`${NOT_BUILT}: no playback destination answers a call and loops a media file yet`);
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
  throw new NotBuiltYet(`${NOT_BUILT}: no recorder behind ex_recording / di_recording 'yes' yet`);
}
