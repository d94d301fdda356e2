// A throw-away PostgreSQL database for one bench run: created through `pg`, dropped (forcibly) at the end.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  readonly name: string;
  /** The URL Callgrid is given (CALLGRID_DATABASE_URL). */
  readonly url: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** `adminUrl` names a maintenance database (e.g. postgres://postgres@127.0.0.1:5432/postgres). */
export async function createScratchDatabase(adminUrl: string): Promise<ScratchDatabase> {
  const name = `cg_bench_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    // WITH (FORCE) (PostgreSQL 13+) ends sessions a killed server may have left behind.
    drop: () => withAdmin(adminUrl, async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
