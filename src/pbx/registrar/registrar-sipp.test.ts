// A real SIP UAC against the registrar: SIPp (Debian `sip-tester`) sends REGISTER over loopback UDP, gets the 401,
// answers the digest challenge itself ([authentication]) and expects 200. Skipped, saying so, without sipp.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SIPP_DEADLINE_MS, runSipp, skipWithoutSipp } from '../../../test/support/sipp.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, systemClock } from '../../shared/index.ts';
import { DigestAuthenticator, SipStack } from '../../sip/index.ts';
import { InMemoryBindingStore } from './in-memory-binding-store.ts';
import { Registrar } from './registrar.ts';
import { REALM, SHARED_DOMAIN, directory, domainPolicy } from './registrar-rig.test-support.ts';

const SKIP = skipWithoutSipp('SIPp REGISTER test');

const SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="callgrid-register">
  <send retrans="500">
    <![CDATA[
      REGISTER sip:${SHARED_DOMAIN} SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:100-ACME@${SHARED_DOMAIN}>;tag=[pid]SIPpTag[call_number]
      To: <sip:100-ACME@${SHARED_DOMAIN}>
      Call-ID: [call_id]
      CSeq: 1 REGISTER
      Contact: <sip:100-ACME@[local_ip]:[local_port]>
      Expires: 300
      Max-Forwards: 70
      User-Agent: SIPp
      Content-Length: 0

    ]]>
  </send>
  <recv response="401" auth="true" timeout="5000" />
  <send retrans="500">
    <![CDATA[
      REGISTER sip:${SHARED_DOMAIN} SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:100-ACME@${SHARED_DOMAIN}>;tag=[pid]SIPpTag[call_number]
      To: <sip:100-ACME@${SHARED_DOMAIN}>
      Call-ID: [call_id]
      CSeq: 2 REGISTER
      Contact: <sip:100-ACME@[local_ip]:[local_port]>
      Expires: 300
      [authentication username=100-ACME password=acme-100-pw]
      Max-Forwards: 70
      User-Agent: SIPp
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" timeout="5000" />
</scenario>
`;

let stack: SipStack;
let registrar: Registrar;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callgrid-sipp-register-'));
  writeFileSync(join(dir, 'register.xml'), SCENARIO);
  const authenticator = new DigestAuthenticator({ secret: 'registrar sipp test: secret bytes', clock: systemClock });
  stack = await SipStack.start(
    { udp: { host: '127.0.0.1', port: 0 }, clock: systemClock, logger: silentLogger, allow: ['REGISTER', 'OPTIONS'], userAgent: 'callgrid-test' },
    { onRequest: (transaction, request, source) => void registrar.handleRegister(transaction, request, source) },
  );
  registrar = new Registrar(
    { stack, authenticator, accounts: directory, domains: domainPolicy, store: new InMemoryBindingStore(), clock: systemClock, logger: silentLogger },
    { realm: REALM, nodeName: 'node-a' },
  );
});

after(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('SIPp registers 100-ACME over UDP with digest authentication', { skip: SKIP, timeout: SIPP_DEADLINE_MS + 5000 }, async () => {
  const local = stack.localEndpoint('udp') ?? assert.fail('no udp transport');
  const args = [`${local.address}:${local.port}`, '-sf', 'register.xml', '-m', '1', '-i', '127.0.0.1', '-t', 'u1'];
  // SIPp's digest uri defaults to remote_ip:remote_port; -auth_uri makes it the Request-URI, as RFC 2617 §3.2.2.5
  // wants (a mismatch is answered 400 and counted as a failed answer).
  const bounds = ['-nostdin', '-timeout', '10s', '-timeout_error', '-recv_timeout', '5000'];
  const { code, output } = await runSipp([...args, ...bounds, '-auth_uri', SHARED_DOMAIN], dir);
  assert.equal(code, 0, `sipp failed (exit ${String(code)}):\n${output.slice(-2000)}`);
  const bindings = await registrar.bindings(1);
  assert.equal(bindings.length, 1);
  assert.equal(bindings[0]?.userAgent, 'SIPp');
  assert.equal(bindings[0]?.source.address, '127.0.0.1');
  assert.match(bindings[0]?.contactUri ?? '', /^sip:100-ACME@127\.0\.0\.1:\d+$/);
});
