// Callgrid's ivr, huntmusic and hold parts of the apps bench: each provisioned through the proxyapi as an operator
// would (tenant APPS of callgrid-side.ts), then driven by SIPp. What each measures is in apps.bench.ts's header.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { registerCallee, startUas, type Account } from '../calls/sipp-calls.ts';
import type { Scenarios } from '../calls/scenarios.ts';
import { freeSipPort } from '../sip/udp.ts';
import type { AppScenarios } from './app-scenarios.ts';
import { CALLGRID_TENANT, addRow, carrierPorts, didTo, proxyapi, rowOf, setSlot, uploadMedia, type CallgridSide } from './callgrid-side.ts';
import { carrierCallerDriver, freeMediaPort, twoPartyDriver, type Driver, type ServerCheck } from './drivers.ts';
import { writeRepeatedPrompt } from './prompt.ts';
import { DTMF_EVENT } from './timing-sink.ts';

export const IVR_DID = '5550300';
export const HUNT_DID = '5550400';
/** The hunt list's member (rings, never answers) and the held party. */
const MEMBER_NUMBER = '102';
const HELD_NUMBER = '103';
/** iv_timeout: the menu's wait for a key after its prompt, s. */
const IVR_WAIT_S = 2;
/** Callgrid's bound on iv_maxloops. */
const IVR_MAX_LOOPS = 20;
/** hu_ringtime: longer than any call, so the caller always gives up first (Callgrid's bound is 300 s). */
const HUNT_RING_S = 300;
const MEDIA_UPLOAD_MAX_BYTES = 1_000_000;

export interface AppPartOptions {
  readonly dir: string;
  /** prompt.ts's WAV: the menu's welcome, and the music of the tenant's default class. */
  readonly promptFile: string;
  readonly promptSeconds: number;
  readonly longestCallSeconds: number;
  /** The playing part's callers (caller-scenario.ts), one per sink port: the ivr part's callers too. */
  readonly callerScenarios: readonly string[];
  readonly apps: AppScenarios;
  readonly scenarios: Scenarios;
  readonly sinkPorts: readonly number[];
  /** The longest a SIPp callee may run: its own -timeout. */
  readonly maxSeconds: number;
}

const password = () => `Pw${randomBytes(6).toString('hex')}9`;

/** A new extension of tenant APPS; its id and SIP account. */
async function addExtension(side: CallgridSide, number: string): Promise<{ id: string; account: Account }> {
  const secret = password();
  const row = await addRow(side, 'extension', { ex_number: number, secret });
  const username = String(row.ex_username ?? '');
  if (username === '') throw new Error(`extension ${number}: no ex_username in the answer`);
  return { id: rowOf(JSON.stringify(row), 'ex_id'), account: { user: username, authUser: username, password: secret } };
}

/** The tenant's default music-on-hold class (one per server start): prompt.ts's WAV, looped by the relay. */
const classes = new WeakMap<CallgridSide, Promise<string>>();
function defaultMusicClass(side: CallgridSide, promptFile: string): Promise<string> {
  const made = classes.get(side);
  if (made !== undefined) return made;
  const making = (async () => {
    const media = await uploadMedia(side, 'bench-music', promptFile, 'music.wav');
    const id = rowOf(JSON.stringify(await addRow(side, 'musiconhold', { mu_name: 'default', mu_default: 'on' })), 'mu_id');
    await setSlot(side, 'MUSICONHOLD', id, [`PLAYBACK-${media}`]);
    return id;
  })();
  classes.set(side, making);
  making.catch(() => classes.delete(side));
  return making;
}

/**
 * (d) ivr: DID 5550300's slot is IVR-<id>; the menu's welcome (IVR_MEDIAFILE) is the prompt, loops on timeout with
 * enough rounds (iv_maxloops) to outlast the longest call, and its key (IVR_<DTMF_EVENT>) leads to PLAYBACK of the
 * prompt repeated past the longest call, so the caller hears the menu, presses, and hears the choice to its BYE.
 * Each step wants one KEY choice per answered call in the server's IVR log (INFO ivrlogs).
 */
