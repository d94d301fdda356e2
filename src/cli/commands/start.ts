// `callgrid start`: run the PBX until SIGINT/SIGTERM, then shut down gracefully.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config.ts';
import { startServer, type RunningServer } from '../../main.ts';

export async function startCommand(): Promise<void> {
  const config = loadConfig();
  const running = await startServer(config);
  printBanner(running);
  const shutdown = (signal: string) => {
    running.runtime.logger.info({ signal }, 'signal received');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`callgrid: shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

function printBanner({ runtime, url, firstStart }: RunningServer): void {
  const { config } = runtime;
  const api = `${url}/pbx/proxyapi.php`;
  const lines = [
    '',
    `Callgrid is running on node ${config.nodeName} (store: ${runtime.store.dialect}, data: ${config.dataDir})`,
    `  HTTP API   ${api}`,
    `  SIP        ${config.sipHost}:${config.sipPort} UDP and TCP${config.sipWsPort === undefined ? '' : `, WebSocket on ${config.sipWsPort}`}; phones register as <number>-<TENANTCODE>`,
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
