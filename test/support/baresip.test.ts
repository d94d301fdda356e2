// Self-test of the baresip driver against SIPp on the host side of a test network, without Callgrid:
// registration (200 and 403), re-registration, a call with hangup, and a timeout that names the log.
// Skipped, saying why, without root/netns, baresip or sipp.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipWithoutBaresip, startBaresip, type BaresipPhone } from './baresip.ts';
import { createTestNetwork, skipWithoutNetns, type TestNetwork } from './netns.ts';
import { SIPP, skipWithoutSipp } from './sipp.ts';

const SKIP = skipWithoutSipp('baresip driver self-test') || skipWithoutBaresip('baresip driver self-test') || skipWithoutNetns('baresip driver self-test');

/** A registrar that answers every REGISTER (the initial one, refreshes, un-REGISTERs) with `status`, echoing Contact. */
const registrar = (status: string): string => `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="registrar ${status}">
  <label id="top"/>
  <recv request="REGISTER" />
  <send next="top">
    <![CDATA[
      SIP/2.0 ${status}
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      [last_Contact:]
      [last_Expires:]
      Content-Length: 0

    ]]>
  </send>
</scenario>
`;

interface Sipp {
  output(): string;
  messages(): string;
  /** `promise`, or its error with SIPp's last output appended (SIPp's side of a failure). */
  explain<T>(promise: Promise<T>): Promise<T>;
  /** Its exit code, or null if it had to be killed at the deadline. */
  exit(timeoutMs: number): Promise<number | null>;
  kill(): void;
}

let net: TestNetwork;
let dir: string;
const phones: BaresipPhone[] = [];
const sipps: Sipp[] = [];

/**
 * SIPp as a UAS on the host end of the veth, with its own 60 s limit besides ours. Each gets its own media
 * ports: SIPp binds -mp and -mp + 2, and one that cannot bind them never answers.
 */
function startSipp(label: string, port: number, scenario: string[]): Sipp {
  const messageFile = join(dir, `${label}-messages.log`);
  const child = spawn(SIPP ?? 'sipp', [...scenario, '-i', net.hostAddress, '-p', String(port), '-mp', String(20_000 + (port % 100) * 10), '-timeout', '60s', '-nostdin', '-trace_msg', '-message_file', messageFile], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const sipp: Sipp = {
    output: () => output,
    messages: () => {
      try {
        return readFileSync(messageFile, 'utf8');
      } catch {
        return '';
      }
    },
    explain: (promise) =>
      promise.catch((error: unknown) => {
        throw new Error(`${error instanceof Error ? error.message : String(error)}\nSIPp ${label}:\n${output.slice(-1500)}`);
      }),
    exit: (timeoutMs) => Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs))]),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  sipps.push(sipp);
  return sipp;
}

async function phone(name: string, sipPort: number, registrarPort: number, regint = 60): Promise<BaresipPhone> {
  const started = await startBaresip({
    net,
    name,
    sipPort,
    safetySeconds: 60,
    account: { username: '100-ACME', password: 'pw', domain: net.hostAddress, port: registrarPort, transport: 'udp', regint },
  });
  phones.push(started);
  return started;
}

before(async () => {
  if (SKIP) return;
  dir = mkdtempSync(join(tmpdir(), 'callgrid-baresip-selftest-'));
  writeFileSync(join(dir, 'registrar-200.xml'), registrar('200 OK'));
  writeFileSync(join(dir, 'registrar-403.xml'), registrar('403 Forbidden'));
  // One namespace shared by all phones of this file, on different ports.
  net = await createTestNetwork('bsip');
});