export async function callgridIvr(side: CallgridSide, options: AppPartOptions): Promise<Driver> {
  const dir = join(options.dir, 'ivr');
  mkdirSync(dir, { recursive: true });
  const callerPorts = await carrierPorts(side, options.callerScenarios.length);
  const welcome = await uploadMedia(side, 'bench-ivr-welcome', options.promptFile, 'welcome.wav');
  const long = writeRepeatedPrompt(options.promptFile, options.longestCallSeconds * 1.1 + 10, dir, MEDIA_UPLOAD_MAX_BYTES);
  const choice = await uploadMedia(side, 'bench-ivr-choice', long.path, long.fileName);
  const rounds = Math.min(IVR_MAX_LOOPS, Math.ceil(options.longestCallSeconds / (options.promptSeconds + IVR_WAIT_S)) + 1);
  const ivr = rowOf(JSON.stringify(await addRow(side, 'ivr', { iv_name: 'Bench menu', iv_timeout: IVR_WAIT_S, iv_maxloops: rounds, iv_loopontimeout: 'on', iv_looponwrongkeypress: 'on' })), 'iv_id');
  await setSlot(side, 'IVR_MEDIAFILE', ivr, [`PLAYBACK-${welcome}`]);
  await setSlot(side, `IVR_${DTMF_EVENT}`, ivr, [`PLAYBACK-${choice}`]);
  await didTo(side, IVR_DID, `IVR-${ivr}`);
  console.log(`bench: Callgrid menu IVR-${ivr} on DID ${IVR_DID}: welcome media file ${welcome} (${options.promptSeconds} s), ${rounds} rounds of ${IVR_WAIT_S} s waits; key ${DTMF_EVENT} -> PLAYBACK-${choice} (${long.seconds.toFixed(0)} s)`);
  const log = new IvrLogCounter(side, ivr);
  return carrierCallerDriver({
    target: side.target, callerScenarios: options.callerScenarios, callerPorts, caller: side.caller, dial: IVR_DID, dir, sinkMode: 'dtmf',
    mark: () => log.mark(), check: (calls) => log.check(calls),
  });
}

/** Reads INFO ivrlogs: the choices logged for one menu since mark(). */
class IvrLogCounter {
  private after = 0;

  constructor(private readonly side: CallgridSide, private readonly ivrId: string) {}

  private async rows(): Promise<Array<Record<string, string>>> {
    // From yesterday: a step that runs over midnight (UTC) keeps its rows.
    const start = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    return JSON.parse(await proxyapi(this.side.pbx, { tenant: CALLGRID_TENANT, reqtype: 'INFO', info: 'ivrlogs', format: 'json', start })) as Array<Record<string, string>>;
  }

  async mark(): Promise<void> {
    this.after = Math.max(0, ...(await this.rows()).map((row) => Number(row.ID) || 0));
  }

  async check(calls: number): Promise<ServerCheck> {
    const rows = (await this.rows()).filter((row) => Number(row.ID) > this.after && row.ivrid === this.ivrId);
    const keyed = new Set(rows.filter((row) => row.choice === 'KEY' && row.keys === String(DTMF_EVENT)).map((row) => row.linkedid ?? ''));
    const others = rows.filter((row) => !(row.choice === 'KEY' && row.keys === String(DTMF_EVENT))).map((row) => row.choice ?? '');
    const problems = keyed.size < calls ? [`the IVR log holds key ${DTMF_EVENT} for ${keyed.size} of ${calls} answered calls${others.length > 0 ? ` (other choices: ${summary(others)})` : ''}`] : [];
    return { problems, notes: [`key ${DTMF_EVENT} in the IVR log ${keyed.size}/${calls}${others.length > 0 ? `, other choices ${summary(others)}` : ''}`] };
  }
}

const summary = (items: readonly string[]) => [...new Set(items)].map((item) => `${items.filter((one) => one === item).length} ${item}`).join(', ');

