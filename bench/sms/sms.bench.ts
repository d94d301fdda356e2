// SMS benchmark (issue 16): SMS per second through SMPP to a local SMSC with every delivery receipt matched, ours
// beside a peer measured in the same run. Benchmarks are not tests: it prints figures, it asserts nothing.
//
// Run: npm run bench:sms          More or fewer messages: SMS_BENCH_COUNT=20000 npm run bench:sms
//
// Method
// - The SMSC is src/pbx/messaging/sms/test-smsc.test-support.ts in a child process (smsc-child.ts): it answers each
//   submit_sm with a hex id and sends a receipt (stat:DELIVRD) naming it in decimal at once.
// - Peer: the `smpp` library alone (library-peer.ts), one session, submit_sm kept WINDOW deep, receipts matched; its
//   socket has Nagle off as ours has (ours also corks the socket for a tick, so PDUs written together leave in one
//   write: why the driver can beat the bare library).
// - Ours (pbx-side.ts): (a) the SMPP driver alone (session registry, token bucket with no limit, window WINDOW,
//   GSM 7-bit encoding), receipts matched in memory; (b) the SMS use case: each SMS ordered as the SMS reqtype does
//   (checks, routing profile, row queued in a SQLite file), sent in the background, the receipt finding its row by
//   provider + id and marking it delivered. A run counts from the first order to the last receipt matched.
// - Goal (issue 16): 500 SMS/s through SMPP with every receipt matched.
//
// SIP MESSAGE (sip-message.ts, sip-trunk-side.ts; needs sip-tester, kamailio and kamailio-sqlite-modules)
// - Phones: SMS_BENCH_SIP_SENDERS SIPp phones (default 300) each send SMS_BENCH_SIP_PER_SENDER MESSAGEs (default 10)
//   to one SIPp phone registered from its own port, answering the server's 407 with digest, at most
//   SMS_BENCH_SIP_WINDOW (default 50) in flight; a MESSAGE counts once its 200 came back to the sender through the
//   server (SIPp matches it to its transaction). Callgrid lets one phone send 20 MESSAGEs in a burst, then 2/s (a
//   guard against a phone flooding a tenant), so the load is spread over many senders that stay within it (keep
//   SMS_BENCH_SIP_PER_SENDER at 19 or less: more draws 503s); one warm-up MESSAGE per sender comes first.
// - Peer: Kamailio as registrar + stateful proxy (t_relay after auth_check and lookup), measured in the same run with
//   the same SIPp scenarios, one server at a time. Seconds are SIPp's wall time, its start-up included.
// - Trunk: SMS_BENCH_SIP_TRUNK_COUNT SMS (default 2000) through the SMS use case to a SIP MESSAGE provider row whose
//   carrier is a SIPp UAS answering 202 (no peer: no other product runs this path).
// - SMS_BENCH_PARTS=smpp,sip,sip-trunk picks the parts (default all). SMS_BENCH_CALLGRID_NODE_ARGS='--cpu-prof
//   --cpu-prof-dir=/tmp/prof' and SMS_BENCH_CALLGRID_ENV='CALLGRID_DRAIN_SECONDS=0' profile Callgrid's side.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { runLibraryPeer } from './library-peer.ts';
import { fileURLToPath } from 'node:url';
import { runDriver, runService } from './pbx-side.ts';
import { runMessageBench, type MessageRun } from './sip-message.ts';
import { runSipTrunk } from './sip-trunk-side.ts';

