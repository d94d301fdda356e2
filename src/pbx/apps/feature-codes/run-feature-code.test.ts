// runFeatureCode with a fake caller leg and a real UDP socket as the phone's media: the action runs, the answer
// names one G.711 codec the phone offered, the phone receives the confirmation tone, then the PBX sends BYE.
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { decodeMulaw, parseRtp, parseSdp, RtpPortPool, type RtpPacket, type SessionDescription } from '../../../media/index.ts';
import { silentLogger } from '../../../shared/index.ts';
import type { FeatureActions } from './feature-actions.ts';
import { runFeatureCode, type FeatureCall, type FeatureCodeDeps } from './run-feature-code.ts';

const LOOPBACK = '127.0.0.1';

async function udp(): Promise<{ socket: Socket; port: number; packets: RtpPacket[] }> {
  const socket = createSocket('udp4');
  const packets: RtpPacket[] = [];
  socket.on('message', (data) => {
    const parsed = parseRtp(data);
    if (parsed.ok) packets.push({ ...parsed.value, payload: Buffer.from(parsed.value.payload) });
  });
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
  return { socket, port: socket.address().port, packets };
}

function offer(port: number, formats = '8 0 101'): SessionDescription {
  const parsed = parseSdp(
    ['v=0', `o=phone 1 1 IN IP4 ${LOOPBACK}`, 's=-', `c=IN IP4 ${LOOPBACK}`, 't=0 0', `m=audio ${port} RTP/AVP ${formats}`, 'a=rtpmap:101 telephone-event/8000', 'a=sendrecv', ''].join('\r\n'),
  );
  assert.ok(parsed.ok);
  return parsed.value;
}

class FakeCall implements FeatureCall {
  readonly tenantId = 1;
  readonly extensionId = 7;
  answered: SessionDescription | undefined;
  byes = 0;
  rejected: number | undefined;
  readonly hangup = new AbortController();
  readonly ended = this.hangup.signal;
  events: string[] = [];
  constructor(readonly offer: SessionDescription) {}
  answer(sdp: string): boolean {
    const parsed = parseSdp(sdp);
    assert.ok(parsed.ok);
    this.answered = parsed.value;
    this.events.push('answer');
    return true;
  }
  bye(): void {
    this.byes++;
    this.events.push('bye');
  }
  reject(status: number): void {
    this.rejected = status;
  }
}

function fakeActions(flow: 'INUSE' | null = 'INUSE'): FeatureActions & { log: string[] } {
  const log: string[] = [];
  let dnd = false;
  return {
    log,
    async setDnd(tenantId, extensionId, on) {
      dnd = on === 'toggle' ? !dnd : on;
      log.push(`dnd ${tenantId}/${extensionId} ${String(on)}`);
      return dnd;
    },
    async toggleFlow(tenantId, number) {
      log.push(`flow ${tenantId} ${number}`);
      return flow ?? undefined;
    },
  };
}

