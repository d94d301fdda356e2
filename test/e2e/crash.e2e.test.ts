// End-to-end: a node killed with SIGKILL in the middle of an answered call. Started again on the same data folder
// and SIP port, it must send BYE to both phones (SIPp as caller 100 and callee 101) and INFO cdrs must hold the
// call, ended at the last heartbeat: no longer than it was up, and no shorter than that less the heartbeat interval.
// Its own server start: killing the shared one (pbx-server.ts) would break every other case of its suite.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSipp, skipWithoutSipp } from '../support/sipp.ts';
import { DEFAULT_HEARTBEAT_MS } from '../../src/pbx/calls/live-call-journal.ts';
import { CALLEE, CALLER } from '../../src/pbx/calls/b2bua-sipp.test-support.ts';
import { byeReceived, calleeAnswers, calleeRings, callerAnswered, callerSdp, challengedInvite, scenario } from '../../src/pbx/calls/b2bua-scenarios.test-support.ts';
import { api, cleanEnv, delay, eventually, freePort, spawnChild, stopAll, tempDir, REPO, type Child } from './process.ts';

// Long enough for the phones to wait through the kill and the restart for their BYE.
const SIPP_BOUNDS = ['-nostdin', '-timeout', '28s', '-timeout_error', '-recv_timeout', '20000', '-t', 'u1', '-i', '127.0.0.1', '-mi', '127.0.0.1', '-m', '1'];
/** How long the call stays up before the kill: more than one heartbeat, so the lower bound below can fail. */
const UP_MS = DEFAULT_HEARTBEAT_MS + 3_000;

function register101(): string {
  const request = (cseq: number, auth: string) => `<![CDATA[
REGISTER sip:127.0.0.1 SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: <sip:${CALLEE.username}@127.0.0.1>;tag=[pid]reg[call_number]
To: <sip:${CALLEE.username}@127.0.0.1>
Call-ID: [call_id]
CSeq: ${String(cseq)} REGISTER
Contact: <sip:${CALLEE.username}@[local_ip]:[local_port]>
Expires: 3600${auth}
Max-Forwards: 70
Content-Length: 0

]]>`;
  return scenario('register-101', [
    `  <send retrans="500">${request(1, '')}</send>`,
    '  <recv response="401" auth="true" />',
    `  <send retrans="500">${request(2, `\n[authentication username=${CALLEE.username} password=${CALLEE.password}]`)}</send>`,
    '  <recv response="200" />',
  ]);
}

describe('a node killed mid-call ends the call when it starts again', { skip: skipWithoutSipp('crash recovery e2e') }, () => {
  const data = tempDir('callgrid-crash-');
  after(async () => {
    await stopAll();
    data.remove();
  });

  test('both phones get BYE after the restart; INFO cdrs has the call ended at the last heartbeat', async () => {
    const [httpPort, sipPort, uasPort] = [await freePort(), await freePort(), await freePort()];
    const base = `http://127.0.0.1:${String(httpPort)}`;
    // The same folder and ports each time: the restarted node is the one that was killed.
    const start = async (label: string): Promise<Child> => {
      const child = spawnChild(label, process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'start'], {
        cwd: REPO,
        env: cleanEnv({ CALLGRID_DATA_DIR: data.path, CALLGRID_HTTP_PORT: String(httpPort), CALLGRID_HTTP_HOST: '127.0.0.1', CALLGRID_SIP_PORT: String(sipPort), CALLGRID_NODE_NAME: 'crashnode', CALLGRID_DEMO_TENANT: 'ACME', CALLGRID_LOOKUP_CACHE_SECONDS: '0', CALLGRID_LOG_LEVEL: 'info' }),
      });
      await child.waitForOutput(/Callgrid listening/, 30_000);
      return child;
    };
    const first = await start('callgrid (before the kill)');
    const key = (JSON.parse(readFileSync(join(data.path, 'credentials.json'), 'utf8')) as { adminKey: string }).adminKey;
    for (const ext of [CALLER, CALLEE]) {
      const body = new URLSearchParams({ key, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'extension', action: 'add', jsondata: JSON.stringify({ ex_number: ext.number, ex_name: ext.name, secret: ext.password }) });
      const added = await api(base, {}, { method: 'POST', body });
      assert.equal(added.headers.get('x-callgrid-error'), null, added.text);
    }
    const pbx = `127.0.0.1:${String(sipPort)}`;
    const file = (name: string, xml: string) => (writeFileSync(join(data.path, name), xml), name);
    const registered = await runSipp([pbx, '-sf', file('register.xml', register101()), ...SIPP_BOUNDS, '-p', String(uasPort)], data.path);
    assert.equal(registered.code, 0, registered.output.slice(-2000));

    const callee = runSipp(['-sf', file('uas.xml', scenario('callee', [...calleeRings(), ...calleeAnswers(), ...byeReceived()])), ...SIPP_BOUNDS, '-p', String(uasPort), '-mp', String(await freePort())], data.path, 32_000);
    await delay(300);
    const setUpAt = Date.now();
    const caller = runSipp([pbx, '-sf', file('uac.xml', scenario('caller', [...challengedInvite({ body: callerSdp() }), ...callerAnswered(), ...byeReceived()])), ...SIPP_BOUNDS, '-p', String(await freePort()), '-mp', String(await freePort())], data.path, 32_000);
    await delay(UP_MS);
    first.signal('SIGKILL');
    await first.waitForExit(5_000);
    const upMs = Date.now() - setUpAt;

    await start('callgrid (restarted)');
    const [uas, uac] = await Promise.all([callee, caller]);
    // SIPp exits 0 only when its whole scenario ran: the BYE came and was answered.
    assert.equal(uac.code, 0, `caller got no BYE:\n${uac.output.slice(-2000)}`);
    assert.equal(uas.code, 0, `callee got no BYE:\n${uas.output.slice(-2000)}`);

    type Row = Record<string, string | number>;
    const cdrs = async () => JSON.parse((await api(base, { key, tenant: 'ACME', reqtype: 'INFO', info: 'cdrs', format: 'json' })).text) as Row[];
    await eventually(async () => (await cdrs()).length > 0, 5_000, 'the CDR of the lost call');
    const [row, ...others] = await cdrs();
    assert.equal(others.length, 0, 'one call, one row');
    assert.equal(row?.disposition, 'ANSWERED');
    assert.match(String(row?.userfield), /\[node-restart\]/);
    const duration = Number(row?.duration);
    // Whole seconds, truncated; the call set up (challenge, ring, answer) within the first second of `upMs`.
    assert.ok(duration <= Math.ceil(upMs / 1000), `duration ${String(duration)} s is longer than the ${String(upMs)} ms the call was up`);
    assert.ok(duration >= Math.floor((upMs - DEFAULT_HEARTBEAT_MS) / 1000) - 2, `duration ${String(duration)} s lost more than a heartbeat of the ${String(upMs)} ms`);
  });
});
