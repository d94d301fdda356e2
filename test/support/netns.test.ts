// The test-network helper for real: a namespace with a veth pair, reachable from the host, gone after destroy().
// Skipped, saying why, without root/netns rights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { createTestNetwork, skipWithoutNetns } from './netns.ts';

const SKIP = skipWithoutNetns('test network helper test');
const namespaces = (): string => spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
const links = (): string => spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout;

test('two test networks get distinct subnets, run commands inside and vanish on destroy', { skip: SKIP, timeout: 20_000 }, async () => {
  const a = await createTestNetwork('nsA');
  const b = await createTestNetwork('nsB');
  try {
    assert.notEqual(a.name, b.name);
    assert.notEqual(a.hostAddress, b.hostAddress);
    assert.match(a.name, new RegExp(`^cgt-${process.pid}-\\d+-nsA$`));
    const inside = a.run('ip', ['-4', '-o', 'addr', 'show']);
    assert.equal(inside.status, 0, inside.output);
    assert.match(inside.output, new RegExp(`inet ${a.phoneAddress.replaceAll('.', '\\.')}/30`));
    assert.match(inside.output, /\blo\b.*inet 127\.0\.0\.1/);
    assert.doesNotMatch(inside.output, new RegExp(a.hostAddress.replaceAll('.', '\\.')), 'the host side stays on the host');

    // The host reaches a listener inside the namespace through the veth (how the driver talks to ctrl_tcp).
    const listener = a.exec(process.execPath, ['-e', `require('net').createServer((s) => s.end('hello')).listen(7000, '${a.phoneAddress}', () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('listener in the namespace did not start')), 5000);
        listener.stdout?.once('data', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: a.phoneAddress, port: 7000 });
        let text = '';
        socket.setTimeout(3000, () => socket.destroy(new Error('no reply')));
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      assert.equal(reply, 'hello');
    } finally {
      listener.kill('SIGKILL');
    }

    // ...and the namespace reaches a server on the host end (how phones reach the PBX).
    const server = createServer((socket) => socket.end('from host'));
    await new Promise<void>((resolve) => server.listen(7001, a.hostAddress, resolve));
    try {
      // exec, not run: a synchronous run would block this process's event loop and so the server.
      const client = a.exec(process.execPath, ['-e', `require('net').connect(7001, '${a.hostAddress}').on('data', (d) => process.stdout.write(d))`], { stdio: ['ignore', 'pipe', 'inherit'] });
      let fetched = '';
      client.stdout?.on('data', (chunk: Buffer) => (fetched += chunk.toString()));
      const timer = setTimeout(() => client.kill('SIGKILL'), 5000);
      await new Promise((resolve) => client.on('close', resolve));
      clearTimeout(timer);
      assert.equal(fetched, 'from host');
    } finally {
      server.close();
    }
  } finally {
    await a.destroy();
    await b.destroy();
    await a.destroy(); // idempotent
  }
  assert.doesNotMatch(namespaces(), new RegExp(`${a.name}|${b.name}`));
  assert.doesNotMatch(links(), new RegExp(`${a.hostInterface}|${b.hostInterface}`));
});