describe('runFeatureCode', () => {
  const base = 41000 + 2 * Math.floor(Math.random() * 2000);
  const pool = new RtpPortPool({ host: LOOPBACK, portMin: base, portMax: base + 40 });
  const deps = (actions: FeatureActions): FeatureCodeDeps => ({ actions, ports: pool, mediaAddress: LOOPBACK, logger: silentLogger });
  let phone: Awaited<ReturnType<typeof udp>>;
  before(async () => {
    phone = await udp();
  });
  after(() => phone.socket.close());

  test('DND on: answers with PCMU (offered second), plays two 800 Hz beeps to the phone, then BYE', async () => {
    phone.packets.length = 0;
    const call = new FakeCall(offer(phone.port));
    const actions = fakeActions();
    const summary = await runFeatureCode(deps(actions), call, { kind: 'dnd', value: 'on' });
    assert.deepEqual(actions.log, ['dnd 1/7 true']);
    assert.equal(summary.outcome, 'on');
    assert.equal(summary.state, 'on');
    assert.equal(summary.detail, 'DND on');
    assert.equal(summary.hungUpBy, 'pbx');
    assert.ok(summary.answeredAt !== undefined && summary.endedAt >= summary.answeredAt);
    assert.deepEqual(call.events, ['answer', 'bye']);
    const media = call.answered?.media[0];
    assert.ok(media);
    assert.deepEqual(media.formats, ['0'], 'exactly one codec: PCMU');
    assert.ok(media.port >= base && media.port <= base + 40);
    // Lead-in 200 ms + 150 + 100 + 150 ms of beeps + 300 ms tail = 45 packets, all sent before the BYE.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(phone.packets.length, 45);
    assert.ok(phone.packets.every((p) => p.payloadType === 0 && p.ssrc === phone.packets[0]?.ssrc));
    const pcm = phone.packets.flatMap((p) => Array.from(decodeMulaw(p.payload)));
    const beep = pcm.slice(1600 + 400, 1600 + 800); // inside the first beep
    assert.ok(Math.max(...beep) > 6000, 'the beep is loud');
    assert.ok(pcm.slice(0, 1600).every((s) => Math.abs(s) < 16), 'the lead-in is silence');
    assert.equal(pool.inUse, 0, 'the port pair is released');
  });

  test('a flow that does not exist: failure tone, still answered and hung up; PCMA when only PCMA is offered', async () => {
    phone.packets.length = 0;
    const call = new FakeCall(offer(phone.port, '8'));
    const summary = await runFeatureCode(deps(fakeActions(null)), call, { kind: 'flow', number: '*31', value: 'toggle' });
    assert.equal(summary.outcome, 'failed');
    assert.equal(summary.detail, 'no flow *31');
    assert.deepEqual(call.answered?.media[0]?.formats, ['8']);
    assert.equal(call.byes, 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(phone.packets.length > 60 && phone.packets.every((p) => p.payloadType === 8));
  });

  test('no G.711 in the offer: 488 and nothing changes', async () => {
    const call = new FakeCall(offer(phone.port, '18'));
    const actions = fakeActions();
    const summary = await runFeatureCode(deps(actions), call, { kind: 'dnd', value: 'toggle' });
    assert.equal(call.rejected, 488);
    assert.equal(summary.outcome, 'rejected');
    assert.equal(summary.answeredAt, undefined);
    assert.deepEqual(actions.log, []);
  });

  test('symmetric RTP: once the phone sends from elsewhere (NAT), the tone follows it from our advertised port', async () => {
    phone.packets.length = 0;
    const natted = await udp();
    try {
      const call = new FakeCall(offer(phone.port));
      let ourPort = 0;
      const original = call.answer.bind(call);
      call.answer = (sdp: string) => {
        const ok = original(sdp);
        ourPort = call.answered?.media[0]?.port ?? 0;
        // The phone's first RTP arrives from its NAT mapping, not from the address in its SDP.
        const rtp = Buffer.alloc(172);
        rtp[0] = 0x80;
        natted.socket.send(rtp, ourPort, LOOPBACK);
        return ok;
      };
      const summary = await runFeatureCode(deps(fakeActions()), call, { kind: 'flow', number: '*30', value: 'toggle' });
      assert.equal(summary.outcome, 'on');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(natted.packets.length >= 30, `${natted.packets.length} packets followed the phone`);
      assert.ok(phone.packets.length <= 10, `only the lead-in went to the SDP address, not ${phone.packets.length}`);
    } finally {
      natted.socket.close();
    }
  });

  test('the phone hangs up during the tone: playback stops, no BYE from us', async () => {
    const call = new FakeCall(offer(phone.port));
    setTimeout(() => call.hangup.abort(), 300);
    const started = Date.now();
    const summary = await runFeatureCode(deps(fakeActions()), call, { kind: 'dnd', value: 'off' });
    assert.ok(Date.now() - started < 900, 'stopped early');
    assert.equal(summary.hungUpBy, 'caller');
    assert.equal(call.byes, 0);
    assert.equal(pool.inUse, 0);
  });
});
