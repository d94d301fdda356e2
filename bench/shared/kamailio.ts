// Starting a peer Kamailio of the benches: its subscriber table in a temp SQLite file, its generated config
// (kamailio-config.ts) and the kamailio process group, in the foreground, until it answers an OPTIONS.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { startProcessGroup, type ProcessGroup } from '../../test/support/process-group.ts';
import { freeSipPort, sipPing } from '../sip/udp.ts';

export interface Subscriber {
  readonly username: string;
  readonly password: string;
}

export interface KamailioProcess {
  readonly host: string;
  readonly port: number;
  readonly group: ProcessGroup;
}

// Kamailio's own table definitions, so the `version` rows are the ones this kamailio expects.
const SCHEMA_DIR = '/usr/share/kamailio/db_sqlite';

/** Where kamailio looks for modules: its `-h` text prints the compiled-in default (multiarch path differs by CPU). */
function moduleDir(): string {
  const help = spawnSync('kamailio', ['-h'], { encoding: 'utf8' });
  if (help.error) throw new Error('kamailio is not installed: apt-get install -y kamailio kamailio-sqlite-modules');
  const match = /Modules search path \(default: ([^)]+)\)/.exec(`${help.stdout}${help.stderr}`);
  if (!match?.[1]) throw new Error('could not find kamailio\'s module directory in `kamailio -h`');
  return match[1];
}

/** The subscriber table with plain-text passwords (auth_db computes HA1 itself: calculate_ha1). */
function createDatabase(path: string, users: readonly Subscriber[]): void {
  const files = ['standard-create.sql', 'auth_db-create.sql'].map((name) => join(SCHEMA_DIR, name));
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length > 0) throw new Error(`kamailio's SQLite schema is missing (${missing.join(', ')}): apt-get install -y kamailio-sqlite-modules`);
  const db = new Database(path);
  try {
    for (const file of files) db.exec(readFileSync(file, 'utf8'));
    const insert = db.prepare('INSERT INTO subscriber (username, domain, password) VALUES (?, ?, ?)');
    // One transaction: thousands of autocommitted inserts would each sync the file.
    db.transaction(() => {
      for (const user of users) insert.run(user.username, '127.0.0.1', user.password);
    })();
  } finally {
    db.close();
  }
}

export interface KamailioStart {
  /** A fresh directory for the config, database and runtime files; the caller removes it. */
  readonly dir: string;
  readonly users: readonly Subscriber[];
  /** Modules the config loads beyond the registrar's, checked before anything starts. */
  readonly needs?: readonly string[];
  readonly config: (where: { port: number; dbPath: string }) => string;
}

export async function startKamailio(options: KamailioStart): Promise<KamailioProcess> {
  const modules = moduleDir();
  for (const module of ['db_sqlite', ...(options.needs ?? [])]) {
    if (!existsSync(join(modules, `${module}.so`))) throw new Error(`kamailio's ${module} module is missing: apt-get install -y kamailio kamailio-sqlite-modules`);
  }
  const runtimeDir = join(options.dir, 'run');
  mkdirSync(runtimeDir, { recursive: true });
  const dbPath = join(options.dir, 'kamailio.sqlite');
  createDatabase(dbPath, options.users);
  const port = await freeSipPort();
  const cfgPath = join(options.dir, 'kamailio.cfg');
  writeFileSync(cfgPath, options.config({ port, dbPath }));
  // -DD: stay in the foreground so this process is its parent; -E: log to stderr.
  const group = startProcessGroup('kamailio', ['-f', cfgPath, '-DD', '-E', '-m', '256', '-M', '32', '-Y', runtimeDir, '-w', options.dir], { cwd: options.dir });
  const started = Date.now();
  while (!(await sipPing('127.0.0.1', port))) {
    if (group.exited() || Date.now() - started > 15_000) {
      await group.stop();
      throw new Error(`kamailio did not answer OPTIONS on 127.0.0.1:${port}:\n${group.tail()}`);
    }
    await sleep(100);
  }
  return { host: '127.0.0.1', port, group };
}
