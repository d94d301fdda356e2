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
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { runLibraryPeer } from './library-peer.ts';
import { runDriver, runService } from './pbx-side.ts';

const COUNT = Number(process.env.SMS_BENCH_COUNT ?? 5000);
const WINDOW = Number(process.env.SMS_BENCH_WINDOW ?? 50);

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
  // The figures are only comparable within a run: other work on the machine slows every side.
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} (1/5/15 min) at the end`);
} finally {
  await smsc.stop();
}
