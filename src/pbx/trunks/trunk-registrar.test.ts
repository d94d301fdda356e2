// SIPp (Debian `sip-tester`) as the carrier's registrar against a real SipStack on loopback UDP: it challenges
// with 401, checks our digest answer itself (verifyauth), accepts, and expects Expires 0 when we stop; a second
// carrier answers 403. Skipped, saying so, when sipp is not installed.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SIPP_DEADLINE_MS, runSipp, skipWithoutSipp } from '../../../test/support/sipp.ts';
import { silentLogger, systemClock } from '../../shared/index.ts';
import { SipStack } from '../../sip/index.ts';
import type { SipTrunkTarget } from '../dialplan/index.ts';
import { TrunkRegistrar } from './trunk-registrar.ts';
import type { TrunkStatus } from './trunk-ports.ts';

const SKIP = skipWithoutSipp('SIPp trunk registration test');

const response = (status: string, extra: string) => `
  <send>
    <![CDATA[
      SIP/2.0 ${status}
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      ${extra}
      Content-Length: 0

    ]]>
  </send>`;

// 401 with an MD5 challenge; the answer must carry username="acct" and verify for acct/s3cret (else the
// scenario stops with an error); 200 granting 300 s; then the Expires 0 REGISTER of stop() gets its 200.
const ACCEPTING = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier-registrar">
  <recv request="REGISTER" />
  ${response('401 Unauthorized', 'WWW-Authenticate: Digest realm="carrier.test", nonce="[call_id]x42", algorithm=MD5, qop="auth"')}
  <recv request="REGISTER">
    <action>
      <ereg regexp="Digest username=\\"acct\\"" search_in="hdr" header="Authorization:" check_it="true" assign_to="user" />
      <verifyauth assign_to="authvalid" username="acct" password="s3cret" />
    </action>
  </recv>
  <nop hide="true" test="authvalid" next="accepted" />
  ${response('403 Forbidden', '')}
  <nop hide="true" next="failed" />
  <label id="accepted" />
  ${response('200 OK', '[last_Contact:];expires=300')}
  <recv request="REGISTER">
    <action>
      <ereg regexp="^ *0$" search_in="hdr" header="Expires:" check_it="true" assign_to="zero" />
    </action>
  </recv>
  ${response('200 OK', '')}
  <label id="failed" />
  <timewait milliseconds="200" />
  <Reference variables="user,zero" />
</scenario>
`;

const REFUSING = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier-refusing">
  <recv request="REGISTER" />
  ${response('403 Forbidden', '')}
  <timewait milliseconds="200" />
</scenario>
`;

let stack: SipStack;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callgrid-sipp-trunk-'));
  writeFileSync(join(dir, 'accepting.xml'), ACCEPTING);
  writeFileSync(join(dir, 'refusing.xml'), REFUSING);
  stack = await SipStack.start({ udp: { host: '127.0.0.1', port: 0 }, clock: systemClock, logger: silentLogger, allow: ['OPTIONS'], userAgent: 'callgrid-test' }, {
    onRequest: (transaction) => stack.respond(transaction, 200, 'OK'),
  });
});

after(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A UDP port free right now on loopback, for SIPp to listen on. */
async function freePort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

function target(providerId: number, port: number): SipTrunkTarget {
  return {
    providerId, name: `sipp-${providerId}`, host: '127.0.0.1', port, transport: 'udp', uri: `sip:127.0.0.1:${port}`,
    auth: { username: 'acct', secret: 's3cret' }, registers: true, fromDomain: '127.0.0.1',
    callerId: { number: '', name: '' }, identityHeader: 'none', maxChannels: undefined, codecs: [], qualifySeconds: undefined,
  };
}

/** Runs SIPp, keeping its output at hand for a failure message while the test goes on. */
function startSipp(scenario: string, port: number): { done: Promise<{ code: number | null; output: string }>; output(): string } {
  let finished: { code: number | null; output: string } | undefined;
  const done = runSipp(sippArgs(scenario, port), dir).then((result) => (finished = result));
  return { done, output: () => (finished === undefined ? '(sipp still running)' : `exit ${String(finished.code)}:\n${finished.output.slice(-2000)}`) };
}

async function until(registrar: TrunkRegistrar, providerId: number, done: (s: TrunkStatus) => boolean, sipp: { output(): string }): Promise<TrunkStatus> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = registrar.status(providerId);
    if (status !== undefined && done(status)) return status;
    if (Date.now() > deadline) assert.fail(`provider ${providerId} stayed ${status?.status ?? 'unknown'}; sipp ${sipp.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sippArgs = (scenario: string, port: number) =>
  ['-sf', scenario, '-i', '127.0.0.1', '-p', String(port), '-m', '1', '-t', 'u1', '-nostdin', '-timeout', '12s', '-timeout_error', '-recv_timeout', '10000'];

test('SIPp challenges, verifies our digest, accepts; stop() sends Expires 0', { skip: SKIP, timeout: SIPP_DEADLINE_MS + 5000 }, async () => {
  const port = await freePort();
  const sipp = startSipp('accepting.xml', port);
  await new Promise((resolve) => setTimeout(resolve, 300)); // SIPp binds its socket
  const registrar = new TrunkRegistrar({ stack, directory: { registeringTrunks: async () => [target(1, port)] }, clock: systemClock, logger: silentLogger });
  await registrar.start();
  const registered = await until(registrar, 1, (s) => s.state !== 'registering', sipp);
  assert.equal(registered.status, 'Registered');
  assert.ok(registered.expiresAt !== null && Math.abs(registered.expiresAt.getTime() - Date.now() - 300_000) < 5000, 'the 300 s SIPp granted');
  await registrar.stop();
  assert.equal(registrar.status(1)?.status, 'Unregistered');
  const { code, output } = await sipp.done;
  assert.equal(code, 0, `sipp failed (exit ${String(code)}):\n${output.slice(-2000)}`);
});

test('a carrier answering 403 shows Rejected: 403 Forbidden', { skip: SKIP, timeout: SIPP_DEADLINE_MS + 5000 }, async () => {
  const port = await freePort();
  const sipp = startSipp('refusing.xml', port);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const registrar = new TrunkRegistrar({ stack, directory: { registeringTrunks: async () => [target(2, port)] }, clock: systemClock, logger: silentLogger });
  await registrar.start();
  const status = await until(registrar, 2, (s) => s.state !== 'registering', sipp);
  assert.equal(status.status, 'Rejected: 403 Forbidden');
  assert.equal(status.nextAttemptAt !== null && status.nextAttemptAt.getTime() - Date.now() > 25_000, true, 'retried after 30 s');
  await registrar.stop();
  const { code, output } = await sipp.done;
  assert.equal(code, 0, `sipp failed (exit ${String(code)}):\n${output.slice(-2000)}`);
});
