// End-to-end: the real `callgrid start` process, started the way the README says
// (`npm start`), on a fresh data directory and a free port of 127.0.0.1, spoken
// to over real HTTP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { createSocket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import {
  BAD_KEY_TEXT,
  BIN,
  REPO,
  answers,
  api,
  cleanEnv,
  delay,
  eventually,
  freePort,
  jsonLogLines,
  spawnChild,
  stopAll,
  tempDir,
  withTimeout,
  type Child,
} from './process.ts';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const KEY = /^[0-9a-f]{64}$/;

/** `npm start` in the repository, as the README's quick start does. */
function npmStart(label: string, env: Record<string, string>): Child {
  return spawnChild(label, 'npm', ['start'], { cwd: REPO, env: cleanEnv(env), tree: true });
}

/** The command `npm start` runs, without npm in between. */
function nodeStart(label: string, env: Record<string, string>): Child {
  return spawnChild(label, process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'start'], { cwd: REPO, env: cleanEnv(env) });
}

const LISTENING = /HTTP API\s+http:\/\/\S+\/pbx\/proxyapi\.php\n[\s\S]*?\n\n/;
const FIRST_START = /Try it:\n\s+curl '[^'\n]+'\n/;

interface Credentials {
  readonly apiUrl: string;
  readonly adminKey: string;
  readonly tenant: { readonly code: string; readonly fullKey: string; readonly readOnlyKey: string } | null;
}

function readCredentials(path: string): Credentials {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  assert.ok(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed), 'credentials.json holds a JSON object');
  return parsed as Credentials;
}

function printedKey(stdout: string, label: RegExp): string {
  const match = new RegExp(`^\\s+${label.source}\\s+([0-9a-f]{64})$`, 'm').exec(stdout);
  assert.ok(match?.[1], `stdout prints ${label}:\n${stdout}`);
  return match[1];
}

/** An out-of-dialog OPTIONS (RFC 3261 §11) from a probe at `via`. */
function sipOptions(port: number, transport: 'UDP' | 'TCP', via: string): string {
  const id = `banner-${transport}-${process.pid}`;
  return [
    `OPTIONS sip:127.0.0.1:${port} SIP/2.0`, `Via: SIP/2.0/${transport} ${via};branch=z9hG4bK${id};rport`, 'Max-Forwards: 70',
    `From: <sip:probe@127.0.0.1>;tag=${id}`, `To: <sip:127.0.0.1:${port}>`, `Call-ID: ${id}`, 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', '',
  ].join('\r\n');
}

/** The first line of the answer to an OPTIONS sent over UDP to 127.0.0.1:`port`. */
function sipOptionsOverUdp(port: number): Promise<string> {
  const socket = createSocket('udp4');
  return new Promise<string>((resolve, reject) => {
    setTimeout(() => reject(new Error(`no answer on UDP ${port}`)), 5_000).unref();
    socket.once('error', reject);
    socket.once('message', (data) => resolve(data.toString('latin1').split('\r\n')[0] ?? ''));
    socket.bind(0, '127.0.0.1', () => socket.send(sipOptions(port, 'UDP', `127.0.0.1:${socket.address().port}`), port, '127.0.0.1'));
  }).finally(() => socket.close());
}

/** The first line of the answer to an OPTIONS sent over a TCP connection to 127.0.0.1:`port`. */
function sipOptionsOverTcp(port: number): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  return new Promise<string>((resolve, reject) => {
    let received = '';
    setTimeout(() => reject(new Error(`no answer on TCP ${port}`)), 5_000).unref();
    socket.once('error', reject);
    socket.once('connect', () => socket.write(sipOptions(port, 'TCP', `127.0.0.1:${socket.localPort ?? 0}`)));
    socket.on('data', (data) => {
      received += data.toString('latin1');
      if (received.includes('\r\n')) resolve(received.split('\r\n')[0] ?? '');
    });
  }).finally(() => socket.destroy());
}

function postForm(base: string, body: Record<string, string>, query: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const qs = new URLSearchParams(query).toString();
  return fetch(`${base}/pbx/proxyapi.php${qs ? `?${qs}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body).toString(),
    signal: AbortSignal.timeout(10_000),
  });
}

