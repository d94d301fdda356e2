// Provider rows as SIP trunk targets: host/port/transport, credentials, registration, caller id, codecs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOGUE, type ObjectRow } from '../../domain/index.ts';
import { parseHost, parseSources, parseTransport, providerTarget, registersTo } from './provider-target.ts';

const row = (over: ObjectRow = {}): ObjectRow => ({ pr_id: 3, pr_name: 'Carrier', pr_tech: 'PJSIP', pr_host: 'sip.carrier.example', pr_disabled: '', pr_transport: '', pr_username: '', pr_password: '', ...over });

describe('provider host and transport', () => {
  test('parseTransport', () => {
    const cases: Array<[string, string | undefined]> = [['', 'udp'], ['UDP', 'udp'], ['tcp', 'tcp'], ['transport-tls', 'tls'], ['transport-wss', 'wss'], ['ws', 'ws'], ['sctp', undefined], ['carrier', undefined]];
    for (const [value, want] of cases) assert.equal(parseTransport(value), want, value);
  });

  test('parseHost', () => {
    const cases: Array<[string, ReturnType<typeof parseHost>]> = [
      ['sip.carrier.example', { host: 'sip.carrier.example', port: undefined, transport: undefined, secure: false }],
      ['192.0.2.7:5080', { host: '192.0.2.7', port: 5080, transport: undefined, secure: false }],
      ['[2001:db8::1]:5062', { host: '[2001:db8::1]', port: 5062, transport: undefined, secure: false }],
      ['sip:gw.example:5070;transport=tcp', { host: 'gw.example', port: 5070, transport: 'tcp', secure: false }],
      ['sips:trunk@gw.example', { host: 'gw.example', port: undefined, transport: undefined, secure: true }],
      ['gw.example:99999', undefined],
      ['gw example', undefined],
    ];
    for (const [value, want] of cases) assert.deepEqual(parseHost(value), want, value);
  });
});

describe('providerTarget', () => {
  test('an IP-authenticated UDP trunk', () => {
    assert.deepEqual(providerTarget(row({ pr_callerid: '3902000', pr_sendrpid: 'pai', pr_allow: 'alaw:20,ulaw,!g729', pr_maxoutchannels: 30, pr_qualify: 'yes' })), {
      ok: true,
      target: {
        providerId: 3,
        name: 'Carrier',
        host: 'sip.carrier.example',
        port: 5060,
        transport: 'udp',
        uri: 'sip:sip.carrier.example:5060',
        auth: undefined,
        registers: false,
        fromDomain: 'sip.carrier.example',
        callerId: { number: '3902000', name: '' },
        identityHeader: 'pai',
        maxChannels: 30,
        codecs: ['alaw', 'ulaw'],
        qualifySeconds: 60,
        sources: [],
      },
    });
  });

  const cases: Array<{ name: string; over: ObjectRow; check: (r: ReturnType<typeof providerTarget>) => unknown; want: unknown }> = [
    { name: 'TLS defaults to 5061 and sips:', over: { pr_transport: 'tls' }, check: (r) => r.ok && [r.target.port, r.target.uri], want: [5061, 'sips:sip.carrier.example:5061'] },
    { name: 'TCP keeps transport in the URI', over: { pr_transport: 'tcp', pr_host: 'gw:5070' }, check: (r) => r.ok && r.target.uri, want: 'sip:gw:5070;transport=tcp' },
    { name: 'the host URI transport wins over the column', over: { pr_transport: 'udp', pr_host: 'sip:gw;transport=tcp' }, check: (r) => r.ok && r.target.transport, want: 'tcp' },
    { name: 'credentials: digest auth and registration', over: { pr_username: 'acct', pr_password: 's3cret' }, check: (r) => r.ok && [r.target.auth, r.target.registers], want: [{ username: 'acct', secret: 's3cret' }, true] },
    { name: 'username without password: auth, no registration', over: { pr_username: 'acct' }, check: (r) => r.ok && [r.target.auth, r.target.registers], want: [{ username: 'acct', secret: '' }, false] },
    { name: 'sendrpid yes = Remote-Party-ID', over: { pr_sendrpid: 'yes' }, check: (r) => r.ok && r.target.identityHeader, want: 'rpid' },
    { name: 'qualifyfreq sets the period', over: { pr_qualify: 'yes', pr_qualifyfreq: 25 }, check: (r) => r.ok && r.target.qualifySeconds, want: 25 },
    { name: 'pr_codecs when pr_allow is empty', over: { pr_codecs: 'opus,alaw' }, check: (r) => r.ok && r.target.codecs, want: ['opus', 'alaw'] },
    { name: 'disabled', over: { pr_disabled: 'on' }, check: (r) => !r.ok && r.why, want: 'provider Carrier is disabled' },
    { name: 'IAX2 is not dialled', over: { pr_tech: 'IAX2' }, check: (r) => !r.ok && r.why, want: 'provider Carrier uses IAX2, which Callgrid does not dial' },
    { name: 'dynamic host', over: { pr_host: 'dynamic' }, check: (r) => !r.ok && r.why, want: 'provider Carrier has no fixed host' },
    { name: 'no host', over: { pr_host: null }, check: (r) => !r.ok && r.why, want: 'provider Carrier has no fixed host' },
    { name: 'bad transport', over: { pr_transport: 'carrier-pigeon' }, check: (r) => !r.ok && r.why, want: 'provider Carrier has an unknown transport carrier-pigeon' },
    { name: 'WSS', over: { pr_transport: 'wss' }, check: (r) => r.ok && r.target.uri, want: 'sips:sip.carrier.example:443;transport=ws' },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(c.check(providerTarget(row(c.over))), c.want));

  test('registersTo needs username, password and a fixed host', () => {
    assert.equal(registersTo(row({ pr_username: 'u', pr_password: 'p' })), true);
    assert.equal(registersTo(row({ pr_username: 'u', pr_password: 'p', pr_host: 'dynamic' })), false);
    assert.equal(registersTo(row({ pr_username: '', pr_password: 'p' })), false);
  });
});