after(async () => {
  await Promise.all(phones.map((p) => p.stop()));
  for (const sipp of sipps) sipp.kill();
  await net?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a phone in the namespace registers with SIPp on the host and re-registers on demand', { skip: SKIP, timeout: 30_000 }, async () => {
  const sipp = startSipp('reg200', 5060, ['-sf', 'registrar-200.xml']);
  const alice = await phone('alice', 5070, 5060);
  const ok = await sipp.explain(alice.waitForRegistration({ timeoutMs: 5000 }));
  assert.equal(ok.type, 'REGISTER_OK');
  assert.equal(ok.param, '200 OK');
  assert.equal(ok.accountaor, `sip:100-ACME@${net.hostAddress}:5060`);
  assert.match(sipp.messages(), new RegExp(`Contact: <sip:100-ACME-[^@]+@${net.phoneAddress.replaceAll('.', '\\.')}:5070>;expires=60`));

  await alice.reregister({ settleMs: 300 });
  const again = await sipp.explain(alice.waitForRegistration({ timeoutMs: 5000 }));
  assert.notEqual(again, ok, 'a second REGISTER_OK, not the first one again');
  assert.equal(sipp.messages().match(/^REGISTER sip:/gm)?.length, 3, 'REGISTER, un-REGISTER (uadel), REGISTER (uanew)');
  assert.match(sipp.messages(), /;expires=0/);

  // The registrar goes away first: baresip's un-REGISTER on quit is never answered, yet stop() stays bounded.
  sipp.kill();
  const stopping = Date.now();
  await alice.stop();
  assert.ok(Date.now() - stopping < 6000, `stop took ${Date.now() - stopping} ms`);
  assert.throws(() => process.kill(alice.pid, 0), /ESRCH/, 'no baresip left behind');
});

test('a 403 from the registrar rejects waitForRegistration with the reason and the log path', { skip: SKIP, timeout: 30_000 }, async () => {
  const sipp = startSipp('reg403', 5062, ['-sf', 'registrar-403.xml']);
  const bob = await phone('bob', 5072, 5062);
  await assert.rejects(bob.waitForRegistration({ timeoutMs: 5000 }), (error: Error) => {
    assert.match(error.message, /REGISTER_FAIL for sip:100-ACME@[\d.]+:5062: 403 Forbidden/);
    assert.match(error.message, /\(log: \/.*baresip\.log\)/);
    return true;
  });
  await bob.stop();
  sipp.kill();
  rmSync(bob.dir, { recursive: true, force: true }); // kept by the driver because a wait failed, on purpose here
});

test('a phone dials SIPp, the call is established and hung up', { skip: SKIP, timeout: 30_000 }, async () => {
  // The built-in uas scenario: INVITE -> 180, 200 (SDP) <- ACK, BYE -> 200; -m 1 ends SIPp after that call.
  const sipp = startSipp('uas', 5064, ['-sn', 'uas', '-m', '1']);
  const carol = await phone('carol', 5074, 5064, 0);
  await carol.dial(`sip:101@${net.hostAddress}:5064`);
  const established = await sipp.explain(carol.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 5000 }));
  assert.equal(established.peeruri, `sip:101@${net.hostAddress}:5064;transport=udp`);
  await carol.hangup();
  const closed = await sipp.explain(carol.waitForEvent('CALL_CLOSED', { timeoutMs: 5000 }));
  assert.equal(closed.param, 'Connection reset by user');
  assert.equal(await sipp.exit(5000), 0, `SIPp saw the whole call:\n${sipp.output().slice(-2000)}`);
  assert.ok(!carol.events.some((e) => e.type === 'REGISTERING'), 'regint=0 does not register');
  await carol.stop();
});

test('a wait that times out says what arrived and where the log is', { skip: SKIP, timeout: 30_000 }, async () => {
  const dave = await phone('dave', 5076, 5066, 0);
  await assert.rejects(dave.waitForEvent('CALL_INCOMING', { timeoutMs: 300 }), /baresip dave: no CALL_INCOMING within 300 ms; events: \(none\) \(log: \/.*baresip\.log\)/);
  assert.match(dave.log(), /baresip is ready/);
  await dave.stop();
  rmSync(dave.dir, { recursive: true, force: true }); // kept by the driver because a wait failed, on purpose here

});
