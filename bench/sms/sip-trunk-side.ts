// The SMS use case through a SIP MESSAGE provider row: each SMS ordered as the SMS reqtype does (checks, routing
// profile, row queued in a SQLite file), sent in the background as a MESSAGE from a real SipStack (UDP, loopback) to
// a SIPp carrier answering 202, the row then marked sent. A run counts from the first order to the last row settled.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmsService } from '../../src/services/sms/index.ts';
import { silentLogger, systemClock } from '../../src/shared/index.ts';
import { SipStack } from '../../src/sip/index.ts';
import { openStore } from '../../src/store/index.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { freeSipPort, sipPing } from '../sip/udp.ts';
import { startMessageUas } from './sip-message.ts';
import { writeMessageScenarios } from './sip-message-scenarios.ts';

export interface TrunkRun {
  readonly sent: number;
  /** Rows marked sent (the carrier's 202 came back). */
  readonly matched: number;
  readonly seconds: number;
}

export async function runSipTrunk(count: number): Promise<TrunkRun> {
  const dir = mkdtempSync(join(tmpdir(), 'callgrid-sms-sip-bench-'));
  const scenarios = writeMessageScenarios(dir);
  const carrierPort = await freeSipPort();
  const carrier = startMessageUas(scenarios.carrier, carrierPort, 'carrier', dir);
  const store = openStore(`sqlite:${join(dir, 'bench.db')}`);
  const stack = await SipStack.start({ udp: { host: '127.0.0.1', port: 0 }, clock: systemClock, logger: silentLogger, allow: ['OPTIONS'], userAgent: 'Callgrid', readPendingInputFirst: true }, { onRequest: () => undefined });
  const service = new SmsService(store, systemClock, { nodeName: 'bench' });
  try {
    for (let tries = 0; !(await sipPing('127.0.0.1', carrierPort)); tries++) {
      if (tries > 50) throw new Error(`the SIPp carrier did not answer on 127.0.0.1:${carrierPort}: ${carrier.errors().join('; ')}`);
      await sleep(100);
    }
    await store.migrate();
    const tenant = (await store.tenants.create({ te_code: 'BENCH', te_name: 'Bench' }, '2026-12-05 10:00:00')).te_id;
    const o = (name: string) => store.objects(name);
    const provider = await o('provider').insert(null, { pr_name: 'SIP carrier', pr_tech: 'SMS', pr_smsprotocol: 'SIP', pr_smsurl: `sip:127.0.0.1:${carrierPort}` });
    const profile = await o('routingprofile').insert(null, { rp_name: 'SMS', rp_type: 'SMS' });
    await o('route').insert(null, { dl_rp_id: Number(profile.rp_id), dl_regex: '^\\+41.*', dl_pr_id: Number(provider.pr_id), dl_order: 0 });
    await o('extension').insert(tenant, { ex_number: '100', ex_username: '100-BENCH', ex_smscidnum: '+41440000100', ex_sms_rp_id: Number(profile.rp_id) });
    service.attachSip(stack);
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      await service.send(tenant, { source: '100', account: undefined, dest: '+41791234567', destclid: undefined, server: undefined, message: `bench ${i}` });
      // Each order is its own task, as API requests are: a loop of promises alone would keep the socket from being read.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await service.idle();
    const seconds = (performance.now() - started) / 1000;
    const sent = (await store.sms.list(tenant, {})).filter((row) => row.sm_status === 'sent').length;
    return { sent: count, matched: sent, seconds };
  } finally {
    await service.stop();
    await stack.close();
    await store.close();
    await carrier.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