describe('npm start: first start, the HTTP API, shutdown and restart', () => {
  const data = tempDir('server');
  const credentialsPath = join(data.path, 'credentials.json');
  let port = 0;
  let base = '';
  let first: Child;
  let firstStdout = '';
  const printed = { admin: '', full: '', readOnly: '', curl: '' };
  let credentialsText = '';
  /** Keys from MANAGEDB tenant add. */
  const acme = { full: '', readOnly: '' };
  const password = 'e2e-pass-Zq7!x';

  // SIP on port 0: the system picks free ports (UDP and TCP apart), which only the running node knows; the banner must tell them.
  const env = () => ({ CALLGRID_DATA_DIR: data.path, CALLGRID_HTTP_PORT: String(port), CALLGRID_HTTP_HOST: '127.0.0.1', CALLGRID_LOG_LEVEL: 'debug', CALLGRID_SIP_PORT: '0' });

  before(async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    first = npmStart('npm start (first)', env());
    await first.waitForOutput(FIRST_START, START_TIMEOUT_MS);
    firstStdout = first.stdout();
  });

  after(async () => {
    await stopAll();
    data.remove();
  });

  test('the first start prints the admin key, the DEMO full and read-only keys and a curl line', () => {
    printed.admin = printedKey(firstStdout, /Admin key/);
    printed.full = printedKey(firstStdout, /Tenant DEMO full key/);
    printed.readOnly = printedKey(firstStdout, /Tenant DEMO read-only key/);
    assert.equal(new Set([printed.admin, printed.full, printed.readOnly]).size, 3, 'three different keys');
    assert.match(firstStdout, new RegExp(`HTTP API\\s+http://127\\.0\\.0\\.1:${port}/pbx/proxyapi\\.php`));
    const curl = /^\s+(curl '([^'\n]+)')$/m.exec(firstStdout);
    assert.ok(curl?.[1] && curl[2], `a curl line:\n${firstStdout}`);
    printed.curl = curl[1];
    const url = new URL(curl[2]);
    assert.equal(url.origin, base);
    assert.equal(url.pathname, '/pbx/proxyapi.php');
    assert.equal(url.searchParams.get('key'), printed.full);
    assert.equal(url.searchParams.get('tenant'), 'DEMO');
    assert.equal(first.stderr(), '', 'nothing on stderr');
  });

  test('the printed curl line works when pasted into a shell', async () => {
    assert.ok(printed.curl, 'curl line printed');
    const output = await new Promise<string>((resolve, reject) => {
      execFile('sh', ['-c', `${printed.curl} --silent --show-error --max-time 10`], { timeout: 15_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    const config = JSON.parse(output) as Record<string, unknown>;
    assert.ok('maxextensions' in config, output);
  });

  test('credentials.json: mode 0600, the documented shape, the printed keys', () => {
    assert.ok(existsSync(credentialsPath), 'credentials.json exists in CALLGRID_DATA_DIR');
    assert.equal(statSync(credentialsPath).mode & 0o777, 0o600);
    credentialsText = readFileSync(credentialsPath, 'utf8');
    const credentials = readCredentials(credentialsPath);
    assert.deepEqual(Object.keys(credentials).sort(), ['adminKey', 'apiUrl', 'tenant']);
    assert.equal(credentials.apiUrl, `${base}/pbx/proxyapi.php`);
    assert.match(credentials.adminKey, KEY);
    assert.equal(credentials.adminKey, printed.admin);
    assert.deepEqual(credentials.tenant, { code: 'DEMO', fullKey: printed.full, readOnlyKey: printed.readOnly });
  });

  test('the banner names where credentials.json really is', () => {
    assert.ok(firstStdout.includes(credentialsPath), `the banner should name ${credentialsPath}:\n${firstStdout}`);
  });

  test('the banner tells where SIP really listens: an OPTIONS to each printed UDP and TCP port is answered 200', async () => {
    const line = /^\s+SIP\s+(.+)$/m.exec(firstStdout)?.[1] ?? '';
    const places = [...line.matchAll(/(\S+):(\d+) ([A-Z]+(?: and [A-Z]+)*)/g)].flatMap((m) => (m[3] ?? '').split(' and ').map((protocol) => ({ protocol, port: Number(m[2]) })));
    const udp = places.find((p) => p.protocol === 'UDP');
    const tcp = places.find((p) => p.protocol === 'TCP');
    assert.ok(udp && tcp && udp.port > 0 && tcp.port > 0, `the banner's SIP line names the bound UDP and TCP ports:\n${line}`);
    assert.match(await sipOptionsOverUdp(udp.port), /^SIP\/2\.0 200 /);
    assert.match(await sipOptionsOverTcp(tcp.port), /^SIP\/2\.0 200 /);
  });

  test('INFO config as json with the DEMO full key', async () => {
    const res = await api(base, { key: printed.full, tenant: 'DEMO', reqtype: 'INFO', info: 'config', format: 'json' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const config = JSON.parse(res.text) as Record<string, unknown>;
    for (const field of ['maxchannels', 'maxextensions', 'maxdids']) assert.ok(field in config, `${field} in ${res.text}`);
  });

  test('a bad key, an unknown tenant and a tenant key without tenant answer the Too bad text with HTTP 200', async () => {
    const cases: Array<Record<string, string>> = [
      { key: 'f'.repeat(64), tenant: 'DEMO', reqtype: 'INFO', info: 'config' },
      { key: printed.full, tenant: 'NOSUCH', reqtype: 'INFO', info: 'config' },
      { key: printed.full, reqtype: 'INFO', info: 'config' },
      { tenant: 'DEMO', reqtype: 'INFO', info: 'config' },
    ];
    for (const params of cases) {
      const res = await api(base, params);
      assert.equal(res.status, 200, JSON.stringify(params));
      assert.equal(res.text, `${BAD_KEY_TEXT}\n`, JSON.stringify(params));
      assert.equal(res.headers.get('x-callgrid-error'), 'bad_key');
    }
    const json = await api(base, { key: 'nope', tenant: 'DEMO', reqtype: 'INFO', info: 'config', format: 'json' });
    assert.equal(JSON.parse(json.text), BAD_KEY_TEXT);
  });

  test('the read-only key is refused on writes, and reads; BALANCE is for the admin key only', async () => {
    const refused = await api(base, { key: printed.readOnly, tenant: 'DEMO', reqtype: 'SETTING', action: 'set', name: 'VMAUTORECOVER', value: 'yes' });
    assert.equal(refused.status, 200);
    assert.equal(refused.headers.get('x-callgrid-error'), 'read_only_key');
    assert.match(refused.text, /read-only/);
    const reads = await api(base, { key: printed.readOnly, tenant: 'DEMO', reqtype: 'INFO', info: 'config', format: 'json' });
    assert.ok('maxextensions' in (JSON.parse(reads.text) as object), reads.text);
    // A tenant crediting its own balance: refused, for the full key too.
    const own = await api(base, { key: printed.full, tenant: 'DEMO', reqtype: 'BALANCE', amount: '5' });
    assert.equal(own.headers.get('x-callgrid-error'), 'admin_required');
    const admin = await api(base, { key: printed.admin, tenant: 'DEMO', reqtype: 'BALANCE', amount: '5' });
    assert.match(admin.text, /^OK\|5(\.0+)?\|/);
  });

  test('HELP answers', async () => {
    const res = await api(base, { key: printed.full, tenant: 'DEMO', reqtype: 'HELP' });
    assert.equal(res.status, 200);
    assert.match(res.text, /reqtype=INFO/);
    assert.match(res.text, /reqtype=MANAGEDB/);
  });

  test('every parameter in an urlencoded POST body works', async () => {
    const res = await postForm(base, { key: printed.full, tenant: 'DEMO', reqtype: 'INFO', info: 'config', format: 'json' });
    assert.equal(res.status, 200);
    assert.ok('maxextensions' in ((await res.json()) as object));
  });

  test('MANAGEDB tenant add with the admin key answers keys that work', async () => {
    const res = await postForm(base, { jsondata: JSON.stringify({ te_code: 'ACME', te_name: 'Acme Ltd' }) }, { key: printed.admin, reqtype: 'MANAGEDB', object: 'tenant', action: 'add' });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const created = JSON.parse(text) as Record<string, unknown>;
    assert.equal(created.te_code, 'ACME', text);
    assert.ok(typeof created.apikey === 'string' && KEY.test(created.apikey), text);
    assert.ok(typeof created.apikey_readonly === 'string' && KEY.test(created.apikey_readonly), text);
    acme.full = created.apikey;
    acme.readOnly = created.apikey_readonly;

    const config = await api(base, { key: acme.full, tenant: 'ACME', reqtype: 'INFO', info: 'config', format: 'json' });
    assert.ok('maxextensions' in (JSON.parse(config.text) as object), config.text);
    const readOnly = await api(base, { key: acme.readOnly, tenant: 'ACME', reqtype: 'SETTING', action: 'set', name: 'VMAUTORECOVER', value: 'yes' });
    assert.equal(readOnly.headers.get('x-callgrid-error'), 'read_only_key');
    const otherTenant = await api(base, { key: acme.full, tenant: 'DEMO', reqtype: 'INFO', info: 'config' });
    assert.equal(otherTenant.text, `${BAD_KEY_TEXT}\n`);

    // a web user, for the password check of the log test
    const user = await postForm(base, { jsondata: JSON.stringify({ us_username: 'alice', us_password: password }) }, { key: printed.admin, reqtype: 'MANAGEDB', object: 'user', action: 'add' });
    assert.equal(user.status, 200, await user.text());
  });

  test('debug log lines are JSON and never hold an API key or a password (query, body, headers)', async () => {
    const marker = `m${Date.now()}`;
    await api(base, { key: printed.full, tenant: 'DEMO', reqtype: 'INFO', info: 'config' });
    await api(base, { tenant: 'DEMO', reqtype: 'INFO', info: 'config' }, { headers: { 'X-API-Key': printed.readOnly } });
    await api(base, { tenant: 'ACME', reqtype: 'INFO', info: 'config' }, { headers: { Authorization: `Bearer ${acme.full}` } });
    await api(base, { key: printed.admin, reqtype: 'CHECKAUTH', username: 'alice', password });
    await api(base, { key: printed.admin, reqtype: 'CHECKAUTH', username: 'alice', Password: password, PASSWORD: password });
    await postForm(base, { key: acme.readOnly, tenant: 'ACME', reqtype: 'INFO', info: 'config' }, { apikey: acme.readOnly });
    await api(base, { key: printed.admin, KEY: printed.admin, reqtype: 'HELP', marker });
    await first.waitForOutput(new RegExp(`"msg":"http".*marker=${marker}|marker=${marker}.*"msg":"http"`), 5_000);

    const lines = jsonLogLines(`${first.stdout()}\n${first.stderr()}`);
    const access = lines.filter(({ entry }) => entry.msg === 'http');
    assert.ok(access.length >= 7, `an access log line per request (${access.length})`);
    assert.ok(access.some(({ line }) => line.includes('key=[REDACTED]')), 'the key parameter is shown redacted');
    const secrets = [printed.admin, printed.full, printed.readOnly, acme.full, acme.readOnly, password];
    for (const { line } of lines) {
      for (const secret of secrets) assert.ok(!line.includes(secret), `a log line holds a secret: ${line}`);
    }
  });

  test('debug log lines hold no key sent under a percent-encoded parameter name', async () => {
    const marker = `p${Date.now()}`;
    const res = await fetch(`${base}/pbx/proxyapi.php?k%65y=${printed.full}&tenant=DEMO&reqtype=INFO&info=config&format=json&marker=${marker}`, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    assert.ok('maxextensions' in (JSON.parse(text) as object), `k%65y is read as the key: ${text}`);
    await first.waitForOutput(new RegExp(`marker=${marker}`), 5_000);
    for (const { line } of jsonLogLines(first.stdout())) assert.ok(!line.includes(printed.full), `a log line holds the DEMO full key: ${line}`);
  });

  test('SIGTERM to `npm start` stops the server and exits 0', async () => {
    try {
      first.signal('SIGTERM');
      const status = await first.waitForExit(STOP_TIMEOUT_MS);
      await eventually(async () => !(await answers(base)), 5_000, `the server stops answering after npm exited (${JSON.stringify(status)})`);
      assert.deepEqual(status, { code: 0, signal: null }, 'npm exits with code 0');
    } finally {
      await first.stop(STOP_TIMEOUT_MS);
    }
    assert.equal(await answers(base), false, 'stopped');
  });

  test('a second start on the same data directory: no new keys, the old keys work, credentials.json unchanged', async () => {
    await first.stop(STOP_TIMEOUT_MS); // already stopped by the test above, whatever its outcome
    assert.ok(credentialsText, 'credentials.json was read after the first start');
    const second = npmStart('npm start (second)', env());
    try {
      await second.waitForOutput(LISTENING, START_TIMEOUT_MS);
      const stdout = second.stdout();
      assert.doesNotMatch(stdout, /[0-9a-f]{64}/, `no key printed:\n${stdout}`);
      assert.doesNotMatch(stdout, /First start/);
      assert.ok(stdout.includes(credentialsPath), `points to ${credentialsPath}:\n${stdout}`);

      assert.equal(readFileSync(credentialsPath, 'utf8'), credentialsText);
      assert.equal(statSync(credentialsPath).mode & 0o777, 0o600);

      for (const [key, tenant] of [[printed.full, 'DEMO'], [printed.readOnly, 'DEMO'], [acme.full, 'ACME'], [printed.admin, 'ACME']] as const) {
        const res = await api(base, { key, tenant, reqtype: 'INFO', info: 'config', format: 'json' });
        assert.ok('maxextensions' in (JSON.parse(res.text) as object), `${tenant}: ${res.text}`);
      }
      const balance = await api(base, { key: printed.full, tenant: 'DEMO', reqtype: 'INFO', info: 'balance' });
      assert.match(balance.text, /5/, `the balance written before the restart: ${balance.text}`);
    } finally {
      await second.stop(STOP_TIMEOUT_MS);
    }
  });
});

describe('callgrid start: graceful shutdown', () => {
  const data = tempDir('shutdown');
  let port = 0;
  let base = '';
  let server: Child;
  let fullKey = '';

  before(async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = nodeStart('callgrid start', { CALLGRID_DATA_DIR: data.path, CALLGRID_HTTP_PORT: String(port), CALLGRID_HTTP_HOST: '127.0.0.1' });
    await server.waitForOutput(FIRST_START, START_TIMEOUT_MS);
    fullKey = readCredentials(join(data.path, 'credentials.json')).tenant?.fullKey ?? '';
  });

  after(async () => {
    await stopAll();
    data.remove();
  });

  /** What the test below saw, for the one after it. */
  let observed: { connection: string | undefined; msFromAnswerToExit: number } | undefined;

  test('SIGTERM while a request is in flight: it completes, new connections are refused, exit code 0', async () => {
    // A keep-alive client, as most HTTP client libraries are.
    const agent = new Agent({ keepAlive: true });
    try {
      const body = new URLSearchParams({ key: fullKey, tenant: 'DEMO', reqtype: 'INFO', info: 'config', format: 'json' }).toString();
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/pbx/proxyapi.php',
        agent,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) },
      });
      const response = new Promise<{ status: number; text: string; connection: string | undefined }>((resolve, reject) => {
        req.on('error', reject);
        req.on('response', (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection }));
          res.on('error', reject);
        });
      });
      response.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
      req.write(body.slice(0, 20)); // headers and part of the body: the server is reading it
      await delay(500);

      server.signal('SIGTERM');
      await server.waitForOutput(/shutting down/, 5_000);
      assert.equal(await answers(base), false, 'no new connections once shutting down');
      assert.equal(server.exited(), undefined, 'still running while a request is in flight');

      req.end(body.slice(20));
      const res = await withTimeout(response, 10_000, () => 'the request in flight got no answer');
      assert.equal(res.status, 200);
      assert.ok('maxextensions' in (JSON.parse(res.text) as object), res.text);

      const answered = Date.now();
      const status = await server.waitForExit(STOP_TIMEOUT_MS);
      observed = { connection: res.connection, msFromAnswerToExit: Date.now() - answered };
      assert.deepEqual(status, { code: 0, signal: null });
      await server.waitForOutput(/"msg":"stopped"/, 2_000);
    } finally {
      agent.destroy();
      await server.stop(STOP_TIMEOUT_MS);
    }
  });

  test('the answer in flight closes its connection, so the process exits right after it', () => {
    assert.ok(observed, 'the test above ran to the exit');
    assert.equal(observed.connection, 'close', 'an answer given while shutting down says Connection: close');
    assert.ok(observed.msFromAnswerToExit < 2_000, `exit ${observed.msFromAnswerToExit} ms after the last answer`);
  });
});