describe('pr_match: further source addresses of a carrier (PJSIP identify syntax)', () => {
  test('parseSources: addresses, networks, ports; entries that are no IP address are left out', () => {
    assert.deepEqual(parseSources(' 198.51.100.0/24, 203.0.113.9:5070 ,[2001:db8::9]:5060, 2001:db8:2::/48, 192.0.2.1:5080/32'), [
      { address: '198.51.100.0', prefixLength: 24, port: undefined },
      { address: '203.0.113.9', prefixLength: undefined, port: 5070 },
      { address: '2001:db8::9', prefixLength: undefined, port: 5060 },
      { address: '2001:db8:2::', prefixLength: 48, port: undefined },
      { address: '192.0.2.1', prefixLength: 32, port: 5080 },
    ]);
    assert.deepEqual(parseSources('gw.example, 999.1.1.1, 192.0.2.1:0, 192.0.2.1:70000, 192.0.2.0/33, 2001:db8::/129, ,'), []);
    assert.equal(parseSources(Array.from({ length: 40 }, (_, i) => `192.0.2.${i}`).join(',')).length, 32, 'bounded');
    const target = providerTarget(row({ pr_match: '198.51.100.7' }));
    assert.deepEqual(target.ok && target.target.sources, [{ address: '198.51.100.7', prefixLength: undefined, port: undefined }]);
  });

  test("the column (alias `match`) refuses host names, stray separators and more than 32 entries", () => {
    const provider = CATALOGUE.provider;
    assert.equal(provider?.aliases?.match, 'pr_match');
    const pattern = provider?.columns.pr_match?.pattern?.regex;
    assert.ok(pattern);
    for (const good of ['', '203.0.113.5', '203.0.113.0/28, 203.0.113.9:5070', '2001:db8::1', '[2001:db8::1]:5060', Array(32).fill('192.0.2.1').join(', ')]) assert.equal(pattern.test(good), true, good);
    for (const bad of ['gw.example.com', '1.2.3.4:x', '1.2.3.4,', '1.2.3.4;5.6.7.8', Array(33).fill('192.0.2.1').join(',')]) assert.equal(pattern.test(bad), false, bad);
  });
});
