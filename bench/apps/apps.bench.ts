// Apps benchmark: "the PBX as a party". How many concurrent calls a server holds when it is itself one end of each
// call, (a) answering the caller and playing a prompt in a loop while listening for a key, (b) relaying two-party
// calls while recording them, (d) running a voice menu, (e) playing music to callers while a ring group rings,
// (f) playing music on hold to held parties, against (c) its plain relayed two-party calls in the same run. Two
// servers, one at a time, all on 127.0.0.1: Callgrid, and rtpengine (Debian's 10.5, userspace) as the peer.
// Benchmarks are not tests: it prints figures, it asserts nothing.
//
// Run: npm run bench:apps      Quick run (about 2 minutes): BENCH_QUICK=1 npm run bench:apps
// Only some parts: BENCH_PARTS=ivr,huntmusic,hold npm run bench:apps
//
// Method
// - (c) relayed: bench/calls' held calls exactly (its scenarios, SIPp runner, Kamailio start): caller 100 streams a
//   tone with rtp_stream through the server to callee 101 (a SIPp UAS whose SDP names a sink port); the sink echoes.
//   Peer: Kamailio + rtpengine as bench/calls starts them.
// - (a) playing: SIPp calls a number the server answers itself (caller-scenario.ts): INVITE offering PCMU and
//   telephone-event with a sink port as media address, 200, ACK, hold, BYE; SIPp sends no RTP. The server plays
//   prompt.ts's WAV (4 s, looped) as 20 ms PCMU packets; after half a second of it the sink presses one key (RFC 4733)
//   back at the server, which must hear it. One leg per call against (c)'s two.
//   Peer: media-server-uas.ts, a minimal SIP UAS in this process, answers and drives rtpengine over the ng protocol
//   (the product's own client, src/media/rtpengine): `offer` + `answer` (the PBX endpoint's media address is a
//   discard socket), `play media` {file, repeat-times} to the caller's from-tag at the ACK, `delete` at the BYE;
//   rtpengine runs with --dtmf-log-dest pointing at this process, which counts the calls whose key rtpengine reported.
// - (b) recorded: (c) with recording on. Peer: Kamailio + rtpengine with `record-call=yes` on rtpengine_manage() and
//   --recording-method=pcap (10.5's `proc` method needs the kernel module); each call must leave a pcap with packets
//   in it. (Callgrid decodes and mixes to WAV, more work than a packet dump.)
// - (d) ivr: the callers of (a), to a number whose slot is a menu; the menu plays its welcome prompt, the sink presses
//   its key after half a second of it, the key leads to PLAYBACK of the prompt repeated past the end of the call.
//   Each call must leave one choice of that key in the server's log. Peer: rtpengine has no menu; its row is (a)'s
//   measurement (play media, the key reported by rtpengine), made again only when (a) was not run.
// - (e) huntmusic: a carrier's callers (app-scenarios.ts) to a number whose slot is a ring group whose one member rings
//   and never answers, with music instead of ringback: the caller gets 183 with the music as early media, listens for
//   the hold time (the sink presses nothing, sends nothing), then CANCELs. The member's ring time outlasts the call.
// - (f) hold: caller 100 calls a callee (bench/calls' UAS, answering with a sink port) and holds it at once
//   (re-INVITE a=sendonly); the held party's sink listens to the music on hold for the hold time; the caller sends
//   no RTP. Peers: rtpengine has no ring group and no shared source. For (e), media-server-uas.ts in early mode: the
//   same ringing callers get 183 with rtpengine's SDP and `play media` at once, and their CANCEL gets 200 + 487 and
//   ng `delete`. For (f), (a)'s peer with nobody pressing keys: `play media` per answered call, one player each.
// - Measure (timing-sink.ts, forked processes): per stream packets, loss (sequence gaps) and lateness: late = more
//   than 40 ms behind first-packet arrival + (timestamp - first timestamp) / 8 ms, the schedule starting again at a
//   packet with the marker bit (a new talkspurt: the ivr's choice after its menu; the line shows how many and the
//   longest pause before one, which only the ivr has). A level N passes when all N calls
//   succeed, all N streams are up at once, loss < BENCH_MAX_LOSS_PERCENT and late < BENCH_MAX_LATE_PERCENT, and the
//   server's own check holds (a key heard per playing call, a recording per recorded call, the key in the IVR log
//   per ivr call). Levels rise until one fails; the figure is the highest passed. Every process's CPU
//   (/proc/<pid>/stat) is sampled while all N calls are up and printed, SIPp's included, so a saturated load
//   generator shows.
// - Goals (Callgrid): playing endpoints >= 1.0x its relayed calls, recorded calls >= 0.7x.
//
// The Callgrid half (callgrid-side.ts), started with the tenant share and per-extension caps off
// (CALLGRID_TENANT_CALL_SHARE_PERCENT=100, CALLGRID_EXTENSION_MAX_CALLS=0, as bench/calls) and an RTP port range of
// 8 ports per call of the top level (at least 10,000):
// - relayed: bench/calls' calls through extension 100 -> 101.
// - playing: a DID (5550100) whose slot is `PLAYBACK-<me_id>` (MANAGEDB destination replace, typesrc DID); the media
//   file holds prompt.ts's prompt repeated back to back past the longest call (PLAYBACK plays a file once, then the
//   PBX hangs up; SIPp's BYE must come first), uploaded with `updatebinary`. The SIPp callers are the peer's, each
//   from a fixed port that a provider names (host = the first, pr_match = the others), so they are a carrier calling
//   a DID. Callgrid answers (200, one G.711 law + telephone-event) and its relay's worker plays the file. The key the
//   sink presses is not checked: Callgrid has no per-call key counter yet; its row says so instead of failing.
//   The provider is made once (callgrid-side.ts carrierPorts); the ivr and huntmusic callers come from its ports too.
// - recorded: the relayed calls once extension 101's ex_recording is 'yes' (MANAGEDB extension update; 101's stale
//   binding from the relayed part dropped first with UNREGISTER). Callgrid records each call from its answer, mixed
//   mono 8 kHz 16-bit WAV, into <dataDir>/tenants/<id>/recordings/<day>/<uniqueid>.wav and patches the header at the
//   BYE. Each step wants, among the .wav files that appeared during it, one per answered call larger than the 44-byte
//   header and not silent in its middle second (wav-recordings.ts); its line also shows unpatched headers and the
//   audio held against the calls' length.
// - ivr (callgrid-apps.ts): DID 5550300's slot is `IVR-<iv_id>`; IVR_MEDIAFILE is the 4 s prompt, iv_timeout 2 s,
//   iv_loopontimeout on and iv_maxloops enough rounds to outlast the longest call (Callgrid's bound is 20); IVR_5
//   (the sink's key) is PLAYBACK of the repeated prompt. Each step reads INFO ivrlogs and wants a KEY 5 row per call.
// - huntmusic: DID 5550400's slot is `HUNTLIST-<hu_id>`: RINGALL, hu_usemoh on, hu_ringtime 300, one member,
//   extension 102, registered from a SIPp UAS that answers every INVITE 180 and a CANCEL 200 + 487. The music is the
//   tenant's default class (musiconhold mu_default on; its MUSICONHOLD slot is PLAYBACK of the 4 s prompt), which
//   the relay plays as one shared source. The audio is not analysed: without music Callgrid passes the member's 180
//   on, with no media, so RTP at the caller's sink is the music. A list that plays no music (hu_usemoh not built)
//   sends no 183, the warm-up call's wait for it times out, and the row says "not built yet" instead of failing.
// - hold: extension 100 calls extension 103 (registered from bench/calls' UAS); Callgrid answers the sendonly
//   re-INVITE itself (recvonly) and plays 103 the tenant's default class, one relay source fanned out to every held
//   party.
//
// Environment knobs
//   BENCH_SERVERS=rtpengine,callgrid   BENCH_PARTS=relayed,playing,recorded,ivr,huntmusic,hold
//   BENCH_CONCURRENCY=100,250,500   BENCH_HOLD_SECONDS=15   BENCH_SETUP_RATE=50   BENCH_PROMPT_SECONDS=4
//   BENCH_MAX_LOSS_PERCENT=0.1   BENCH_MAX_LATE_PERCENT=0.5   BENCH_GOAL_PLAYING=1.0   BENCH_GOAL_RECORDED=0.7
//   BENCH_KAMAILIO_CHILDREN=4   BENCH_RTPENGINE_THREADS=2   BENCH_SINK_PROCESSES=2
//   BENCH_QUICK=1: levels 20,40 held 1 s (explicit knobs still win): a check that every part works, not figures
//   BENCH_CALLGRID_NODE_ARGS='--cpu-prof ...'   BENCH_CALLGRID_ENV='CALLGRID_X=1,CALLGRID_Y=2'   BENCH_KEEP=1 (keep the work dir)
//
// Needs the Debian packages sip-tester, kamailio, kamailio-sqlite-modules and rtpengine-daemon (apt-get install -y
// --no-install-recommends rtpengine-daemon; rtpengine-recording-daemon is not used: it needs the kernel module).
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeScenarios } from '../calls/scenarios.ts';
import { guardRun } from '../shared/bench-run.ts';
import { checkRtpengine } from '../shared/rtpengine.ts';
import { stopAllSipp } from '../shared/sipp-process.ts';
import { checkSipp } from '../sip/sipp-register.ts';
import { writeAppScenarios } from './app-scenarios.ts';
import { writeCallerScenarios } from './caller-scenario.ts';
import { callgridServer } from './callgrid-server.ts';
import type { BenchRun } from './part.ts';
import { writePrompt } from './prompt.ts';
import { printSummary, type ServerOutcomes } from './report.ts';
import { rtpengineServer } from './rtpengine-server.ts';
import { CALL_KINDS, QUICK, budgetMs, settings, stepSettings } from './settings.ts';
import { TimingSink } from './timing-sink.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

