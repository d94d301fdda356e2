// A real SIP peer against the SipStack: SIPp (Debian `sip-tester`) runs a one-call UAC scenario sending
// OPTIONS over loopback UDP and TCP and expects a 200. Skipped, saying so, when sipp is not installed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SIPP_DEADLINE_MS, runSipp, skipWithoutSipp } from '../../../test/support/sipp.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SipRequest } from '../message/index.ts';
import { startStack } from './sip-client.test-support.ts';
import type { SipStack } from './sip-stack.ts';

const SKIP = skipWithoutSipp('SIPp interop test');

const SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="callgrid-options">
  <send retrans="500">
    <![CDATA[
      OPTIONS sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: "sipp" <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 OPTIONS
      Max-Forwards: 70
      User-Agent: SIPp
      Content-Length: [len]

    ]]>
  </send>
  <recv response="200" timeout="5000" />
</scenario>
`;

const reached: SipRequest[] = [];
let stack: SipStack;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callgrid-sipp-'));
  writeFileSync(join(dir, 'options.xml'), SCENARIO);
  stack = await startStack({
    onRequest(transaction, request) {
      reached.push(request);
      stack.respond(transaction, 200, 'OK', stack.capabilityHeaders());
    },
  });
});

after(async () => {
  await stack.close();
  rmSync(dir, { recursive: true, force: true });
});

for (const transport of ['udp', 'tcp'] as const) {
  test(`SIPp sends OPTIONS over ${transport.toUpperCase()} and gets the delegate's 200`, { skip: SKIP, timeout: SIPP_DEADLINE_MS + 5000 }, async () => {
    const local = stack.localEndpoint(transport) ?? assert.fail(`no ${transport} transport`);
    const before = reached.length;
    const args = [`${local.address}:${local.port}`, '-sf', 'options.xml', '-m', '1', '-i', '127.0.0.1', '-t', transport === 'udp' ? 'u1' : 't1'];
    const { code, output } = await runSipp([...args, '-nostdin', '-timeout', '10s', '-timeout_error', '-recv_timeout', '5000'], dir);
    assert.equal(code, 0, `sipp failed (exit ${String(code)}):\n${output.slice(-2000)}`);
    assert.equal(reached.length, before + 1);
    assert.equal(reached.at(-1)?.headers.get('user-agent'), 'SIPp');
  });
}
