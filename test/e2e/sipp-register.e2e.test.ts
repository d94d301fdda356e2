// SIPp (Debian sip-tester) against the real server: register with digest auth, a wrong password answered 401
// again, unregister with Expires: 0, and register again; CHANSIPPEERS follows each step.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSipp, skipWithoutSipp } from '../support/sipp.ts';
import { api, cleanEnv, freePort, spawnChild, stopAll, tempDir, REPO } from './process.ts';

const DOMAIN = 'pbx.example.com';

/** One REGISTER, its 401, the answer with `password`, and the final answer `expect`. */
function scenario(expires: number, password: string, expect: 200 | 401): string {
  const register = (cseq: number, auth: string) => `
  <send retrans="500">
    <![CDATA[
      REGISTER sip:${DOMAIN} SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:100-ACME@${DOMAIN}>;tag=[pid]SIPpTag[call_number]
      To: <sip:100-ACME@${DOMAIN}>
      Call-ID: [call_id]
      CSeq: ${cseq} REGISTER
      Contact: <sip:100-ACME@[local_ip]:[local_port]>
      Expires: ${expires}${auth}
      Max-Forwards: 70
      User-Agent: SIPp
      Content-Length: 0

    ]]>
  </send>`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="register-${expires}-${expect}">${register(1, '')}
  <recv response="401" auth="true" timeout="5000" />${register(2, `\n      [authentication username=100-ACME password=${password}]`)}
  <recv response="${expect}" timeout="5000" />
</scenario>
`;
}

describe('SIPp registers against the real server', { skip: skipWithoutSipp('SIPp e2e registration') }, () => {
  const data = tempDir('callgrid-sipp-');
  let base = '';
  let sipPort = 0;
  let key = '';

  before(async () => {
    const httpPort = await freePort();
    sipPort = await freePort();
    base = `http://127.0.0.1:${httpPort}`;
    const server = spawnChild('callgrid (sipp)', process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'start'], {
      cwd: REPO,
      env: cleanEnv({ CALLGRID_DATA_DIR: data.path, CALLGRID_HTTP_PORT: String(httpPort), CALLGRID_HTTP_HOST: '127.0.0.1', CALLGRID_SIP_PORT: String(sipPort), CALLGRID_DEMO_TENANT: 'ACME', CALLGRID_LOG_LEVEL: 'info' }),
    });
    await server.waitForOutput(/Callgrid listening/, 30_000);
    key = (JSON.parse(readFileSync(join(data.path, 'credentials.json'), 'utf8')) as { adminKey: string }).adminKey;
    const body = new URLSearchParams({ key, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'extension', action: 'add', jsondata: '{"ex_number":"100","secret":"right-pw-100"}' });
    const added = await api(base, {}, { method: 'POST', body });
    assert.equal(added.headers.get('x-callgrid-error'), null, added.text);
    writeFileSync(join(data.path, 'register.xml'), scenario(300, 'right-pw-100', 200));
    writeFileSync(join(data.path, 'wrong.xml'), scenario(300, 'wrong-pw', 401));
    writeFileSync(join(data.path, 'unregister.xml'), scenario(0, 'right-pw-100', 200));
  });

  after(async () => {
    await stopAll();
    data.remove();
  });

  const sipp = async (file: string, digestUri: 'request-uri' | 'sipp-default' = 'request-uri') => {
    // -auth_uri: the digest uri is the Request-URI (RFC 2617 §3.2.2.5); without it SIPp sends sip:<remote ip>:<port>.
    const uri = digestUri === 'request-uri' ? ['-auth_uri', DOMAIN] : [];
    const args = [`127.0.0.1:${sipPort}`, '-sf', file, '-m', '1', '-i', '127.0.0.1', '-t', 'u1', '-nostdin', '-timeout', '10s', '-timeout_error', ...uri];
    const { code, output } = await runSipp(args, data.path);
    assert.equal(code, 0, `sipp ${file} failed (exit ${String(code)}):\n${output.slice(-2000)}`);
  };
  const peers = async () => {
    const answer = await api(base, { key, tenant: 'ACME', reqtype: 'CHANSIPPEERS', format: 'json' });
    return (JSON.parse(answer.text) as Array<{ Name: string; Host: string }>).map((p) => `${p.Name}@${p.Host}`);
  };

  test('register: 401, digest answer, 200; the peer is listed', async () => {
    await sipp('register.xml');
    assert.deepEqual(await peers(), ['100-ACME@127.0.0.1']);
  });

  test('a wrong password gets 401 again and changes nothing', async () => {
    await sipp('wrong.xml');
    assert.deepEqual(await peers(), ['100-ACME@127.0.0.1']);
  });

  test('after the 49 RFC 4475 torture messages the server still registers a phone', async () => {
    const dir = join(REPO, 'test/fixtures/rfc4475');
    const files = readdirSync(dir).filter((f) => f.endsWith('.dat'));
    assert.equal(files.length, 49);
    const socket = createSocket('udp4');
    try {
      for (const file of files) {
        await new Promise<void>((resolve, reject) => socket.send(readFileSync(join(dir, file)), sipPort, '127.0.0.1', (error) => (error ? reject(error) : resolve())));
      }
    } finally {
      socket.close();
    }
    await sipp('unregister.xml');
    await sipp('register.xml');
    assert.deepEqual(await peers(), ['100-ACME@127.0.0.1']);
  });

  test('Expires: 0 unregisters; a new REGISTER registers again', async () => {
    await sipp('unregister.xml');
    assert.deepEqual(await peers(), []);
    await sipp('register.xml');
    assert.deepEqual(await peers(), ['100-ACME@127.0.0.1']);
  });

  test("SIPp's default digest uri (its remote address, not the Request-URI) registers too", async () => {
    await sipp('unregister.xml', 'sipp-default');
    assert.deepEqual(await peers(), []);
    await sipp('register.xml', 'sipp-default');
    assert.deepEqual(await peers(), ['100-ACME@127.0.0.1']);
  });
});