describe('callgrid start: shutdown when its log reader is gone', () => {
  const data = tempDir('epipe');
  after(async () => {
    await stopAll();
    data.remove();
  });

  test('SIGTERM still stops the process after the reader of its stdout has gone', async () => {
    const port = await freePort();
    const server = nodeStart('callgrid start (stdout closed)', {
      CALLGRID_DATA_DIR: data.path,
      CALLGRID_HTTP_PORT: String(port),
      CALLGRID_HTTP_HOST: '127.0.0.1',
      CALLGRID_SHUTDOWN_TIMEOUT_SECONDS: '2',
    });
    try {
      await server.waitForOutput(FIRST_START, START_TIMEOUT_MS);
      server.closeStdout(); // `callgrid start | log-shipper`, and the shipper dies (or npm, holding the pipe, did)
      await delay(200);
      server.signal('SIGTERM');
      const status = await server.waitForExit(8_000);
      assert.equal(status.signal, null, 'it exits by itself');
    } finally {
      await server.stop(2_000);
    }
  });
});

describe('callgrid start: bad settings', () => {
  const data = tempDir('settings');
  after(async () => {
    await stopAll();
    data.remove();
  });

  const oneLine = (stderr: string) => stderr.split('\n').filter((line) => line.trim() !== '');

  test('npm start with CALLGRID_HTTP_PORT=notaport exits non-zero with one line naming the setting', async () => {
    const child = npmStart('npm start (bad port)', { CALLGRID_DATA_DIR: data.path, CALLGRID_HTTP_PORT: 'notaport', CALLGRID_HTTP_HOST: '127.0.0.1' });
    const status = await child.waitForClose(START_TIMEOUT_MS);
    assert.notEqual(status.code, 0);
    const lines = oneLine(child.stderr());
    assert.equal(lines.length, 1, child.stderr());
    assert.match(lines[0] ?? '', /^callgrid: .*CALLGRID_HTTP_PORT/);
    assert.ok(!existsSync(join(data.path, 'credentials.json')), 'nothing made');
  });

  test('callgrid start refuses ports that are no ports, naming CALLGRID_HTTP_PORT', async () => {
    const values = ['notaport', '70000', '80.5'];
    const children = values.map((value) =>
      spawnChild(`callgrid start (port ${value})`, process.execPath, [BIN, 'start'], {
        cwd: data.path,
        env: cleanEnv({ CALLGRID_DATA_DIR: data.path, CALLGRID_HTTP_PORT: value, CALLGRID_HTTP_HOST: '127.0.0.1' }),
      }),
    );
    const statuses = await Promise.all(children.map((child) => child.waitForClose(START_TIMEOUT_MS)));
    values.forEach((value, i) => {
      const stderr = children[i]?.stderr() ?? '';
      assert.notEqual(statuses[i]?.code, 0, value);
      const lines = oneLine(stderr);
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0] ?? '', new RegExp(`^callgrid: .*CALLGRID_HTTP_PORT.*'${value.replace('.', '\\.')}'`));
    });
    assert.ok(!existsSync(join(data.path, 'credentials.json')), 'nothing made');
  });

  test('a port in use: exit non-zero with one line, not a stack trace', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const busy = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const child = spawnChild('callgrid start (busy port)', process.execPath, [BIN, 'start'], {
        cwd: data.path,
        env: cleanEnv({ CALLGRID_DATA_DIR: join(data.path, 'busy'), CALLGRID_HTTP_PORT: String(busy), CALLGRID_HTTP_HOST: '127.0.0.1' }),
      });
      const status = await child.waitForClose(START_TIMEOUT_MS);
      assert.notEqual(status.code, 0);
      const lines = oneLine(child.stderr());
      assert.equal(lines.length, 1, child.stderr());
      assert.match(lines[0] ?? '', new RegExp(`^callgrid: .*${busy}`));
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
