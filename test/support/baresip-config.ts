// The files of one headless baresip 1.0.0 instance: `config`, `accounts`, and a silent WAV as its microphone.
import { openSync, writeSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BaresipAccount {
  readonly username: string;
  readonly password?: string;
  /** Defaults to `username`. */
  readonly authUser?: string;
  /** The registrar's host (an address: the namespace has no DNS). */
  readonly domain: string;
  readonly port?: number;
  readonly transport?: 'udp' | 'tcp';
  /** Requested registration interval in seconds; 0 disables registration. Default 60. */
  readonly regint?: number;
  /** `auto` answers incoming calls at once. Default manual (answer with `accept`). */
  readonly answerMode?: 'manual' | 'auto' | 'early';
  /** More `;name=value` address parameters, verbatim. */
  readonly extraParams?: string;
}

/** One account line as baresip 1.0.0 reads it (accounts file and the `uanew` command): `<sip:...;transport=..>;addr-params`. */
export function accountLine(account: BaresipAccount): string {
  const hostPort = account.port === undefined ? account.domain : `${account.domain}:${account.port}`;
  const params = [
    `auth_user=${account.authUser ?? account.username}`,
    ...(account.password === undefined ? [] : [`auth_pass=${account.password}`]),
    `regint=${account.regint ?? 60}`,
    `answermode=${account.answerMode ?? 'manual'}`,
  ];
  const extra = account.extraParams ? `;${account.extraParams.replace(/^;/, '')}` : '';
  return `<sip:${account.username}@${hostPort};transport=${account.transport ?? 'udp'}>;${params.join(';')}${extra}`;
}

/** The AOR baresip reports in events and takes in `uadel`: `sip:user@host[:port]` (no URI parameters). */
export function accountAor(account: BaresipAccount): string {
  return `sip:${account.username}@${account.domain}${account.port === undefined ? '' : `:${account.port}`}`;
}

export interface ConfigOptions {
  readonly sipListen: string;
  readonly ctrlListen: string;
  readonly audioFile: string;
  /** When set, sndfile records each call's audio (both directions) as WAV files there. */
  readonly recordDir?: string;
}

export function writeConfig(dir: string, options: ConfigOptions): void {
  const lines = [
    '# written by test/support/baresip-config.ts; headless, no sound card',
    'poll_method\tepoll',
    `sip_listen\t${options.sipListen}`,
    'call_local_timeout\t120',
    'call_max_calls\t4',
    // aufile plays the WAV as microphone and hangs up when it ends: the WAV is longer than the -t safety net.
    `audio_source\taufile,${options.audioFile}`,
    'audio_player\taubridge,nil',
    'audio_alert\taubridge,nil',
    'audio_level\tno',
    'rtcp_mux\tno',
    'jitter_buffer_delay\t5-10',
    'module_path\t/usr/lib/baresip/modules',
    'module\tg711.so',
    'module\taufile.so',
    'module\taubridge.so',
    ...(options.recordDir === undefined ? [] : ['module\tsndfile.so', `snd_path\t${options.recordDir}`]),
    'module_tmp\taccount.so',
    'module_app\tmenu.so',
    'module_app\tctrl_tcp.so',
    `ctrl_tcp_listen\t${options.ctrlListen}`,
    '',
  ];
  writeFileSync(join(dir, 'config'), lines.join('\n'));
}

/**
 * The accounts file stays without an active line: an account read at start-up registers before the driver's
 * ctrl_tcp connection exists and its REGISTER_OK would be lost, so the driver adds it with `uanew` once connected.
 */
export function writeAccounts(dir: string, account: BaresipAccount): void {
  writeFileSync(join(dir, 'accounts'), `# added over ctrl_tcp with uanew by test/support/baresip.ts:\n# ${accountLine(account).replace(/auth_pass=[^;]*/, 'auth_pass=***')}\n`);
}

/** Writes `seconds` of 8 kHz 16-bit mono silence (what PCMU/PCMA need) as a WAV file, in chunks to keep memory small. */
export function writeSilenceWav(path: string, seconds: number): void {
  const rate = 8000;
  const dataBytes = Math.ceil(seconds) * rate * 2;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(dataBytes, 40);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header);
    const second = Buffer.alloc(rate * 2);
    for (let written = 0; written < dataBytes; written += second.length) writeSync(fd, second);
  } finally {
    closeSync(fd);
  }
}
