// sipvicious `svwar` (an extension enumerator) against the real server: for REGISTER, INVITE and OPTIONS
// scans it cannot tell extensions that exist from ones that do not, because every username gets the same answer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, cleanEnv, freePort, spawnChild, stopAll, tempDir, REPO } from './process.ts';

const SVWAR = ((): string | undefined => {
  try {
    return execFileSync('sh', ['-c', 'command -v svwar'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
})();

const EXISTING = ['100-ACME', '101-ACME'];
const MISSING = ['102-ACME', '100-NOBODY', 'admin', '100', 'acme'];

describe('svwar cannot enumerate extensions', { skip: SVWAR ? false : 'svwar (Debian sipvicious) is not installed' }, () => {
  const data = tempDir('callgrid-svwar-');
  let sipPort = 0;

  before(async () => {
    const httpPort = await freePort();
    sipPort = await freePort();
    const server = spawnChild('callgrid (svwar)', process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'start'], {
      cwd: REPO,
      env: cleanEnv({ CALLGRID_DATA_DIR: data.path, CALLGRID_HTTP_PORT: String(httpPort), CALLGRID_HTTP_HOST: '127.0.0.1', CALLGRID_SIP_PORT: String(sipPort), CALLGRID_DEMO_TENANT: 'ACME', CALLGRID_LOG_LEVEL: 'info' }),
    });
    await server.waitForOutput(/Callgrid listening/, 30_000);
    const { adminKey } = JSON.parse(readFileSync(join(data.path, 'credentials.json'), 'utf8')) as { adminKey: string };
    for (const username of EXISTING) {
      const number = username.split('-')[0] ?? '';
      const body = new URLSearchParams({ key: adminKey, tenant: 'ACME', reqtype: 'MANAGEDB', object: 'extension', action: 'add', jsondata: JSON.stringify({ ex_number: number, secret: `pw-${number}-x9` }) });
      const answer = await api(`http://127.0.0.1:${httpPort}`, {}, { method: 'POST', body });
      assert.equal(answer.headers.get('x-callgrid-error'), null, answer.text);
    }
    writeFileSync(join(data.path, 'names.txt'), [...MISSING.slice(0, 2), ...EXISTING, ...MISSING.slice(2)].join('\n') + '\n');
  });

  after(async () => {
    await stopAll();
    data.remove();
  });

  for (const method of ['REGISTER', 'INVITE', 'OPTIONS']) {
    test(`${method} scan: no extension stands out`, async () => {
      const localPort = await freePort();
      // --force: svwar's own sanity check already gives up ("replied with an authentication request for an
      // unknown extension"); forcing the scan shows that going on anyway finds nothing either.
      const run = spawnSync(SVWAR ?? 'svwar', ['--force', '-m', method, '-p', String(sipPort), '-P', String(localPort), '-b', '127.0.0.1', '-d', join(data.path, 'names.txt'), '127.0.0.1'], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      const output = `${run.stdout}${run.stderr}`;
      // svwar prints a table of the names it thinks exist; with identical answers there is none, or it holds names
      // that do not exist as well (its own random probe), which is no information.
      const flagged = new Set([...output.matchAll(/^\|\s*(\S+)\s*\|\s*(reqauth|noauth|weird)\s*\|/gm)].map((m) => m[1]));
      const flaggedExisting = EXISTING.filter((name) => flagged.has(name));
      const flaggedMissing = MISSING.filter((name) => flagged.has(name));
      assert.ok(flaggedExisting.length === 0 || flaggedMissing.length === MISSING.length, `svwar told existing extensions apart (${[...flagged].join(', ')}):\n${output}`);
      assert.match(output, /found nothing|we have 0 extensions/, output);
    });
  }
});