/**
 * (e) huntmusic: DID 5550400's slot is HUNTLIST-<id>, a RINGALL list with hu_usemoh on and one member, extension 102,
 * whose phone (a SIPp UAS, app-scenarios.ts) rings and never answers; hu_ringtime outlasts every call. The caller
 * gets 183 with the music (the tenant's default class) as early media, and cancels after the hold.
 */
export async function callgridHuntMusic(side: CallgridSide, options: AppPartOptions): Promise<{ driver: Driver; stop: () => Promise<void>; notBuilt: (broken: string) => string | undefined }> {
  const dir = join(options.dir, 'huntmusic');
  mkdirSync(dir, { recursive: true });
  const callerPorts = await carrierPorts(side, options.apps.ringingCallers.length);
  const musicClass = await defaultMusicClass(side, options.promptFile);
  const member = await addExtension(side, MEMBER_NUMBER);
  const uasPort = await freeSipPort();
  const registered = await registerCallee(side.target, member.account, options.scenarios.register, uasPort, dir);
  if (registered !== undefined) throw new Error(`REGISTER of ${member.account.authUser} failed: ${registered}`);
  const uas = startUas({ scenario: options.apps.ringingMember, localPort: uasPort, mediaPort: await freeMediaPort(), aor: member.account.user, sinkPorts: options.sinkPorts, dir, maxSeconds: options.maxSeconds });
  try {
    const list = rowOf(JSON.stringify(await addRow(side, 'huntlist', { hu_name: 'Bench ring group', hu_number: '600', hu_type: 'RINGALL', hu_ringtime: HUNT_RING_S, hu_usemoh: 'on' })), 'hu_id');
    await setSlot(side, 'HUNTLIST', list, [`EXT-${member.id}`]);
    await didTo(side, HUNT_DID, `HUNTLIST-${list}`);
    console.log(`bench: Callgrid ring group HUNTLIST-${list} (RINGALL, hu_usemoh on, music class ${musicClass}) on DID ${HUNT_DID}; member ${MEMBER_NUMBER} rings on udp 127.0.0.1:${uasPort} and never answers`);
  } catch (error) {
    await uas.stop();
    throw error;
  }
  const driver = carrierCallerDriver({
    target: side.target, callerScenarios: options.apps.ringingCallers, callerPorts, caller: side.caller, dial: HUNT_DID, dir, sinkMode: 'listen',
    check: async () => {
      const errors = uas.errors();
      return { problems: errors.length > 0 ? [`the ringing member saw: ${errors.join('; ')}`] : [], notes: [] };
    },
  });
  // A list that does not play music relays the member's 180 and no 183 comes: the caller's wait for it times out.
  const notBuilt = (broken: string) => (/receive timeout/i.test(broken) ? 'hu_usemoh: no 183 with music came while the member rang' : undefined);
  return { driver, stop: () => uas.stop(), notBuilt };
}

/**
 * (f) hold: extension 100 calls extension 103 (bench/calls' callee UAS, answering with a sink port) and holds the
 * call at once (re-INVITE a=sendonly, app-scenarios.ts); Callgrid answers the re-INVITE itself and plays the held
 * party the tenant's default class: one relay source for the class, fanned out to every held party.
 */
export async function callgridHold(side: CallgridSide, options: AppPartOptions): Promise<Driver> {
  const dir = join(options.dir, 'hold');
  mkdirSync(dir, { recursive: true });
  const musicClass = await defaultMusicClass(side, options.promptFile);
  const held = await addExtension(side, HELD_NUMBER);
  console.log(`bench: Callgrid: 100 calls ${HELD_NUMBER} and holds it; ${HELD_NUMBER} hears music class ${musicClass} (the tenant's default)`);
  return twoPartyDriver({
    target: side.target, caller: side.caller, callee: held.account, dial: HELD_NUMBER, scenarios: { ...options.scenarios, uac: options.apps.holdingCaller },
    sinkPorts: options.sinkPorts, dir, maxSeconds: options.maxSeconds, sinkMode: 'listen',
  });
}
