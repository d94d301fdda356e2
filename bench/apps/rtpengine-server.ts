// The rtpengine half of the apps bench: Kamailio + rtpengine relaying (relayed) and recording (recorded) bench/calls'
// two-party calls, and rtpengine alone behind media-server-uas.ts playing a file to each caller (playing). It has no
// menu, ring group or shared music source, so: its ivr row is the playing measurement (play media, key reported by
// rtpengine); huntmusic is play media as early media (183, then the caller's CANCEL), the same callers as
// Callgrid's; hold is play media to each answered caller with nobody pressing keys, one player per call.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startKamailioProxy } from '../calls/kamailio-proxy.ts';
import type { Scenarios } from '../calls/scenarios.ts';
import { startBenchRtpengine, type BenchRtpengine } from '../shared/rtpengine.ts';
import type { AppScenarios } from './app-scenarios.ts';
import { freeSipPort } from '../sip/udp.ts';
import { RecordingCounter, rtpenginePlayingDriver, twoPartyDriver } from './drivers.ts';
import { MediaServerUas } from './media-server-uas.ts';
import { measure, part, type BenchRun, type Started } from './part.ts';
import type { Outcome, ServerOutcomes } from './report.ts';
import { partMax, settings } from './settings.ts';

const password = () => `Pw${randomBytes(6).toString('hex')}`;

/** What the peer's ivr, huntmusic and hold rows stand for (printed under the table). */
export const PEER_NOTES = {
  ivr: 'play media per call, key reported by rtpengine (no menu: the playing measurement)',
  huntmusic: 'play media per call as early media after a 183, until the CANCEL (no ring group, nobody rung)',
  hold: 'play media per answered call, one player each (no hold, no shared source)',
} as const;

export async function rtpengineServer(run: BenchRun, scenarios: Scenarios, callerScenarios: readonly string[], apps: AppScenarios, promptFile: string): Promise<ServerOutcomes> {
  const caller = { user: '100', authUser: '100', password: password() };
  const callee = { user: '101', authUser: '101', password: password() };
  const users = [caller, callee].map((a) => ({ username: a.authUser, password: a.password }));
  const twoParty = async (sub: string, recorded: boolean): Promise<Started> => {
    const dir = join(run.workDir, sub);
    mkdirSync(dir);
    const spoolDir = join(dir, 'spool');
    const proxy = await startKamailioProxy({ dir, users, children: settings.kamailioChildren, rtpengineThreads: settings.rtpengineThreads, ...(recorded ? { recordTo: spoolDir } : {}) });
    console.log(`bench: ${proxy.describe}; SIP on udp 127.0.0.1:${proxy.port}`);
    try {
      const driver = await twoPartyDriver({
        target: { host: proxy.host, port: proxy.port }, caller, callee, dial: '101', scenarios, sinkPorts: run.sink.ports, dir, maxSeconds: partMax + 60,
        // An rtpengine pcap holds a 24-byte file header before any packet.
        ...(recorded ? { recordings: new RecordingCounter(join(spoolDir, 'pcaps'), 24) } : {}),
      });
      return { driver, stop: () => proxy.stop(), log: () => proxy.log() };
    } catch (error) {
      await proxy.stop();
      throw error;
    }
  };
  /**
   * rtpengine playing the prompt to each caller; `keys`: the sink presses one and rtpengine must report it; `early`:
   * as early media to the ringing callers of app-scenarios.ts.
   */
  const playing = (sub: string, options: { keys: boolean; early?: boolean; caveat?: string }) => async (): Promise<Started> => {
    const dir = join(run.workDir, sub);
    mkdirSync(dir);
    // Loop "until BYE": more repeats than any call can use.
    const uas = await MediaServerUas.start({ sipPort: await freeSipPort(), promptFile, repeatTimes: 10_000, early: options.early ?? false });
    let rtpengine: BenchRtpengine;
    try {
      rtpengine = await startBenchRtpengine({ dir, threads: settings.rtpengineThreads, extraArgs: [`--dtmf-log-dest=127.0.0.1:${uas.dtmfLogPort}`] });
    } catch (error) {
      uas.close();
      throw error;
    }
    uas.useRtpengine(rtpengine.ng);
    console.log(`bench: ${rtpengine.describe}; its SIP UAS on udp 127.0.0.1:${uas.port}`);
    const driver = rtpenginePlayingDriver({
      uas, callerScenarios: options.early ? apps.ringingCallers : callerScenarios, caller, dial: '5550100', dir, keys: options.keys, ...(options.caveat ? { caveat: options.caveat } : {}),
    });
    return {
      driver,
      stop: async () => {
        uas.close();
        await rtpengine.stop();
      },
      log: () => rtpengine.log(),
    };
  };
  const relayed = await part(run, 'Kamailio + rtpengine, relayed', 'relayed', () => twoParty('kamailio-relayed', false));
  const played = await part(run, 'rtpengine, playing', 'playing', playing('rtpengine-playing', { keys: true }));
  const recorded = await part(run, 'Kamailio + rtpengine, recorded', 'recorded', () => twoParty('kamailio-recorded', true));
  // The ivr row: the playing measurement again when this run made it, else made now.
  const ivr: Outcome = !settings.parts.has('ivr')
    ? { kind: 'skipped' }
    : played.kind === 'skipped'
      ? await measure(run, 'rtpengine, playing (peer of ivr)', 'ivr', playing('rtpengine-ivr', { keys: true, caveat: PEER_NOTES.ivr }))
      : { ...played, ...(played.kind === 'measured' ? { caveat: PEER_NOTES.ivr } : {}) };
  const huntmusic = await part(run, 'rtpengine, playing early media', 'huntmusic', playing('rtpengine-huntmusic', { keys: false, early: true, caveat: PEER_NOTES.huntmusic }));
  const hold = await part(run, 'rtpengine, playing music', 'hold', playing('rtpengine-hold', { keys: false, caveat: PEER_NOTES.hold }));
  return { relayed, playing: played, recorded, ivr, huntmusic, hold };
}
