// The GET fast path over a real socket: answers batched per turn (write-batch.ts) each reach
// their own request, with the bytes Hono's path gives, on kept-alive connections.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config.ts';
import { buildRuntime, type Runtime } from '../main.ts';
import { FakeClock } from '../shared/index.ts';
import { createHttpListener } from './http-listener.ts';

describe('GET fast path', () => {
  let runtime: Runtime;
  let server: Server;
  let port: number;
  let query: (callback: string) => string;
  before(async () => {
    const config = loadConfig({ CALLGRID_DATABASE_URL: 'sqlite::memory:', CALLGRID_DATA_DIR: '/tmp/callgrid-test-unused', CALLGRID_LOG_LEVEL: 'warn' }, '/');
    runtime = await buildRuntime(config, { clock: new FakeClock('2026-11-27T10:00:00Z') });
    const first = await runtime.services.bootstrap.firstStart('DEMO');
    const tenant = first?.tenant;
    assert.ok(tenant, 'the first start makes a demo tenant');
    query = (callback) => `/pbx/proxyapi.php?key=${tenant.fullKey}&tenant=${tenant.code}&reqtype=INFO&info=config&format=json&callback=${callback}`;
    server = createServer(createHttpListener(runtime.app, runtime.services, runtime.logger));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await runtime.close();
  });

  // A lost write would leave a request hanging: the timeout turns that into a failure.
  test('concurrent requests on a few kept-alive sockets each get their own answer, as Hono answers it', { timeout: 10_000 }, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const get = (path: string) =>
      new Promise<{ status: number; body: string; headers: Record<string, unknown>; socket: unknown }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers, socket: req.socket }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const names = Array.from({ length: 24 }, (_, i) => `cb${i}`);
      const answers = await Promise.all(names.map((name) => get(query(name))));
      const expected = await (await runtime.app.request(query('cb0'))).text();
      assert.match(expected, /^\/\*\*\/ cb0\(\{"maxchannels":0/);
      answers.forEach((answer, i) => {
        assert.equal(answer.status, 200);
        assert.equal(answer.body, expected.replace(/ cb0\(/, ` cb${i}(`));
        assert.equal(answer.headers['content-length'], String(Buffer.byteLength(answer.body)));
        assert.equal(answer.headers.connection, 'keep-alive');
      });
      assert.ok(new Set(answers.map((answer) => answer.socket)).size <= 4, 'the connections were reused');
    } finally {
      agent.destroy();
    }
  });
});
