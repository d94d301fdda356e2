// A tenant's URL target may not reach the node's own or its networks' internal addresses unless the operator allows it
// (CALLGRID_SMS_URL_INTERNAL_HOSTS): checked on the address literal and on what a name resolves to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { internalHostRefusal, postSms } from './inbound-sms-url.ts';

const sms = { id: 1, from: '+41790000001', to: '+41445550100', text: 'hello', received: '2026-12-05 10:00:00' };

test('loopback, private, link-local, mapped and unspecified addresses are refused; public ones pass', async () => {
  for (const host of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '[::1]', '[fe80::1]', '[fd00::5]', '[::ffff:127.0.0.1]', 'localhost']) {
    assert.match((await internalHostRefusal(new URL(`http://${host}:8080/x`))) ?? '', /internal address/, host);
  }
  for (const host of ['203.0.113.10', '198.51.100.7', '[2001:db8::1]']) assert.equal(await internalHostRefusal(new URL(`https://${host}/hook`)), undefined, host);
  assert.match((await internalHostRefusal(new URL('http://no-such-host.invalid/'))) ?? '', /does not resolve/);
});

test('a post to a local server is refused by default, without a request, and goes when internal hosts are allowed', async () => {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
    const refused = await postSms(url, sms);
    assert.equal(refused.ok, false);
    assert.match(refused.ok ? '' : refused.error, /CALLGRID_SMS_URL_INTERNAL_HOSTS/);
    assert.equal(requests, 0);
    assert.deepEqual(await postSms(url, sms, { allowInternalHosts: true }), { ok: true });
    assert.equal(requests, 1);
  } finally {
    server.close();
  }
});
