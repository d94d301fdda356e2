// No API key reaches a log line, whatever form it was sent in: `key[]=`, `key%5B0%5D=`, another
// parameter's value, the path, or the X-API-Key / Authorization headers' value repeated in the URL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig } from '../config.ts';
import { buildRuntime, type Runtime } from '../main.ts';
import { createLogger, FakeClock } from '../shared/index.ts';
import { createHttpListener } from './http-listener.ts';
import { logUrl } from './log-url.ts';

const KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const noHeaders = () => undefined;

describe('logUrl', () => {
  test('secret parameters are redacted under PHP array names too, in any escape or case', () => {
    for (const name of ['key', 'KEY', 'key[]', 'key[0]', 'key%5B%5D', 'key%5B0%5D', 'key%5b0%5d', 'key[a][b]', 'apikey[]', 'password[0]', 'k%65y']) {
      const logged = logUrl(`/pbx/proxyapi.php?${name}=${KEY}&tenant=ACME`, noHeaders);
      assert.equal(logged, `/pbx/proxyapi.php?${name}=[REDACTED]&tenant=ACME`, name);
    }
  });

  test("the key's value is redacted wherever else it appears: another parameter, its name, the path, escaped", () => {
    const escaped = [...KEY].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    const cases: Array<[string, string]> = [
      [`/p?key=${KEY}&tenant=${KEY}`, '/p?key=[REDACTED]&tenant=[REDACTED]'],
      [`/p?key[]=${KEY}&note=x${KEY}y`, '/p?key[]=[REDACTED]&note=[REDACTED]'],
      [`/p?key=${KEY}&${KEY}=1`, '/p?key=[REDACTED]&[REDACTED]=1'],
      [`/p?key=${KEY}&other=${escaped}`, '/p?key=[REDACTED]&other=[REDACTED]'],
      [`http://h/pbx/openapi.php/${KEY}/x?key=${KEY}#${KEY}`, 'http://h/pbx/openapi.php/[REDACTED]/x?key=[REDACTED]#[REDACTED]'],
    ];
    for (const [url, expected] of cases) assert.equal(logUrl(url, noHeaders), expected, url);
  });

  test('a key sent in X-API-Key or Authorization is redacted where the URL repeats it', () => {
    const headers = (values: Record<string, string>) => (name: string) => values[name.toLowerCase()];
    assert.equal(logUrl(`/p?tenant=${KEY}`, headers({ 'x-api-key': KEY })), '/p?tenant=[REDACTED]');
    assert.equal(logUrl(`/p/${KEY}`, headers({ authorization: `Bearer ${KEY}` })), '/p/[REDACTED]');
  });

  test('a URL without secrets is unchanged; short values are not searched for elsewhere', () => {
    assert.equal(logUrl('/pbx/proxyapi.php?tenant=ACME&reqtype=HELP', noHeaders), '/pbx/proxyapi.php?tenant=ACME&reqtype=HELP');
    assert.equal(logUrl('/p?key=1&id=1&monkey=banana&keyboard=q', noHeaders), '/p?key=[REDACTED]&id=1&monkey=banana&keyboard=q');
  });
});

describe('the debug access log', () => {
  const lines: string[] = [];
  let runtime: Runtime;
  let server: Server;
  let base: string;
  before(async () => {
    const destination = new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    });
    const config = loadConfig({ CALLGRID_DATABASE_URL: 'sqlite::memory:', CALLGRID_DATA_DIR: '/tmp/callgrid-test-unused', CALLGRID_LOG_LEVEL: 'debug' }, '/');
    runtime = await buildRuntime(config, { logger: createLogger('debug', destination), clock: new FakeClock('2026-11-27T10:00:00Z') });
    server = createServer(createHttpListener(runtime.app, runtime.services, runtime.logger));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await runtime.close();
  });

  const QUERIES = [`key[]=${KEY}`, `key%5B0%5D=${KEY}`, `key%5b%5d=${KEY}&tenant=${KEY}`, `Key[x]=${KEY}&note=${KEY}`];

  test('in process (Hono) and through the GET fast path, no line holds the key', async () => {
    for (const query of QUERIES) {
      await (await runtime.app.request(`/pbx/proxyapi.php?${query}&reqtype=HELP`)).text();
      await (await runtime.app.request(`/pbx/proxyapi.php?${query}&reqtype=HELP`, { method: 'POST' })).text();
      await (await fetch(`${base}/pbx/proxyapi.php?${query}&reqtype=HELP`)).text();
      await (await fetch(`${base}/pbx/openapi.php/extensions?${query}`)).text();
    }
    await (await runtime.app.request(`/pbx/openapi.php/${KEY}?tenant=${KEY}`, { headers: { 'x-api-key': KEY } })).text();
    const http = lines.filter((line) => line.includes('"msg":"http"'));
    assert.equal(http.length, QUERIES.length * 4 + 1, lines.join(''));
    for (const line of lines) assert.ok(!line.includes(KEY), line);
  });
});