const workDir = mkdtempSync(join(tmpdir(), 'callgrid-bench-apps-'));
const stoppers = new Set<() => Promise<unknown>>();
let sink: TimingSink | undefined;
const cleanup = async () => {
  stopAllSipp();
  await Promise.allSettled([...stoppers].map((stop) => stop()));
  await sink?.stop();
  if (process.env.BENCH_KEEP === '1') console.log(`bench: work directory kept: ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
};
const guarded = guardRun({ cleanup, budgetMs, stack: true });

async function main(): Promise<number> {
  checkSipp();
  if (settings.servers.has('rtpengine')) checkRtpengine();
  const [load = 0] = loadavg();
  if (load > availableParallelism() / 2) console.log(`bench: note: load average ${load.toFixed(1)} on ${availableParallelism()} CPUs; other work competes with this run`);
  const scenarios = writeScenarios(workDir);
  const promptFile = join(workDir, 'prompt.wav');
  writePrompt(promptFile, settings.promptSeconds);
  sink = await TimingSink.start(settings.sinkProcesses);
  const callerScenarios = writeCallerScenarios(workDir, sink.ports);
  const apps = writeAppScenarios(workDir, sink.ports);
  const run: BenchRun = { sink, workDir, stoppers };
  console.log(`bench: RTP sinks on udp 127.0.0.1:${sink.ports.join(',')}; levels ${settings.levels.join(', ')} held ${settings.holdSeconds} s; parts ${[...settings.parts].join(', ')}${QUICK ? ' (quick)' : ''}`);
  const skipped = Object.fromEntries(CALL_KINDS.map((kind) => [kind, { kind: 'skipped' }])) as unknown as ServerOutcomes;
  const rtpengine = settings.servers.has('rtpengine') ? await rtpengineServer(run, scenarios, callerScenarios, apps, promptFile) : skipped;
  const callgrid = settings.servers.has('callgrid') ? await callgridServer(run, REPO, scenarios, callerScenarios, apps, promptFile) : skipped;
  printSummary(
    [
      ['rtpengine (+ Kamailio: c, b)', rtpengine],
      ['Callgrid', callgrid],
    ],
    { ...stepSettings, levels: settings.levels },
    settings.goals,
  );
  const [after = 0] = loadavg();
  console.log(`load average at the end: ${after.toFixed(2)} (${availableParallelism()} CPUs)`);
  return 0;
}

await guarded.finish(main);
