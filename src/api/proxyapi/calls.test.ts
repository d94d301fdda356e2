// Live calls through the API: CHANNELS, CHANNEL, COUNTCHANNELS, GETCURRENTCALLS, INFO extstate and call, HANGUP,
// TRANSFER and DIAL, over the channel registry the B2BUA fills (here the test fills it) and a recording originator.
// Two tenants own the same extension numbers: neither sees nor touches the other's calls.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, expectError, type Harness, type TenantKeys } from '../../../test/support/api-harness.ts';
import { StoreBindingStore, type CallOriginator, type LiveChannel, type OriginateOutcome, type OriginateRequest } from '../../pbx/index.ts';

class RecordingOriginator implements CallOriginator {
  readonly requests: OriginateRequest[] = [];
  outcome: OriginateOutcome = { ok: true };
  async originate(request: OriginateRequest): Promise<OriginateOutcome> {
    this.requests.push(request);
    return this.outcome;
  }
}

describe('live calls through the API', () => {
  let h: Harness;
  let originator: RecordingOriginator;
  const hungUp: string[] = [];
  const transfers: Array<[string, string]> = [];
  let transferError: string | undefined;

  beforeEach(async () => {
    h = await createHarness({ CALLGRID_NODE_NAME: 'node-a' });
    originator = new RecordingOriginator();
    hungUp.length = 0;
    transfers.length = 0;
    transferError = undefined;
    for (const t of [h.acme, h.globex]) for (const n of ['100', '101', '102']) await h.runtime.services.objects.create('extension', t.id, { ex_number: n, ex_name: `${t.code} ${n}`, secret: `pw-${n}` });
  });
  afterEach(() => h.close());

  const as = (t: TenantKeys, params: Record<string, string>) => h.get({ key: t.fullKey, tenant: t.code, ...params });
  const admin = (params: Record<string, string>) => h.get({ key: h.adminKey, ...params });
  const text = async (res: Response) => {
    assert.equal(res.headers.get('x-callgrid-error'), null, await res.clone().text());
    return res.text();
  };
  const json = async (res: Response) => JSON.parse(await text(res)) as unknown;

  const add = (c: Partial<LiveChannel> & Pick<LiveChannel, 'name' | 'tenantId' | 'uniqueId'>) => {
    const channel: LiveChannel = {
      linkedId: c.uniqueId, node: 'node-a', direction: 'IN', extension: '', account: '', callerIdNum: '', callerIdName: '', connectedNum: '', connectedName: '',
      exten: '', context: '', state: 'Up', createdAt: new Date(h.clock.now().getTime() - 65_000), answeredAt: new Date(h.clock.now().getTime() - 60_000),
      bridgedTo: undefined, sipCallId: `sip-${c.uniqueId}`, originateId: '', ...c,
    };
    h.runtime.channels.add(channel, {
      hangup: () => void hungUp.push(channel.name),
      blindTransfer: async (destination) => {
        transfers.push([channel.name, destination]);
        return transferError;
      },
    });
  };
  const register = async (t: TenantKeys, number: string) => {
    const [row] = await h.runtime.services.objects.list('extension', t.id, { ex_number: number });
    const now = h.clock.now().getTime();
    await new StoreBindingStore(h.runtime.store.registrations).put({
      tenantId: t.id, extensionId: Number(row?.ex_id), aor: `sip:${number}-${t.code}@pbx`, username: `${number}-${t.code}`,
      contactUri: `sip:${number}-${t.code}@192.0.2.9:5062`, contact: `<sip:${number}-${t.code}@192.0.2.9:5062>`,
      expiresAt: new Date(now + 600_000), callId: `c-${t.code}-${number}`, cseq: 1, q: null,
      source: { protocol: 'udp', address: '192.0.2.9', port: 5062 }, flowId: null, userAgent: 'baresip', node: 'node-a',
      registeredAt: new Date(now), lastRttMs: null, reachable: true,
    });
  };

  /** ACME: 100 calls 101 (two legs). GLOBEX: its own 100 calls out to 5551234 through a carrier leg on node-b. */
  const scenario = () => {
    add({ name: 'PJSIP/100-ACME-00000001', tenantId: h.acme.id, uniqueId: 'node-a-1795773535.1', direction: 'IN', extension: '100', account: '100-ACME', callerIdNum: '100', callerIdName: 'Alice', connectedNum: '101', connectedName: 'Bob', exten: '101', context: 'ACME', bridgedTo: 'PJSIP/101-ACME-00000002' });
    add({ name: 'PJSIP/101-ACME-00000002', tenantId: h.acme.id, uniqueId: 'node-a-1795773535.2', linkedId: 'node-a-1795773535.1', direction: 'OUT', extension: '101', account: '101-ACME', callerIdNum: '100', callerIdName: 'Alice', connectedNum: '100', connectedName: 'Alice', exten: '101', context: 'ACME', bridgedTo: 'PJSIP/100-ACME-00000001' });
    add({ name: 'PJSIP/100-GLOBEX-00000003', tenantId: h.globex.id, uniqueId: 'node-a-1795773535.3', direction: 'IN', extension: '100', account: '100-GLOBEX', callerIdNum: '100', exten: '5551234', connectedNum: '5551234', context: 'GLOBEX', bridgedTo: 'PJSIP/carrier-00000004' });
    add({ name: 'PJSIP/carrier-00000004', tenantId: h.globex.id, uniqueId: 'node-b-1795773535.4', linkedId: 'node-a-1795773535.3', node: 'node-b', direction: 'OUT', callerIdNum: '100', exten: '5551234', context: 'GLOBEX', bridgedTo: 'PJSIP/100-GLOBEX-00000003' });
  };

  const HEADER = 'node|Channel|Context|Extension|Priority|State|Application|Data|CallerID|CallerIDName|ConnectedLineID|ConnectedLineName|AccountCode|Account|Direction|Duration|BridgedChannel|UniqueID|LinkedID|';
  const A1 = 'node-a|PJSIP/100-ACME-00000001|ACME|101|1|Up|Dial|101|100|Alice|101|Bob|ACME|100-ACME|IN|65|PJSIP/101-ACME-00000002|node-a-1795773535.1|node-a-1795773535.1|';
  const A2 = 'node-a|PJSIP/101-ACME-00000002|ACME|101|1|Up|AppDial|(Outgoing Line)|100|Alice|100|Alice|ACME|101-ACME|OUT|65|PJSIP/100-ACME-00000001|node-a-1795773535.2|node-a-1795773535.1|';

  test('CHANNELS: the concise columns with a header, only the tenant\'s channels; the admin key sees all; nodename filters', async () => {
    scenario();
    assert.equal(await text(await as(h.acme, { reqtype: 'CHANNELS' })), `${HEADER}\n${A1}\n${A2}\n`);
    const globex = (await json(await as(h.globex, { reqtype: 'channels', format: 'json' }))) as Array<Record<string, string>>;
    assert.deepEqual(globex.map((r) => [r.Channel, r.node, r.AccountCode, r.Account]), [['PJSIP/100-GLOBEX-00000003', 'node-a', 'GLOBEX', '100-GLOBEX'], ['PJSIP/carrier-00000004', 'node-b', 'GLOBEX', '']]);
    const all = (await json(await admin({ reqtype: 'CHANNELS', format: 'json' }))) as Array<Record<string, string>>;
    assert.equal(all.length, 4);
    assert.deepEqual(((await json(await admin({ reqtype: 'CHANNELS', tenant: 'ACME', format: 'json' }))) as Array<Record<string, string>>).map((r) => r.Channel), ['PJSIP/100-ACME-00000001', 'PJSIP/101-ACME-00000002']);
    assert.deepEqual(((await json(await admin({ reqtype: 'CHANNELS', nodename: 'node-b', format: 'json' }))) as Array<Record<string, string>>).map((r) => r.Channel), ['PJSIP/carrier-00000004']);
    assert.equal(await text(await as(h.acme, { reqtype: 'CHANNELS', nodename: 'node-b' })), `${HEADER}\n`);
    const csv = await as(h.acme, { reqtype: 'CHANNELS', format: 'csv' });
    assert.equal(csv.headers.get('content-type'), 'text/csv; charset=UTF-8');
    assert.equal((await csv.text()).split('\r\n')[0], HEADER.slice(0, -1).replace(/\|/g, ','));
    assert.equal((await as(h.acme, { reqtype: 'CHANNELS', format: 'xml' })).headers.get('x-callgrid-error'), 'unsupported_format');
    assert.equal(await text(await as(h.acme, { reqtype: 'CHANNELS', format: 'json' })).then((t) => t.startsWith('[{"node":"node-a"')), true);
  });

  test('a channel running a step shows its Application and Data in CHANNELS, CHANNEL, GETCURRENTCALLS and INFO call', async () => {
    add({ name: 'PJSIP/100-ACME-00000001', tenantId: h.acme.id, uniqueId: 'node-a-1795773535.1', extension: '100', account: '100-ACME', callerIdNum: '100', exten: '200', originateId: '5f1a2b3c4d5e6f', application: 'Playback', appData: 'welcome' });
    const rows = (await json(await as(h.acme, { reqtype: 'CHANNELS', format: 'json' }))) as Array<Record<string, string>>;
    assert.deepEqual(rows.map((r) => [r.Application, r.Data]), [['Playback', 'welcome']]);
    const fields = new Map((await json(await as(h.acme, { reqtype: 'CHANNEL', channel: 'PJSIP/100-ACME-00000001', format: 'json' }))) as Array<[string, string]>);
    assert.deepEqual([fields.get('Application'), fields.get('Data')], ['Playback', 'welcome']);
    const current = (await json(await as(h.acme, { reqtype: 'GETCURRENTCALLS', phone: '100', format: 'json' }))) as Array<Record<string, string>>;
    assert.deepEqual(current.map((r) => [r.Application, r.Data]), [['Playback', 'welcome']]);
    const call = (await json(await as(h.acme, { reqtype: 'INFO', info: 'call', id: '5f1a2b3c4d5e6f', format: 'json' }))) as Array<Record<string, string>>;
    assert.deepEqual(call.map((r) => [r.Application, r.Data]), [['Playback', 'welcome']]);
    h.runtime.channels.update('PJSIP/100-ACME-00000001', { application: 'Dial', appData: 'PJSIP/101-ACME,30' });
    assert.match(await text(await as(h.acme, { reqtype: 'CHANNELS' })), /\|Up\|Dial\|PJSIP\/101-ACME,30\|/);
  });

  test('CHANNELS with no calls: the header only, json []', async () => {
    assert.equal(await text(await as(h.acme, { reqtype: 'CHANNELS' })), `${HEADER}\n`);
    assert.deepEqual(await json(await as(h.acme, { reqtype: 'CHANNELS', format: 'json' })), []);
  });

  test('COUNTCHANNELS: per node like COUNTPEERS, this node always listed', async () => {
    assert.equal(await text(await as(h.acme, { reqtype: 'COUNTCHANNELS' })), 'node-a:0|');
    scenario();
    assert.equal(await text(await as(h.acme, { reqtype: 'COUNTCHANNELS' })), 'node-a:2|');
    assert.deepEqual(await json(await as(h.globex, { reqtype: 'COUNTCHANNELS', format: 'json' })), { 'node-a': 1, 'node-b': 1 });
    assert.deepEqual(await json(await admin({ reqtype: 'COUNTCHANNELS', format: 'json' })), { 'node-a': 3, 'node-b': 1 });
    assert.equal(await text(await admin({ reqtype: 'COUNTCHANNELS', nodename: 'node-b' })), 'node-b:1|');
    assert.equal(await text(await as(h.acme, { reqtype: 'COUNTCHANNELS', nodename: 'node-b' })), '');
    assert.equal(await text(await h.get({ key: h.acme.readOnlyKey, tenant: 'ACME', reqtype: 'COUNTCHANNELS' })), 'node-a:2|');
  });

  test('CHANNEL: field/value pairs of one channel; another tenant\'s reads as not found', async () => {
    scenario();
    const pairs = (await json(await as(h.acme, { reqtype: 'CHANNEL', channel: 'PJSIP/100-ACME-00000001', format: 'json' }))) as Array<[string, string]>;
    assert.deepEqual(pairs.slice(0, 3), [['Channel', 'PJSIP/100-ACME-00000001'], ['ChannelState', '6'], ['ChannelStateDesc', 'Up']]);
    assert.deepEqual(Object.fromEntries(pairs), {
      Channel: 'PJSIP/100-ACME-00000001', ChannelState: '6', ChannelStateDesc: 'Up', CallerIDNum: '100', CallerIDName: 'Alice', ConnectedLineNum: '101', ConnectedLineName: 'Bob',
      AccountCode: 'ACME', Context: 'ACME', Exten: '101', Priority: '1', Uniqueid: 'node-a-1795773535.1', Linkedid: 'node-a-1795773535.1', Application: 'Dial', Data: '101',
      BridgedChannel: 'PJSIP/101-ACME-00000002', Seconds: '65', BillableSeconds: '60', Direction: 'IN', Account: '100-ACME', Extension: '100', Node: 'node-a',
      SIPCallID: 'sip-node-a-1795773535.1', OriginateID: '',
    });
    const plain = await text(await as(h.acme, { reqtype: 'CHANNEL', channel: 'PJSIP/101-ACME-00000002' }));
    assert.equal(plain.split('\n')[0], 'Channel|PJSIP/101-ACME-00000002|');
    assert.equal(plain.split('\n')[2], 'ChannelStateDesc|Up|');
    await expectError(await as(h.acme, { reqtype: 'CHANNEL', channel: 'PJSIP/100-GLOBEX-00000003' }), 'not_found', 'Channel PJSIP/100-GLOBEX-00000003 not found');
    await expectError(await as(h.acme, { reqtype: 'CHANNEL', channel: 'PJSIP/nope' }), 'not_found', 'Channel PJSIP/nope not found');
    await expectError(await as(h.acme, { reqtype: 'CHANNEL' }), 'missing_parameter', 'No channel specified');
    const viaAdmin = (await json(await admin({ reqtype: 'CHANNEL', channel: 'PJSIP/100-GLOBEX-00000003', format: 'json' }))) as Array<[string, string]>;
    assert.equal(Object.fromEntries(viaAdmin).AccountCode, 'GLOBEX');
    await expectError(await admin({ reqtype: 'CHANNEL', tenant: 'ACME', channel: 'PJSIP/100-GLOBEX-00000003' }), 'not_found', 'Channel PJSIP/100-GLOBEX-00000003 not found');
  });

  test('GETCURRENTCALLS: the oldest channel of the extension, every one with multiple=yes, per tenant', async () => {
    scenario();
    add({ name: 'PJSIP/100-ACME-00000005', tenantId: h.acme.id, uniqueId: 'node-a-1795773540.5', direction: 'OUT', extension: '100', account: '100-ACME', state: 'Ringing', answeredAt: undefined, exten: '100', context: 'ACME' });
    assert.equal(await text(await as(h.acme, { reqtype: 'GETCURRENTCALLS', phone: '100' })), `${HEADER}\n${A1}\n`);
    const many = (await json(await as(h.acme, { reqtype: 'GETCURRENTCALLS', phone: '100-ACME', multiple: 'yes', format: 'json' }))) as Array<Record<string, string>>;
    assert.deepEqual(many.map((r) => [r.Channel, r.State]), [['PJSIP/100-ACME-00000001', 'Up'], ['PJSIP/100-ACME-00000005', 'Ringing']]);
    const globex = (await json(await as(h.globex, { reqtype: 'GETCURRENTCALLS', phone: '100', multiple: 'YES', format: 'json' }))) as Array<Record<string, string>>;
    assert.deepEqual(globex.map((r) => r.Channel), ['PJSIP/100-GLOBEX-00000003']);
    assert.equal(await text(await as(h.acme, { reqtype: 'GETCURRENTCALLS', phone: '102' })), `${HEADER}\n`);
    await expectError(await as(h.acme, { reqtype: 'GETCURRENTCALLS', phone: '999' }), 'not_found', 'Extension 999 not found');
    await expectError(await as(h.acme, { reqtype: 'GETCURRENTCALLS', phone: '100-GLOBEX' }), 'not_found', 'Extension 100-GLOBEX not found');
    await expectError(await as(h.acme, { reqtype: 'GETCURRENTCALLS' }), 'missing_parameter', 'No phone specified');
    await expectError(await as(h.acme, { reqtype: 'GETCURRENTCALLS', phone: '100', multiple: 'maybe' }), 'invalid_parameter', "Invalid multiple 'maybe': expected yes or no");
    await expectError(await admin({ reqtype: 'GETCURRENTCALLS', phone: '100' }), 'missing_parameter', 'No tenant specified');
  });

  test('INFO extstate: KO when not registered, empty values when idle, the live call otherwise', async () => {
    const state = async (t: TenantKeys, ext: string, format = 'json') => json(await as(t, { reqtype: 'INFO', info: 'extstate', ext, format }));
    const empty = { UniqueID: '', LinkedID: '', 'Connected Line ID': '', 'Connected Line ID Name': '', Context: '', Extension: '', Direction: '', OtherParty: '' };
    assert.deepEqual(await state(h.acme, '100'), { ...empty, UniqueID: 'KO', LinkedID: 'Extension not registered' });
    await register(h.acme, '100');
    assert.deepEqual(await state(h.acme, '100'), empty);
    scenario();
    assert.deepEqual(await state(h.acme, '100'), {
      UniqueID: 'node-a-1795773535.1', LinkedID: 'node-a-1795773535.1', 'Connected Line ID': '101', 'Connected Line ID Name': 'Bob', Context: 'ACME', Extension: '101', Direction: 'IN', OtherParty: '101',
    });
    // GLOBEX's 100 is busy too, but it is not registered here: the channel wins (a call proves the phone is there).
    assert.equal(((await state(h.globex, '100')) as Record<string, string>).UniqueID, 'node-a-1795773535.3');
    assert.equal(((await state(h.acme, '101')) as Record<string, string>).Direction, 'OUT');
    assert.equal(
      await text(await as(h.acme, { reqtype: 'INFO', info: 'extstate', number: '102' })),
      'UniqueID|LinkedID|Connected Line ID|Connected Line ID Name|Context|Extension|Direction|OtherParty|\nKO|Extension not registered|||||||\n',
    );
    await expectError(await as(h.acme, { reqtype: 'INFO', info: 'extstate' }), 'missing_parameter', 'No ext specified');
    await expectError(await as(h.acme, { reqtype: 'INFO', info: 'extstate', ext: '999' }), 'not_found', 'Extension 999 not found');
    await expectError(await admin({ reqtype: 'INFO', info: 'extstate', ext: '100' }), 'missing_parameter', 'No tenant specified');
  });

  test('INFO call: the live channels by originate id, uniqueid or linkedid, then the CDRs, else not found', async () => {
    add({ name: 'PJSIP/100-ACME-00000001', tenantId: h.acme.id, uniqueId: 'node-a-1795773535.1', extension: '100', callerIdNum: '100', exten: '100', originateId: '5f1a2b3c4d5e6f' });
    add({ name: 'PJSIP/carrier-00000002', tenantId: h.acme.id, uniqueId: 'node-a-1795773535.2', linkedId: 'node-a-1795773535.1', direction: 'OUT', callerIdNum: '100', exten: '5551234', originateId: '5f1a2b3c4d5e6f', state: 'Ringing', answeredAt: undefined });
    const HEAD = 'Status|OriginateID|UniqueID|LinkedID|Channel|Source|Destination|State|Start|Answer|End|Duration|Billsec|Disposition|Application|Data|';
    const live = `${HEAD}\nACTIVE|5f1a2b3c4d5e6f|node-a-1795773535.1|node-a-1795773535.1|PJSIP/100-ACME-00000001|100|100|Up|2026-11-27 09:58:55|2026-11-27 09:59:00||65|60||Dial|100|\n` +
      'ACTIVE|5f1a2b3c4d5e6f|node-a-1795773535.2|node-a-1795773535.1|PJSIP/carrier-00000002|100|5551234|Ringing|2026-11-27 09:58:55|||65|0||AppDial|(Outgoing Line)|\n';
    assert.equal(await text(await as(h.acme, { reqtype: 'INFO', info: 'call', id: '5f1a2b3c4d5e6f' })), live);
    assert.equal(await text(await as(h.acme, { reqtype: 'INFO', info: 'call', id: 'node-a-1795773535.2' })), live);
    assert.equal(await text(await admin({ reqtype: 'INFO', info: 'call', id: 'node-a-1795773535.1' })), live);
    await expectError(await as(h.globex, { reqtype: 'INFO', info: 'call', id: '5f1a2b3c4d5e6f' }), 'not_found', 'Call 5f1a2b3c4d5e6f not found');

    // The call ends: the B2BUA removes the legs and writes the CDR with the originate id.
    h.runtime.channels.remove('PJSIP/100-ACME-00000001');
    h.runtime.channels.remove('PJSIP/carrier-00000002');
    const acme = await h.runtime.store.tenants.get(h.acme.id);
    assert.ok(acme);
    await h.runtime.services.cdrs.record(acme, { start: '2026-11-27 09:58:55', answer: '2026-11-27 09:59:00', end: '2026-11-27 10:00:00', uniqueid: 'node-a-1795773535.1', linkedid: 'node-a-1795773535.1', src: '100', dst: '5551234', duration: 65, billsec: 60, disposition: 'ANSWERED', dstchannel: 'PJSIP/carrier-00000002', originateid: '5f1a2b3c4d5e6f' });
    const ended = `${HEAD}\nENDED|5f1a2b3c4d5e6f|node-a-1795773535.1|node-a-1795773535.1|PJSIP/carrier-00000002|100|5551234|Down|2026-11-27 09:58:55|2026-11-27 09:59:00|2026-11-27 10:00:00|65|60|ANSWERED|||\n`;
    assert.equal(await text(await as(h.acme, { reqtype: 'INFO', info: 'call', id: '5f1a2b3c4d5e6f' })), ended);
    assert.equal(await text(await as(h.acme, { reqtype: 'INFO', info: 'call', id: 'node-a-1795773535.1' })), ended);
    const rows = (await json(await as(h.acme, { reqtype: 'INFO', info: 'call', id: '5f1a2b3c4d5e6f', format: 'json' }))) as Array<Record<string, string>>;
    assert.deepEqual(rows.map((r) => [r.Status, r.Disposition]), [['ENDED', 'ANSWERED']]);
    assert.equal((await text(await as(h.acme, { reqtype: 'INFO', info: 'call', id: '5f1a2b3c4d5e6f', format: 'csv' }))).split('\r\n')[0], HEAD.slice(0, -1).replace(/\|/g, ','));
    // An originate id this process never saw (another node, a restart): found by scanning recent CDRs.
    await h.runtime.services.cdrs.record(acme, { start: '2026-11-26 18:00:00', uniqueid: 'node-b-1795700000.9', linkedid: 'node-b-1795700000.9', originateid: 'aa11bb22cc33dd', disposition: 'NO ANSWER' });
    assert.match(await text(await as(h.acme, { reqtype: 'INFO', info: 'call', id: 'aa11bb22cc33dd' })), /\nENDED\|aa11bb22cc33dd\|node-b-1795700000\.9\|/);
    await expectError(await as(h.globex, { reqtype: 'INFO', info: 'call', id: 'aa11bb22cc33dd' }), 'not_found', 'Call aa11bb22cc33dd not found');
    await expectError(await as(h.globex, { reqtype: 'INFO', info: 'call', id: 'node-a-1795773535.1' }), 'not_found', 'Call node-a-1795773535.1 not found');
    await expectError(await as(h.acme, { reqtype: 'INFO', info: 'call', id: 'ffffffffffffff' }), 'not_found', 'Call ffffffffffffff not found');
    await expectError(await as(h.acme, { reqtype: 'INFO', info: 'call' }), 'missing_parameter', 'No id specified');
  });

  test('HANGUP: by channel, peer name, number or source, within the tenant; counts channels', async () => {
    scenario();
    await expectError(await as(h.acme, { reqtype: 'HANGUP', extension: '100-GLOBEX' }), 'not_found', 'No channel of 100-GLOBEX');
    await expectError(await as(h.acme, { reqtype: 'HANGUP', channel: 'PJSIP/100-GLOBEX-00000003' }), 'not_found', 'Channel PJSIP/100-GLOBEX-00000003 not found');
    await expectError(await as(h.acme, { reqtype: 'HANGUP', number: '102' }), 'not_found', 'No channel of extension 102');
    await expectError(await as(h.acme, { reqtype: 'HANGUP' }), 'missing_parameter', 'No channel specified: give channel, extension (103-TENANT), number (103) or source');
    assert.equal(hungUp.length, 0);
    assert.equal(await text(await as(h.acme, { reqtype: 'HANGUP', number: '100' })), 'OK|1 channels hung up');
    assert.deepEqual(hungUp, ['PJSIP/100-ACME-00000001']);
    assert.deepEqual(await json(await as(h.globex, { reqtype: 'HANGUP', source: '100', format: 'json' })), { result: 'OK', hungup: 1 });
    assert.deepEqual(hungUp, ['PJSIP/100-ACME-00000001', 'PJSIP/100-GLOBEX-00000003']);
    assert.equal(await text(await as(h.acme, { reqtype: 'HANGUP', extension: '101-ACME' })), 'OK|1 channels hung up');
    assert.equal(await text(await as(h.acme, { reqtype: 'HANGUP', extension: '101' })), 'OK|1 channels hung up');
    assert.equal(await text(await as(h.acme, { reqtype: 'HANGUP', channel: 'PJSIP/101-ACME-00000002', fast: 'yes' })), 'OK|1 channels hung up');
    // The admin key: peer names and channel names are unique across tenants; bare numbers are not.
    await expectError(await admin({ reqtype: 'HANGUP', number: '100' }), 'missing_parameter', 'No tenant specified: extension number 100 needs the tenant (or give the peer name, such as 100-TENANT)');
    assert.equal(await text(await admin({ reqtype: 'HANGUP', extension: '100-globex' })), 'OK|1 channels hung up');
    assert.equal(await text(await admin({ reqtype: 'HANGUP', tenant: 'GLOBEX', number: '100' })), 'OK|1 channels hung up');
    assert.equal(hungUp.filter((n) => n.includes('GLOBEX')).length, 3);
    assert.equal((await h.get({ key: h.acme.readOnlyKey, tenant: 'ACME', reqtype: 'HANGUP', number: '100' })).headers.get('x-callgrid-error'), 'read_only_key');
  });

  test('HANGUP ends a call once even when several of its channels match', async () => {
    add({ name: 'PJSIP/100-ACME-00000001', tenantId: h.acme.id, uniqueId: 'u.1', extension: '100', account: '100-ACME' });
    add({ name: 'PJSIP/100-ACME-00000002', tenantId: h.acme.id, uniqueId: 'u.2', linkedId: 'u.1', direction: 'OUT', extension: '100', account: '100-ACME' });
    assert.equal(await text(await as(h.acme, { reqtype: 'HANGUP', extension: '100-ACME' })), 'OK|2 channels hung up');
    assert.deepEqual(hungUp, ['PJSIP/100-ACME-00000001']);
  });

  test('TRANSFER: blind transfer of a channel (and an extra channel) of the tenant', async () => {
    scenario();
    assert.equal(await text(await as(h.acme, { reqtype: 'TRANSFER', channel: 'PJSIP/101-ACME-00000002', dest: '102' })), 'OK|1 channels transferred');
    assert.deepEqual(transfers, [['PJSIP/101-ACME-00000002', '102']]);
    assert.deepEqual(await json(await as(h.acme, { reqtype: 'TRANSFER', channel: 'PJSIP/100-ACME-00000001', extrachannel: 'PJSIP/101-ACME-00000002', dest: '*600', format: 'json' })), { result: 'OK', transferred: 2 });
    await expectError(await as(h.acme, { reqtype: 'TRANSFER', channel: 'PJSIP/100-GLOBEX-00000003', dest: '102' }), 'not_found', 'Channel PJSIP/100-GLOBEX-00000003 not found');
    await expectError(await as(h.acme, { reqtype: 'TRANSFER', channel: 'PJSIP/100-ACME-00000001', extrachannel: 'PJSIP/100-GLOBEX-00000003', dest: '102' }), 'not_found', 'Channel PJSIP/100-GLOBEX-00000003 not found');
    await expectError(await as(h.acme, { reqtype: 'TRANSFER', channel: 'PJSIP/100-ACME-00000001', dest: '10 2; drop' }), 'invalid_parameter', "Invalid dest '10 2; drop': expected a phone number (digits, * or #, optional leading +, at most 32)");
    await expectError(await as(h.acme, { reqtype: 'TRANSFER', dest: '102' }), 'missing_parameter', 'No channel specified');
    await expectError(await as(h.acme, { reqtype: 'TRANSFER', channel: 'PJSIP/100-ACME-00000001' }), 'missing_parameter', 'No dest specified');
    transferError = 'the channel is not answered';
    await expectError(await as(h.acme, { reqtype: 'TRANSFER', channel: 'PJSIP/100-ACME-00000001', dest: '102' }), 'conflict', 'Transfer of PJSIP/100-ACME-00000001 to 102 failed: the channel is not answered');
    transferError = undefined;
    assert.equal(await text(await admin({ reqtype: 'TRANSFER', channel: 'PJSIP/100-GLOBEX-00000003', dest: '101' })), 'OK|1 channels transferred');
    assert.equal(transfers.filter(([n]) => n.includes('GLOBEX')).length, 1);
    assert.equal((await h.get({ key: h.globex.readOnlyKey, tenant: 'GLOBEX', reqtype: 'TRANSFER', channel: 'PJSIP/100-GLOBEX-00000003', dest: '101' })).headers.get('x-callgrid-error'), 'read_only_key');
  });

  describe('DIAL', () => {
    beforeEach(() => h.runtime.services.calls.attach(originator));

    test('queues the call and answers the MiRTA line with a 14-hex-digit originate id', async () => {
      const body = await text(await as(h.acme, { reqtype: 'DIAL', source: '100', dest: '0039055123456' }));
      assert.match(body, /^Success\|Originate successfully queued\|[0-9a-f]{14}\|$/);
      const id = body.split('|')[2];
      assert.deepEqual(originator.requests, [{ tenantId: h.acme.id, source: '100', destination: '0039055123456', dialTimeoutMs: 30_000, autoAnswer: false, variables: { SETPEERNAME: '100-ACME' }, originateId: id }]);
      assert.equal(id?.slice(0, 8), Math.floor(h.clock.now().getTime() / 1000).toString(16));
    });

    test('maps every documented parameter and alias', async () => {
      const res = await h.post({
        key: h.acme.fullKey, tenant: 'ACME', reqtype: 'DIAL', exten: '101', phone: '+39055123456', account: '101-ACME', var: 'callid=453131,lead=a=b', vars: '{"campaign":"summer","n":42}',
        dialtimeout: '45', timeout: '3600', sourceclid: '07377777', destclid: 'Sales 0612', recording: 'YesChange', server: 'NODE-A', autoanswer: 'yes', nofollow: 'on', logqueueoutbound: 'no', format: 'json',
      });
      const answer = (await json(res)) as Record<string, string>;
      assert.deepEqual({ ...answer, ID: 'x' }, { Response: 'Success', Message: 'Originate successfully queued', ID: 'x', source: '101', dest: '+39055123456', server: 'node-a', node: 'node-a' });
      assert.deepEqual(originator.requests[0], {
        // A bare number is the number (shown as the name too); a bare name is the name, the number stays the default.
        tenantId: h.acme.id, source: '101', destination: '+39055123456', sourceCallerId: '07377777', sourceCallerNumber: '07377777', destinationCallerName: 'Sales 0612', dialTimeoutMs: 45_000, maxDurationMs: 3_600_000, autoAnswer: true,
        variables: {
          'ACME-callid': '453131', 'ACME-lead': 'a=b', 'ACME-campaign': 'summer', 'ACME-n': '42', VARLIST: 'ACME-callid,ACME-lead,ACME-campaign,ACME-n',
          SETPEERNAME: '101-ACME', SETTIMEOUT: '3600', SETSOURCECLID: '07377777', SETDESTCLID: 'Sales 0612', SETRECORDING: 'yeschange', AUTOANSWER: 'yes', SETNOFOLLOWEXTENSION: 'yes',
        },
        originateId: answer.ID,
      });
    });

    test('sourceclid and destclid in Asterisk CALLERID(all) syntax: name <number>, "name" <number>', async () => {
      // A click-to-dial helper sends exactly this so the phone shows what it is about to dial.
      await text(await as(h.acme, { reqtype: 'DIAL', source: '100', dest: '0475123456', sourceclid: '0475123456<Dial:>', destclid: '"Sales \\"EU\\"" <+39 0612>' }));
      await text(await as(h.acme, { reqtype: 'DIAL', source: '100', dest: '200', sourceclid: 'Front desk <0612345>', destclid: '<0611>' }));
      const [first, second] = originator.requests;
      assert.deepEqual([first?.sourceCallerId, first?.sourceCallerNumber, first?.destinationCallerName, first?.destinationCallerId], ['0475123456', undefined, 'Sales "EU"', '+390612']);
      assert.deepEqual([first?.variables.SETSOURCECLID, first?.variables.SETDESTCLID], ['0475123456<Dial:>', '"Sales \\"EU\\"" <+39 0612>'], 'the dialplan variables keep the text as sent');
      assert.deepEqual([second?.sourceCallerId, second?.sourceCallerNumber, second?.destinationCallerName, second?.destinationCallerId], ['Front desk', '0612345', '0611', '0611']);
    });

    test('var: URL-encoded pairs separated by & as well as by commas; server= this node', async () => {
      await text(await as(h.acme, { reqtype: 'DIAL', source: '100', dest: '200', var: 'callid=453131&lead=7,src=web', server: 'node-a' }));
      assert.deepEqual(originator.requests[0]?.variables, { 'ACME-callid': '453131', 'ACME-lead': '7', 'ACME-src': 'web', VARLIST: 'ACME-callid,ACME-lead,ACME-src', SETPEERNAME: '100-ACME' });
    });

    test('source=ACCOUNT takes the number of account; account=SOURCE the account of source', async () => {
      await text(await as(h.acme, { reqtype: 'DIAL', source: 'account', account: '102-ACME', dest: '100' }));
      await text(await as(h.globex, { reqtype: 'DIAL', source: '101', account: 'source', dest: '100' }));
      assert.deepEqual(originator.requests.map((r) => [r.tenantId, r.source, r.destination, r.variables.SETPEERNAME]), [[h.acme.id, '102', '100', '102-ACME'], [h.globex.id, '101', '100', '101-GLOBEX']]);
      await expectError(await as(h.acme, { reqtype: 'DIAL', source: 'ACCOUNT', dest: '100' }), 'invalid_parameter', 'Invalid source ACCOUNT: give account as a peer name such as 402-TENANT (account=SOURCE needs a source number)');
      await expectError(await as(h.acme, { reqtype: 'DIAL', source: 'ACCOUNT', account: 'SOURCE', dest: '100' }), 'invalid_parameter', 'Invalid source ACCOUNT: give account as a peer name such as 402-TENANT (account=SOURCE needs a source number)');
      // Tenant A cannot place a call as tenant B's phone, nor ring it.
      await expectError(await as(h.acme, { reqtype: 'DIAL', source: 'ACCOUNT', account: '102-GLOBEX', dest: '100' }), 'not_found', 'Account 102-GLOBEX not found');
      await expectError(await as(h.acme, { reqtype: 'DIAL', source: '100', account: '100-GLOBEX', dest: '100' }), 'not_found', 'Account 100-GLOBEX not found');
      assert.equal(originator.requests.length, 2);
    });

    test('every refusal, before anything is dialled', async () => {
      const dial = (params: Record<string, string>) => as(h.acme, { reqtype: 'DIAL', source: '100', dest: '200', ...params });
      await expectError(await as(h.acme, { reqtype: 'DIAL', dest: '200' }), 'missing_parameter', 'No source specified');
      await expectError(await as(h.acme, { reqtype: 'DIAL', source: '100' }), 'missing_parameter', 'No dest specified');
      await expectError(await dial({ dest: '555-CALL-NOW' }), 'invalid_parameter', "Invalid dest '555-CALL-NOW': expected a phone number (digits, * or #, optional leading +, at most 32)");
      await expectError(await dial({ source: '10a' }), 'invalid_parameter', "Invalid source '10a': expected a phone number (digits, * or #, optional leading +, at most 32)");
      await expectError(await dial({ source: '999' }), 'not_found', 'Extension 999 not found');
      await expectError(await dial({ dialtimeout: '0' }), 'invalid_parameter', "Invalid dialtimeout '0': expected whole seconds from 1 to 600");
      await expectError(await dial({ timeout: 'soon' }), 'invalid_parameter', "Invalid timeout 'soon': expected whole seconds from 1 to 86400");
      await expectError(await dial({ recording: 'always' }), 'invalid_parameter', "Invalid recording 'always': expected yes, no, yeschange, nochange");
      await expectError(await dial({ autoanswer: 'please' }), 'invalid_parameter', "Invalid autoanswer 'please': expected yes or no");
      await expectError(await dial({ var: 'callid' }), 'invalid_parameter', "Invalid var 'callid': expected name=value (several: a=1,b=2)");
      await expectError(await dial({ var: '1st=x' }), 'invalid_parameter', "Invalid var '1st': a name is a letter or _ then letters, digits or _ (at most 64)");
      await expectError(await dial({ vars: '[1]' }), 'invalid_parameter', 'Invalid vars: expected a JSON object of name: value');
      await expectError(await dial({ sourceclid: 'Evil\r\nVia: x <1>' }), 'invalid_parameter', 'Invalid sourceclid: at most 80 characters, no control characters (a number, a name, or a name then the number in angle brackets)');
      await expectError(await dial({ destclid: 'x'.repeat(81) }), 'invalid_parameter', 'Invalid destclid: at most 80 characters, no control characters (a number, a name, or a name then the number in angle brackets)');
      await expectError(await dial({ server: 'node a' }), 'invalid_parameter', "Invalid server 'node a': expected a node name");
      await expectError(await dial({ server: 'node-b' }), 'invalid_parameter', "Invalid server 'node-b': this PBX runs one node, node-a (clusters are not built yet); give server=node-a or leave it out");
      await expectError(await dial({ account: '101-ACME' }), 'invalid_parameter', "Invalid account 101-ACME: it is not extension 100's (give account=SOURCE, or source=ACCOUNT to call from 101-ACME)");
      await expectError(await dial({ logqueueoutbound: 'yes' }), 'not_implemented', 'Not implemented: logqueueoutbound=yes (queue logs: queues are not built yet); send no or leave it out');
      await expectError(await admin({ reqtype: 'DIAL', source: '100', dest: '200' }), 'missing_parameter', 'No tenant specified');
      assert.equal((await h.get({ key: h.acme.readOnlyKey, tenant: 'ACME', reqtype: 'DIAL', source: '100', dest: '200' })).headers.get('x-callgrid-error'), 'read_only_key');
      assert.equal(originator.requests.length, 0);
    });

    test('a call the B2BUA cannot place answers Error|<why>|', async () => {
      originator.outcome = { ok: false, error: 'extension 100 is not registered' };
      await expectError(await as(h.acme, { reqtype: 'DIAL', source: '100', dest: '200' }), 'conflict', 'Error|extension 100 is not registered|');
      const res = await as(h.acme, { reqtype: 'DIAL', source: '100', dest: '200', format: 'json' });
      assert.equal(res.headers.get('x-callgrid-error'), 'conflict');
      assert.equal(await res.text(), '"Error|extension 100 is not registered|"');
    });

    test('without the SIP side, DIAL says calls are not available', async () => {
      h.runtime.services.calls.attach(undefined);
      await expectError(await as(h.acme, { reqtype: 'DIAL', source: '100', dest: '200' }), 'not_implemented', 'Calls are not available: the SIP side is not running on this node');
    });

    test('the originate id finds the call in INFO call while it runs', async () => {
      const id = (await text(await as(h.acme, { reqtype: 'DIAL', source: '100', dest: '200' }))).split('|')[2] ?? '';
      add({ name: 'PJSIP/100-ACME-00000009', tenantId: h.acme.id, uniqueId: 'node-a-1795773600.9', extension: '100', originateId: id, state: 'Ringing', answeredAt: undefined });
      assert.match(await text(await as(h.acme, { reqtype: 'INFO', info: 'call', id })), new RegExp(`\\nACTIVE\\|${id}\\|node-a-1795773600\\.9\\|`));
      await expectError(await as(h.globex, { reqtype: 'INFO', info: 'call', id }), 'not_found', `Call ${id} not found`);
    });
  });
});
