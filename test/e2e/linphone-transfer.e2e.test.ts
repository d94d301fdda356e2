// A real phone's own attended transfer through the B2BUA (REFER with Replaces, RFC 3891): linphone (X) answers A,
// holds A, calls C, then transfers A to C. A and C (baresip) must end up talking through Callgrid's relay, each
// hearing the other's tone, with X out of both calls. Complements the scripted-phone test beside replaces-transfer.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { assertTone, skipWithoutSox, writeToneWav } from '../support/audio.ts';
import { skipWithoutBaresip, startBaresip, type BaresipPhone } from '../support/baresip.ts';
import { skipWithoutLinphone, startLinphone, type LinphonePhone } from '../support/linphone.ts';
import { createTestNetwork, skipWithoutNetns, type TestNetwork } from '../support/netns.ts';
import { startPbxServer } from './pbx-server.ts';
import { api, delay, eventually, stopAll, tempDir } from './process.ts';

const SKIP =
  skipWithoutNetns('linphone transfer e2e') ||
  skipWithoutBaresip('linphone transfer e2e') ||
  skipWithoutLinphone('linphone transfer e2e') ||
  skipWithoutSox('linphone transfer e2e');
const TONES = { a: 600, c: 1400, x: 1800 } as const;
const ACCOUNTS = { a: '100-ACME', x: '101-ACME', c: '102-ACME' } as const;

describe("a real phone's attended transfer (REFER with Replaces) through the B2BUA", { skip: SKIP }, () => {
  const data = tempDir('linphone-transfer');
  let net: TestNetwork;
  let base = '';
  let sipPort = 0;
  let key = '';
  let a: BaresipPhone | undefined;
  let c: BaresipPhone | undefined;
  let x: LinphonePhone | undefined;
  const uri = (number: string) => `sip:${number}@${net.hostAddress}:${sipPort}`;
  const channels = async () => {
    const answer = await api(base, { key, tenant: 'ACME', reqtype: 'CHANNELS', format: 'json' });
    assert.equal(answer.headers.get('x-callgrid-error'), null, answer.text);
    return JSON.parse(answer.text) as Array<Record<string, string>>;
  };

  before(async () => {
    net = await createTestNetwork('lptransfer');
    const server = await startPbxServer({ dataDir: data.path, mediaAddress: net.hostAddress, env: { CALLGRID_LOG_LEVEL: 'info' } });
    ({ base, sipPort } = server);
    const post = async (params: Record<string, string>) => {
      const answer = await api(base, {}, { method: 'POST', body: new URLSearchParams(params) });
      assert.equal(answer.headers.get('x-callgrid-error'), null, answer.text);
      return answer.text;
    };
    key = (JSON.parse(await post({ key: server.adminKey, reqtype: 'MANAGEDB', object: 'tenant', action: 'add', jsondata: JSON.stringify({ te_code: 'ACME', te_name: 'ACME' }) })) as { apikey: string }).apikey;
    for (const number of ['100', '101', '102']) {
      await post({ key, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'extension', action: 'add', jsondata: JSON.stringify({ ex_number: number, ex_name: `ACME ${number}`, secret: `secret-${number}` }) });
    }
    const tone = (name: keyof typeof TONES) => {
      const path = join(data.path, `${name}.wav`);
      writeToneWav(path, { frequencyHz: TONES[name], seconds: 90, padSeconds: 60 });
      return path;
    };
    const account = (number: string) => ({ username: `${number}-ACME`, password: `secret-${number}`, domain: net.hostAddress, port: sipPort });
    a = await startBaresip({ net, name: 'a100', sipPort: 5084, audioFile: tone('a'), recordDir: join(data.path, 'rec-a'), account: { ...account('100'), transport: 'udp', regint: 600 } });
    c = await startBaresip({ net, name: 'c102', sipPort: 5088, audioFile: tone('c'), recordDir: join(data.path, 'rec-c'), account: { ...account('102'), transport: 'udp', regint: 600 } });
    x = await startLinphone({ net, name: 'x101', sipPort: 5070, audioFile: tone('x'), account: account('101') });
    await Promise.all([a.waitForRegistration(), c.waitForRegistration(), x.waitForRegistration()]);
  });

  after(async () => {
    for (const phone of [a, c, x]) await phone?.stop();
    await stopAll();
    await net?.destroy();
    data.remove();
  });

  test('X talks with A, holds A, calls C, transfers A to C: A and C talk through the relay, X is out', async () => {
    assert.ok(a && c && x);
    await a.dial(uri('101'));
    const withA = (await x.waitForIncoming({ timeoutMs: 10_000 })).id;
    await x.answer(withA);
    await a.waitForEstablished({ timeoutMs: 10_000 });
    await delay(2_000);

    await x.pause(withA);
    const cAnswers = c.accept({ timeoutMs: 15_000 });
    const withC = await x.call(uri('102'), { timeoutMs: 15_000 });
    await cAnswers;
    const before = await channels();
    assert.deepEqual(before.map((ch) => ch.Account).sort(), [ACCOUNTS.a, ACCOUNTS.x, ACCOUNTS.x, ACCOUNTS.c].sort(), JSON.stringify(before));
    await delay(2_000);

    await x.transferToCall(withA, withC, { timeoutMs: 10_000 });
    // Told by the NOTIFY that the transfer is done, linphone hangs up its call with A itself. Its call with C is the
    // dialog Replaces named: RFC 3891 §3 has whoever accepted the Replaces end it with BYE, which is Callgrid here
    // (C is never re-INVITEd), and linphone waits for that BYE.
    await x.waitForEnded(withA, { timeoutMs: 10_000 });
    await x.waitForEnded(withC, { timeoutMs: 10_000 });
    const joined = await channels();
    assert.equal(joined.length, 2, JSON.stringify(joined));
    const channelA = joined.find((ch) => ch.Account === ACCOUNTS.a);
    const channelC = joined.find((ch) => ch.Account === ACCOUNTS.c);
    assert.ok(channelA && channelC, `A and C are the two channels: ${JSON.stringify(joined)}`);
    assert.equal(channelA.BridgedChannel, channelC.Channel);
    assert.equal(channelC.BridgedChannel, channelA.Channel);

    await delay(4_000);
    assert.equal(a.activeCalls().length, 1, 'A is still in its call');
    assert.equal(c.activeCalls().length, 1, 'C is still in its call');
    const callA = a.activeCalls()[0]?.id;
    const callC = c.activeCalls()[0]?.id;
    assert.ok(callA && callC);
    await a.hangup({ callId: callA });
    await c.waitForClosed({ callId: callC, timeoutMs: 10_000 });
    assert.deepEqual(x.activeCalls(), [], 'X has no call left');
    await eventually(async () => (await channels()).length === 0, 5_000, 'no channel left after A hung up');

    // Each phone made one call; its recording is complete once that call closed.
    const heardBy = (phone: BaresipPhone) => phone.lastRecording()?.heard ?? `(${phone.name} recorded nothing)`;
    assertTone(heardBy(a), TONES.x, { minSeconds: 1, minRatio: 0.1 });
    assertTone(heardBy(a), TONES.c, { minSeconds: 1.5, minRatio: 0.2 });
    assertTone(heardBy(c), TONES.a, { minSeconds: 1.5, minRatio: 0.2 });
  });
});
