// Our side of the SMS benchmark: (1) the SMS use case as the SMS reqtype runs it — order checked, row queued in a
// SQLite file store, sent through the provider row's SMPP session, receipts matched back to the row (delivered) —
// and (2) the SMPP driver alone (session registry, pacing, parts), receipts matched in memory, no store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeMessageId, receiptIdCandidates, smsDriverFor, SmppSessions } from '../../src/pbx/index.ts';
import { SmsService } from '../../src/services/sms/index.ts';
import { systemClock } from '../../src/shared/index.ts';
import { openStore } from '../../src/store/index.ts';

export interface SideResult {
  readonly sent: number;
  readonly matched: number;
  readonly seconds: number;
}

const providerUrl = (port: number, window: number) => `smpp://127.0.0.1:${port}?tps=0&window=${window}`;

export async function runService(port: number, count: number, window: number): Promise<SideResult> {
  const dir = mkdtempSync(join(tmpdir(), 'callgrid-sms-bench-'));
  const store = openStore(`sqlite:${join(dir, 'bench.db')}`);
  const sessions = new SmppSessions();
  try {
    await store.migrate();
    const tenant = (await store.tenants.create({ te_code: 'BENCH', te_name: 'Bench' }, '2026-12-05 10:00:00')).te_id;
    const o = (name: string) => store.objects(name);
    const provider = await o('provider').insert(null, { pr_name: 'SMSC', pr_tech: 'SMS', pr_smsprotocol: 'SMPP', pr_smsurl: providerUrl(port, window), pr_smsuser: 'bench', pr_smspassword: 'bench' });
    const profile = await o('routingprofile').insert(null, { rp_name: 'SMS', rp_type: 'SMS' });
    await o('route').insert(null, { dl_rp_id: Number(profile.rp_id), dl_regex: '^\\+41.*', dl_pr_id: Number(provider.pr_id), dl_order: 0 });
    await o('extension').insert(tenant, { ex_number: '100', ex_username: '100-BENCH', ex_smscidnum: '+41440000100', ex_sms_rp_id: Number(profile.rp_id) });
    const service = new SmsService(store, systemClock, { nodeName: 'bench', smpp: sessions });
    await service.syncSmpp();
    const recordReceipt = sessions.onReceipt;
    let receipts = 0;
    let allIn: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allIn = resolve));
    sessions.onReceipt = async (providerId, receipt) => {
      await recordReceipt?.(providerId, receipt);
      if (++receipts === count) allIn();
    };
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      await service.send(tenant, { source: '100', account: undefined, dest: '+41791234567', destclid: undefined, server: undefined, message: `bench ${i}` });
      // Each order is its own task, as API requests are: a loop of promises alone would keep the sockets from being read.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;
    const seconds = (performance.now() - started) / 1000;
    await service.idle();
    const delivered = (await store.sms.list(tenant, {})).filter((row) => row.sm_status === 'delivered').length;
    return { sent: count, matched: delivered, seconds };
  } finally {
    await sessions.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runDriver(port: number, count: number, window: number): Promise<SideResult> {
  const sessions = new SmppSessions();
  const sent = new Set<string>();
  const early = new Set<string>();
  let matched = 0;
  let allIn: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allIn = resolve));
  const match = (candidates: readonly string[]): boolean => {
    const id = candidates.find((c) => sent.has(c));
    if (id === undefined) return false;
    sent.delete(id);
    if (++matched === count) allIn();
    return true;
  };
  sessions.onReceipt = async (_providerId, receipt) => {
    const candidates = receiptIdCandidates(receipt.messageId);
    if (!match(candidates)) for (const c of candidates) early.add(c);
  };
  try {
    const made = smsDriverFor({ pr_id: 1, pr_tech: 'SMS', pr_smsprotocol: 'SMPP', pr_smsurl: providerUrl(port, window), pr_smsuser: 'bench', pr_smspassword: 'bench' }, { smpp: sessions });
    if (!made.ok) throw new Error(made.error.message);
    const driver = made.value;
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const result = await driver.send({ from: '+41440000100', to: '+41791234567', text: `bench ${next++}` });
        if (!result.ok) throw new Error(result.error);
        for (const id of result.providerIds.map(normalizeMessageId)) {
          sent.add(id);
          if (early.has(id)) match([id]);
        }
      }
    };
    await Promise.all(Array.from({ length: window }, worker));
    await done;
    return { sent: count, matched, seconds: (performance.now() - started) / 1000 };
  } finally {
    await sessions.close();
  }
}
