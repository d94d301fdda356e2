// The Callgrid half of the apps bench: one `callgrid start` (callgrid-side.ts) for every part, in order relayed,
// playing, recorded (callgrid-side.ts), then ivr, huntmusic, hold (callgrid-apps.ts).
import { join } from 'node:path';
import type { Scenarios } from '../calls/scenarios.ts';
import type { AppScenarios } from './app-scenarios.ts';
import { callgridHold, callgridHuntMusic, callgridIvr, type AppPartOptions } from './callgrid-apps.ts';
import { callgridPlaying, callgridRecorded, startCallgridSide, type CallgridSide } from './callgrid-side.ts';
import { twoPartyDriver } from './drivers.ts';
import { part, type BenchRun } from './part.ts';
import type { Outcome, ServerOutcomes } from './report.ts';
import { CALL_KINDS, longestCallSeconds, partMax, settings } from './settings.ts';

export async function callgridServer(run: BenchRun, repo: string, scenarios: Scenarios, callerScenarios: readonly string[], apps: AppScenarios, promptFile: string): Promise<ServerOutcomes> {
  let side: CallgridSide;
  try {
    side = await startCallgridSide({ repo, dir: run.workDir, nodeArgs: settings.nodeArgs, extraEnv: settings.callgridEnv, topLevel: settings.levels[settings.levels.length - 1] ?? 0 });
  } catch (error) {
    const reason = `could not start: ${(error as Error).message}`;
    console.log(`  Callgrid: ${reason}`);
    const failed: Outcome = { kind: 'failed', reason };
    return Object.fromEntries(CALL_KINDS.map((kind) => [kind, settings.parts.has(kind) ? failed : { kind: 'skipped' }])) as unknown as ServerOutcomes;
  }
  const stopPbx = () => side.pbx.stop();
  run.stoppers.add(stopPbx);
  console.log(`bench: Callgrid on ${side.pbx.httpBase} and udp ${side.target.host}:${side.target.port}`);
  const log = () => side.pbx.child.stderr();
  try {
    const dir = join(run.workDir, 'callgrid');
    const sinkPorts = run.sink.ports;
    const relayed = await part(run, 'Callgrid, relayed', 'relayed', async () => ({
      driver: await twoPartyDriver({ target: side.target, caller: side.caller, callee: side.callee, dial: '101', scenarios, sinkPorts, dir, maxSeconds: partMax + 60 }),
      log,
    }));
    const playing = await part(run, 'Callgrid, playing', 'playing', async () => ({
      driver: await callgridPlaying(side, { callerScenarios, promptFile, dir, longestCallSeconds: longestCallSeconds() }),
      log,
    }));
    const recorded = await part(run, 'Callgrid, recorded', 'recorded', async () => ({
      ...(await callgridRecorded(side, { scenarios, sinkPorts, dir, maxSeconds: partMax + 60 })),
      log,
    }));
    const options: AppPartOptions = { dir, promptFile, promptSeconds: settings.promptSeconds, longestCallSeconds: longestCallSeconds(), callerScenarios, apps, scenarios, sinkPorts, maxSeconds: partMax + 60 };
    const ivr = await part(run, 'Callgrid, ivr', 'ivr', async () => ({ driver: await callgridIvr(side, options), log }));
    const huntmusic = await part(run, 'Callgrid, huntmusic', 'huntmusic', async () => ({ ...(await callgridHuntMusic(side, options)), log }));
    const hold = await part(run, 'Callgrid, hold', 'hold', async () => ({ driver: await callgridHold(side, options), log }));
    return { relayed, playing, recorded, ivr, huntmusic, hold };
  } finally {
    const tail = log();
    run.stoppers.delete(stopPbx);
    await stopPbx();
    if (tail.trim()) console.log(`--- Callgrid stderr (tail) ---\n${tail.trim().split('\n').slice(-10).join('\n')}`);
  }
}