const COUNT = Number(process.env.SMS_BENCH_COUNT ?? 5000);
const WINDOW = Number(process.env.SMS_BENCH_WINDOW ?? 50);
const PARTS = new Set((process.env.SMS_BENCH_PARTS ?? 'smpp,sip,sip-trunk').split(',').map((p) => p.trim()));
const SIP_SENDERS = Number(process.env.SMS_BENCH_SIP_SENDERS ?? 300);
const SIP_PER_SENDER = Number(process.env.SMS_BENCH_SIP_PER_SENDER ?? 10);
const SIP_WINDOW = Number(process.env.SMS_BENCH_SIP_WINDOW ?? 50);
const SIP_TRUNK_COUNT = Number(process.env.SMS_BENCH_SIP_TRUNK_COUNT ?? 2000);
const KAMAILIO_CHILDREN = Number(process.env.SMS_BENCH_KAMAILIO_CHILDREN ?? 4);
const CALLGRID_NODE_ARGS = (process.env.SMS_BENCH_CALLGRID_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
const CALLGRID_ENV = Object.fromEntries((process.env.SMS_BENCH_CALLGRID_ENV ?? '').split(',').filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

async function startSmsc(): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./smsc-child.ts', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
  let text = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', () => reject(new Error('the SMSC exited during start-up')));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      const found = /port (\d+)/.exec(text);
      if (found) resolve(Number(found[1]));
    });
  });
  return {
    port,
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      if (child.exitCode === null) await once(child, 'exit');
      clearTimeout(timer);
    },
  };
}

const line = (name: string, r: { sent: number; matched: number; seconds: number }) =>
  `${name.padEnd(44)} ${String(Math.round(r.matched / r.seconds)).padStart(7)} SMS/s   ${r.matched}/${r.sent} receipts matched   ${r.seconds.toFixed(2)} s`;

const messageLine = (name: string, r: MessageRun) =>
  `${name.padEnd(44)} ${String(r.seconds > 0 ? Math.round(r.matched / r.seconds) : 0).padStart(7)} msg/s   ${r.matched}/${r.sent} 2xx matched   ${r.seconds.toFixed(2)} s   ${r.retransmissions} retransmissions${r.problems.length > 0 ? `\n    problems: ${r.problems.join('; ')}` : ''}`;

if (PARTS.has('smpp')) {
  const smsc = await startSmsc();
  try {
    console.log(`SMS through SMPP to a local SMSC: ${COUNT} single-part SMS, window ${WINDOW}, every receipt matched (goal: 500 SMS/s)`);
    // A warm-up run of each so the first measured one does not pay for JIT and module loading.
    await runLibraryPeer(smsc.port, 500, WINDOW);
    await runDriver(smsc.port, 500, WINDOW);
    const peer = await runLibraryPeer(smsc.port, COUNT, WINDOW);
    const driver = await runDriver(smsc.port, COUNT, WINDOW);
    const service = await runService(smsc.port, COUNT, WINDOW);
    console.log(line('peer: smpp library alone (no PBX)', peer));
    console.log(line('ours: SMPP driver (sessions, pacing, coding)', driver));
    console.log(line('ours: SMS use case (store, receipts -> rows)', service));
  } finally {
    await smsc.stop();
  }
}
if (PARTS.has('sip')) {
  console.log(`SIP MESSAGE phone to phone through the server: ${SIP_SENDERS} senders x ${SIP_PER_SENDER}, window ${SIP_WINDOW}, digest on every MESSAGE (407 then 200)`);
  const result = await runMessageBench({ repo: fileURLToPath(new URL('../..', import.meta.url)), senders: SIP_SENDERS, perSender: SIP_PER_SENDER, window: SIP_WINDOW, kamailioChildren: KAMAILIO_CHILDREN, callgridNodeArgs: CALLGRID_NODE_ARGS, callgridEnv: CALLGRID_ENV });
  console.log(`peer: ${result.describe}`);
  console.log(messageLine('peer: Kamailio registrar + stateful proxy', result.kamailio));
  console.log(messageLine('ours: Callgrid registrar + messaging', result.callgrid));
}
if (PARTS.has('sip-trunk')) {
  // A warm-up run first, as for SMPP.
  await runSipTrunk(200);
  const trunk = await runSipTrunk(SIP_TRUNK_COUNT);
  console.log(line('ours: SMS use case -> SIP MESSAGE trunk (202)', trunk).replace('receipts matched', 'rows sent on 202'));
}
// The figures are only comparable within a run: other work on the machine slows every side.
console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (1/5/15 min) at the end`);
