// Kamailio + rtpengine exactly as bench/calls starts them (startKamailioProxy), with rtpengine recording every call.
// startKamailioProxy takes no rtpengine arguments or rtpengine_manage() flags, and the apps bench may not edit
// bench/calls, so two tiny shims go first in PATH while it starts its processes:
// - `rtpengine` execs the real one with --recording-method=pcap --recording-dir=<spool> appended (10.5's two methods:
//   `proc` hands frames to rtpengine-recording through /proc/rtpengine, i.e. the kernel module, which this userspace
//   setup does not have; `pcap` writes each call's packets to <spool>/pcaps/<call-id>-<id>.pcap itself);
// - `kamailio` adds `record-call=yes` to the generated config's rtpengine_manage() flags (offer and answer), the
//   documented way to have rtpengine record a call (its README, "ng protocol", `record-call`).
// TODO(bench/calls): an `rtpengineArgs` and a `manageFlags` option on startKamailioProxy would make these shims go.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startKamailioProxy, type KamailioProxy, type ProxyUser } from '../calls/kamailio-proxy.ts';
import { recordingArgs } from './rtpengine-daemon.ts';

const MANAGE = 'rtpengine_manage("replace-origin replace-session-connection")';
const MANAGE_RECORDED = 'rtpengine_manage("replace-origin replace-session-connection record-call=yes")';
// Both are plain text to sed (a basic regular expression): no character in them is special there.

function resolve(command: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout?.trim();
  if (!found) throw new Error(`${command} is not installed`);
  return found;
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** startKamailioProxy with recording on; the recordings land in `spoolDir`/pcaps. */
export async function startRecordingKamailioProxy(options: { dir: string; spoolDir: string; users: readonly ProxyUser[]; children: number; rtpengineThreads: number }): Promise<KamailioProxy> {
  const shims = join(options.dir, 'shims');
  mkdirSync(shims, { recursive: true });
  const rtpengine = resolve('rtpengine');
  const kamailio = resolve('kamailio');
  writeFileSync(join(shims, 'rtpengine'), `#!/bin/sh\n# bench/apps/recording-shims.ts\nexec ${quote(rtpengine)} "$@" ${recordingArgs(options.spoolDir).map(quote).join(' ')}\n`);
  writeFileSync(
    join(shims, 'kamailio'),
    `#!/bin/sh\n# bench/apps/recording-shims.ts\nprev=\nfor arg in "$@"; do\n  if [ "$prev" = "-f" ]; then sed -i ${quote(`s/${MANAGE}/${MANAGE_RECORDED}/g`)} "$arg"; fi\n  prev=$arg\ndone\nexec ${quote(kamailio)} "$@"\n`,
  );
  for (const name of ['rtpengine', 'kamailio']) chmodSync(join(shims, name), 0o755);
  const path = process.env.PATH;
  process.env.PATH = `${shims}:${path ?? ''}`;
  let proxy: KamailioProxy;
  try {
    proxy = await startKamailioProxy({ dir: options.dir, users: options.users, children: options.children, rtpengineThreads: options.rtpengineThreads });
  } finally {
    process.env.PATH = path;
  }
  const config = readFileSync(join(options.dir, 'kamailio.cfg'), 'utf8');
  if (!config.includes(MANAGE_RECORDED)) {
    await proxy.stop();
    throw new Error(`bench/calls' Kamailio config no longer has ${MANAGE}: recording-shims.ts must follow it`);
  }
  return { ...proxy, describe: `${proxy.describe}, recording every call (record-call=yes, --recording-method=pcap)` };
}
