// StoreCarrierDirectory: a carrier is recognised by its host's address AND port (UDP) or address and transport
// (connection transports), or by an address or network it lists in pr_match; a neighbour on its address is not it.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { FakeClock } from '../../shared/index.ts';
import type { Endpoint } from '../../sip/index.ts';
import { openStore, type Store } from '../../store/index.ts';
import { StoreCarrierDirectory } from './carrier-directory.ts';

let store: Store;
let carriers: StoreCarrierDirectory;

beforeEach(async () => {
  store = openStore('sqlite::memory:');
  await store.migrate();
  carriers = new StoreCarrierDirectory(store, new FakeClock(), 0);
  const add = (values: Record<string, string>) => store.objects('provider').insert(null, { pr_tech: 'PJSIP', ...values });
  await add({ pr_name: 'Plain', pr_host: '192.0.2.50' });
  await add({ pr_name: 'Other port', pr_host: '192.0.2.50:5070' });
  await add({ pr_name: 'Over TCP', pr_host: '192.0.2.60:5080', pr_transport: 'tcp' });
  await add({ pr_name: 'TLS URI', pr_host: 'sips:[2001:db8::60]' });
  await add({ pr_name: 'Gateways', pr_host: '192.0.2.70', pr_match: '198.51.100.0/24, 203.0.113.9:5070, [2001:db8:1::9]:5060, 2001:db8:2::/48' });
  await add({ pr_name: 'Off', pr_host: '192.0.2.80', pr_disabled: 'on' });
});
afterEach(() => store.close());

const from = (address: string, port: number, protocol: Endpoint['protocol'] = 'udp'): Endpoint => ({ protocol, address, port });
const nameAt = async (source: Endpoint) => (await carriers.carrierAt(source))?.name;

test("UDP: the provider's host and port (5060 when pr_host gives none); another port on that address is no carrier", async () => {
  assert.equal(await nameAt(from('192.0.2.50', 5060)), 'Plain');
  assert.equal(await nameAt(from('::ffff:192.0.2.50', 5060)), 'Plain', 'as a dual-stack socket reports it');
  assert.equal(await nameAt(from('192.0.2.50', 5070)), 'Other port', 'two providers on one host, told apart by port');
  assert.equal(await nameAt(from('192.0.2.50', 5062)), undefined, 'a phone behind the same NAT is a phone');
  assert.equal(await nameAt(from('192.0.2.50', 5060, 'tcp')), undefined, 'a UDP trunk does not speak TCP');
  assert.equal(await nameAt(from('192.0.2.80', 5060)), undefined, 'a disabled provider is nobody');
});

test("connection transports: the host's address and the transport, any (ephemeral) source port", async () => {
  assert.equal(await nameAt(from('192.0.2.60', 41234, 'tcp')), 'Over TCP');
  assert.equal(await nameAt(from('192.0.2.60', 5080, 'udp')), undefined, 'the transport must be the one pr_host/pr_transport name');
  assert.equal(await nameAt(from('2001:db8::60', 50000, 'tls')), 'TLS URI');
  assert.equal(await nameAt(from('2001:0db8:0:0::60', 50001, 'tls')), 'TLS URI', 'IPv6 compared as addresses, not as text');
  assert.equal(await nameAt(from('2001:db8::60', 50000, 'tcp')), undefined);
});

test('pr_match: listed networks and addresses, with their port when one is given, on any transport', async () => {
  assert.equal(await nameAt(from('192.0.2.70', 5060)), 'Gateways', 'its own host still counts');
  assert.equal(await nameAt(from('198.51.100.7', 6000)), 'Gateways');
  assert.equal(await nameAt(from('198.51.100.200', 40000, 'tcp')), 'Gateways');
  assert.equal(await nameAt(from('198.51.101.7', 6000)), undefined);
  assert.equal(await nameAt(from('203.0.113.9', 5070)), 'Gateways');
  assert.equal(await nameAt(from('203.0.113.9', 5060)), undefined, 'a listed port is that port only');
  assert.equal(await nameAt(from('2001:db8:1::9', 5060)), 'Gateways');
  assert.equal(await nameAt(from('2001:db8:1::9', 5061)), undefined);
  assert.equal(await nameAt(from('2001:db8:2:ffff::1', 1234, 'tls')), 'Gateways');
});
