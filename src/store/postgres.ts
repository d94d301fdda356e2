// The cluster store: PostgreSQL through a pg pool.
import pg from 'pg';
import { Kysely, PostgresDialect, type DatabaseIntrospector, type PostgresDialectConfig } from 'kysely';
import type { Store } from './store.ts';
import { kyselyStore } from './kysely-store.ts';
import { SchemaIntrospector } from './postgres-introspector.ts';

/** PostgreSQL as Kysely drives it, but introspecting only the store's own schema (postgres-introspector.ts). */
class ScopedPostgresDialect extends PostgresDialect {
  constructor(config: PostgresDialectConfig, private readonly schema: string | undefined) {
    super(config);
  }

  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SchemaIntrospector(db, this.schema);
  }
}

// int8 (bigint) columns and sums arrive as strings by default; ours fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PostgresOptions {
  /** Run in this schema (created if missing); tests use one schema per run. */
  schema?: string;
  maxConnections?: number;
  /** Told when an idle pooled connection fails (a server restart); the pool replaces it. */
  onConnectionError?: (error: Error) => void;
}

export function openPostgresStore(url: string, options: PostgresOptions = {}): Store {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid PostgreSQL schema name '${schema}'`);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // Without a listener, an idle client's error (PostgreSQL restarting, a failover,
  // pg_terminate_backend) is an unhandled 'error' event that ends the process.
  pool.on('error', (error) => options.onConnectionError?.(error));
  const db = new Kysely<unknown>({ dialect: new ScopedPostgresDialect({ pool }, schema) });
  const store = kyselyStore(db, 'postgres', undefined, schema);
  if (!schema) return store;
  return {
    ...store,
    // Every connection's search_path points at the schema; it must exist before the tables.
    async migrate() {
      await pool.query(`create schema if not exists ${schema}`);
      return store.migrate();
    },
  };
}
