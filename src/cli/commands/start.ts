// `callgrid start`: run the PBX until SIGTERM (drain: calls in progress end first) or SIGINT (calls ended at once),
// then shut down gracefully.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config.ts';
import { startServer, type RunningServer } from '../../main.ts';
import { removePidFile, writePidFile } from './pid-file.ts';

export async function startCommand(): Promise<void> {
  const config = loadConfig();
  const running = await startServer(config);
  printBanner(running);
  // `callgrid drain` finds this process here.
  writePidFile(config.dataDir);
  const exit = (code: number) => {
    removePidFile(config.dataDir);
    process.exit(code);
  };
  const shutdown = (signal: string, how: 'drain' | 'now') => {
    running.runtime.logger.info({ signal, how }, 'signal received');
    (how === 'drain' ? running.drain() : running.stop()).then(
      () => exit(0),
      (error: unknown) => {
        console.error(`callgrid: shutdown failed: ${(error as Error).message}`);
        exit(1);
      },
    );
  };
  // The first SIGTERM drains; a second one, or SIGINT (Ctrl-C) at any time, ends the calls at once (BYE, CDRs).
  let draining = false;
  process.on('SIGTERM', () => {
    shutdown('SIGTERM', draining ? 'now' : 'drain');
    draining = true;
  });
  process.on('SIGINT', () => shutdown('SIGINT', 'now'));
}

/** Where SIP listens, from the sockets the node really bound: `0.0.0.0:5060 UDP and TCP, 0.0.0.0:5066 WS`. */
export function sipLine(listeners: RunningServer['sipListeners']): string {
  const byPlace = new Map<string, string[]>();
  for (const { protocol, address, port } of listeners) {
    const place = `${address.includes(':') ? `[${address}]` : address}:${port}`;
    byPlace.set(place, [...(byPlace.get(place) ?? []), protocol.toUpperCase()]);
  }
  const places = [...byPlace].map(([place, protocols]) => `${place} ${protocols.join(' and ')}`);
  return places.length === 0 ? 'not listening' : `${places.join(', ')}; phones register as <number>-<TENANTCODE>`;
}

function printBanner({ runtime, url, firstStart, sipListeners }: RunningServer): void {
  const { config } = runtime;
  const api = `${url}/pbx/proxyapi.php`;
  const lines = [
    '',
    `Callgrid is running on node ${config.nodeName} (store: ${runtime.store.dialect}, data: ${config.dataDir})`,
    `  HTTP API   ${api}`,
    `  SIP        ${sipLine(sipListeners)}`,
    '',
  ];
  if (firstStart) {
    lines.push(`First start: these keys are shown only now (also saved in ${join(config.dataDir, 'credentials.json')}, mode 0600).`);
    lines.push(`  Admin key                 ${firstStart.adminKey}`);
    if (firstStart.tenant) {
      const { code, fullKey, readOnlyKey } = firstStart.tenant;
      lines.push(`  Tenant ${code} full key       ${fullKey}`);
      lines.push(`  Tenant ${code} read-only key  ${readOnlyKey}`);
      lines.push('', 'Try it:', `  curl '${api}?key=${fullKey}&tenant=${code}&reqtype=INFO&info=config&format=json'`);
    }
  } else {
    const saved = join(config.dataDir, 'credentials.json');
    lines.push(existsSync(saved) ? `Keys were created on the first start: see ${saved}, or make new ones with 'callgrid key rotate'.` : "Keys exist already; make new ones with 'callgrid key rotate' if they are lost.");
  }
  console.log(`${lines.join('\n')}\n`);
}
