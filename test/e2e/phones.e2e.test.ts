// Real phones against the real server (issue: SIP core and registrar): two baresip phones in a network
// namespace register as extension 100 of two tenants; CHANSIPPEERS shows each only to its own tenant;
// UNREGISTER drops one; the bindings survive a server restart and the phones register again after it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { skipWithoutBaresip, startBaresip, type BaresipPhone } from '../support/baresip.ts';
import { createTestNetwork, skipWithoutNetns, type TestNetwork } from '../support/netns.ts';
import { api, cleanEnv, eventually, freePort, spawnChild, stopAll, tempDir, REPO, type Child } from './process.ts';

const SKIP = skipWithoutNetns('baresip phones e2e') || skipWithoutBaresip('baresip phones e2e');
const START_TIMEOUT_MS = 30_000;

describe('phones register per tenant with the real server', { skip: SKIP }, () => {
  const data = tempDir('callgrid-phones-');
  let net: TestNetwork;
  let server: Child;
  let base = '';
  let sipPort = 0;
  let adminKey = '';
  const keys: Record<'ACME' | 'GLOBEX', string> = { ACME: '', GLOBEX: '' };
  const phones: Partial<Record<'ACME' | 'GLOBEX' | 'SALES', BaresipPhone>> = {};

  const start = async (label: string): Promise<Child> => {
    const child = spawnChild(label, process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'start'], {
      cwd: REPO,
      // The phones live behind the namespace's veth: SIP listens on every address, on a port of our own.
      env: cleanEnv({ CALLGRID_DATA_DIR: data.path, CALLGRID_HTTP_PORT: String(new URL(base).port), CALLGRID_HTTP_HOST: '127.0.0.1', CALLGRID_SIP_HOST: '0.0.0.0', CALLGRID_SIP_PORT: String(sipPort), CALLGRID_DEMO_TENANT: '', CALLGRID_LOG_LEVEL: 'info' }),
    });
    await child.waitForOutput(/SIP listening/, START_TIMEOUT_MS);
    await child.waitForOutput(/Callgrid listening/, START_TIMEOUT_MS);
    return child;
  };
  const call = async (params: Record<string, string>, init: RequestInit = {}) => {
    const answer = await api(base, params, init);
    assert.equal(answer.headers.get('x-callgrid-error'), null, `${params.reqtype}: ${answer.text}`);
    return answer.text;
  };
  const post = (params: Record<string, string>) => call({}, { method: 'POST', body: new URLSearchParams(params) });
  const peersOf = async (tenant: 'ACME' | 'GLOBEX') => JSON.parse(await call({ key: keys[tenant], tenant, reqtype: 'CHANSIPPEERS', format: 'json' })) as Array<Record<string, string>>;

  before(async () => {
    base = `http://127.0.0.1:${await freePort()}`;
    sipPort = await freePort();
    net = await createTestNetwork('phones');
    server = await start('callgrid (first)');
    adminKey = (JSON.parse(readFileSync(join(data.path, 'credentials.json'), 'utf8')) as { adminKey: string }).adminKey;
    for (const code of ['ACME', 'GLOBEX'] as const) {
      const tenant = JSON.parse(await post({ key: adminKey, reqtype: 'MANAGEDB', object: 'tenant', action: 'add', jsondata: JSON.stringify({ te_code: code, te_name: code }) })) as { apikey: string };
      keys[code] = tenant.apikey;
      await post({ key: keys[code], tenant: code, reqtype: 'MANAGEDB', object: 'extension', action: 'add', jsondata: JSON.stringify({ ex_number: '100', ex_name: `${code} reception`, secret: `${code.toLowerCase()}-secret-100` }) });
    }
  });

  after(async () => {
    for (const phone of Object.values(phones)) await phone?.stop();
    await stopAll();
    await net?.destroy();
    data.remove();
  });

  test('both tenants register their own extension 100 with digest auth', async () => {
    let port = 5070;
    for (const code of ['ACME', 'GLOBEX'] as const) {
      phones[code] = await startBaresip({
        net,
        name: code.toLowerCase(),
        sipPort: (port += 4),
        account: { username: `100-${code}`, password: `${code.toLowerCase()}-secret-100`, domain: net.hostAddress, port: sipPort, transport: 'udp', regint: 600 },
      });
    }
    await Promise.all([phones.ACME?.waitForRegistration(), phones.GLOBEX?.waitForRegistration()]);
  });

  test('CHANSIPPEERS shows each tenant only its own phone; the admin sees both', async () => {
    const acme = await peersOf('ACME');
    assert.deepEqual(acme.map((p) => [p.Name, p.Host, p.Description]), [['100-ACME', net.phoneAddress, 'ACME reception']]);
    assert.deepEqual(Object.keys(acme[0] ?? {}), ['node', 'Name', 'Host', 'Dyn', 'Forcerport', 'Comedia', 'ACL', 'Port', 'Status', 'Description', 'Realtime']);
    assert.deepEqual((await peersOf('GLOBEX')).map((p) => p.Name), ['100-GLOBEX']);
    const all = JSON.parse(await call({ key: adminKey, reqtype: 'PEERS', format: 'json' })) as Array<Record<string, string>>;
    assert.deepEqual(all.map((p) => p.Name).sort(), ['100-ACME', '100-GLOBEX']);
    const counts = JSON.parse(await call({ key: keys.ACME, tenant: 'ACME', reqtype: 'COUNTPEERS', format: 'json' })) as Record<string, number>;
    assert.deepEqual(Object.values(counts), [1]);
    const plain = await call({ key: keys.ACME, tenant: 'ACME', reqtype: 'INFO', info: 'extensions' });
    assert.equal(plain, `Number|Name|Tech|State|Username|Password\n100|ACME reception|PJSIP|NOT_INUSE|100-ACME|acme-secret-100\n`);
    assert.match(await call({ key: keys.GLOBEX, tenant: 'GLOBEX', reqtype: 'INFO', info: 'regstate', ext: '100' }), /^REGISTERED\|sip:100-GLOBEX/);
  });

  test('UNREGISTER is tenant-scoped and drops the bindings', async () => {
    const refused = await api(base, { key: keys.ACME, tenant: 'ACME', reqtype: 'UNREGISTER', peer: '100-GLOBEX' });
    assert.equal(refused.headers.get('x-callgrid-error'), 'not_found');
    assert.equal(JSON.parse(await call({ key: keys.ACME, tenant: 'ACME', reqtype: 'UNREGISTER', peer: '100', format: 'json' })).removed, 1);
    assert.deepEqual(await peersOf('ACME'), []);
    assert.deepEqual((await peersOf('GLOBEX')).map((p) => p.Name), ['100-GLOBEX']);
    assert.equal(await call({ key: keys.ACME, tenant: 'ACME', reqtype: 'INFO', info: 'regstate', ext: '100' }), 'UNREGISTERED');
  });

  test('REBOOT sends NOTIFY check-sync to the phone', async () => {
    assert.equal(JSON.parse(await call({ key: keys.GLOBEX, tenant: 'GLOBEX', reqtype: 'REBOOT', peer: 'ALL', format: 'json' })).notified, 1);
    await eventually(async () => (phones.GLOBEX?.log() ?? '').includes('Event: check-sync'), 5_000, 'the NOTIFY in the phone log');
  });

  test('bindings survive a restart, and phones register again after it', async () => {
    server.signal('SIGTERM');
    await server.waitForExit(15_000);
    server = await start('callgrid (restarted)');
    assert.deepEqual((await peersOf('GLOBEX')).map((p) => p.Name), ['100-GLOBEX'], 'the binding was kept in the store');
    await phones.GLOBEX?.reregister();
    await phones.GLOBEX?.waitForRegistration();
    await phones.ACME?.reregister();
    await phones.ACME?.waitForRegistration();
    assert.deepEqual((await peersOf('ACME')).map((p) => p.Name), ['100-ACME']);
  });

  // SIP MESSAGE (RFC 3428) with baresip 1.0's contact module: `message <text>` goes to the phone's current contact.
  const messageFrom = async (phone: BaresipPhone | undefined, to: string, text: string): Promise<void> => {
    assert.ok(phone);
    writeFileSync(join(phone.dir, 'contacts'), `"To" <sip:${to}@${net.hostAddress}:${sipPort}>\n`);
    // The module reads the contacts file when it loads; each phone here writes to one number only.
    await phone.command('insmod', 'contact.so');
    await phone.command('message', text);
  };

  test('MESSAGE: kept for an offline extension until it registers, then both ways; never to another tenant', async () => {
    await post({ key: keys.ACME, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'extension', action: 'add', jsondata: JSON.stringify({ ex_number: '101', ex_name: 'ACME sales', secret: 'acme-secret-101' }) });
    await messageFrom(phones.ACME, '101', 'while you were out');
    await eventually(async () => /SIP\/2\.0 202 Accepted/.test(phones.ACME?.log() ?? ''), 5_000, '202 Accepted: kept for the offline 101');
    const sales = await startBaresip({
      net,
      name: 'acme-sales',
      sipPort: 5086,
      account: { username: '101-ACME', password: 'acme-secret-101', domain: net.hostAddress, port: sipPort, transport: 'udp', regint: 600 },
    });
    phones.SALES = sales;
    await sales.waitForRegistration();
    await eventually(async () => sales.log().includes('while you were out'), 5_000, 'the kept message on registering');
    assert.match(sales.log(), /From: "ACME reception" <sip:100@/);
    await messageFrom(sales, '100', 'hello back');
    await eventually(async () => (phones.ACME?.log() ?? '').includes('hello back'), 5_000, 'the reply at 100');
    await messageFrom(phones.GLOBEX, '101', 'to acme sales?');
    await eventually(async () => /SIP\/2\.0 404 Not Found/.test(phones.GLOBEX?.log() ?? ''), 5_000, "404: GLOBEX has no 101, and ACME's is not its");
    assert.ok(!sales.log().includes('to acme sales?'));
  });
});
