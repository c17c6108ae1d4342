import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { Database } from '../db/schema';
import type { PoolStats } from './metrics';

// int8 (bigint money columns, counts) as JS numbers: cents stay far below 2^53.
pg.types.setTypeParser(20, (v: string) => Number(v));
// `date` stays an ISO yyyy-mm-dd string: calendar dates are not instants.
pg.types.setTypeParser(1082, (v: string) => v);

export type Db = Kysely<Database>;

export interface DbHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** The pool's connections now (for /metrics). */
  poolStats?: () => PoolStats;
  close(): Promise<void>;
}

function statsOf(pool: pg.Pool, max: number): () => PoolStats {
  return () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max });
}

export interface OpenDbOptions {
  /** postgres:// URL; when absent an embedded PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory; `memory://` for an in-memory database. */
  dataDir?: string;
  /** An already open PGlite (tests load a migrated snapshot). */
  pglite?: PGlite;
  poolSize?: number;
  /** PostgreSQL only: connect, statement and idle-in-transaction timeouts (ms; 0 = none). */
  timeouts?: { connectMs: number; statementMs: number; idleInTransactionMs: number };
  /** Told when the server drops an idle pooled connection (restart, failover, pg_terminate_backend). */
  onIdleError?: (err: Error) => void;
}

export async function openDb(options: OpenDbOptions): Promise<DbHandle> {
  if (options.url) {
    const t = options.timeouts;
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 20,
      // A database that never answers fails the connect (and the wait for a pooled client) instead of
      // hanging; the server ends a statement or an abandoned transaction that runs too long.
      ...(t
        ? {
            connectionTimeoutMillis: t.connectMs,
            statement_timeout: t.statementMs,
            idle_in_transaction_session_timeout: t.idleInTransactionMs,
          }
        : {}),
      // Notices a peer that vanished (failover, cut network) on idle connections.
      keepAlive: true,
    });
    // pg re-emits an idle client's error on the pool, and an 'error' event nobody listens to crashes
    // the process. The pool has already discarded that client and connects a new one when needed.
    pool.on('error', (err) => options.onIdleError?.(err));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
    return {
      db,
      kind: 'postgres',
      poolStats: statsOf(pool, options.poolSize ?? 20),
      close: () => db.destroy(),
    };
  }
  let pglite = options.pglite;
  const owned = !pglite;
  if (!pglite) {
    const dir = options.dataDir ?? 'memory://';
    if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
    pglite = new PGlite(dir);
  }
  const instance = pglite;
  // PGlite is a single connection: a pool of exactly one, so transactions serialize.
  const pool = new pg.Pool({ ...createPgConfig(instance), max: 1 });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'pglite',
    poolStats: statsOf(pool, 1),
    async close() {
      await db.destroy();
      if (owned) await instance.close();
    },
  };
}

/**
 * Sends every parameterized single statement as a named prepared statement, so PostgreSQL parses and
 * plans each distinct query once per connection instead of on every call (the payment path's
 * statements are few and fixed; measured in bench/profile.ts). The name is a hash of the text, so a
 * name never stands for two texts. Multi-statement SQL (migrations) and parameterless commands
 * (BEGIN, COMMIT) go through as they are. After a migration changes a table's columns, processes
 * that were already running must be restarted (as with any deploy of a schema change).
 */
function preparingPool(pool: pg.Pool): PostgresPool {
  // Statement texts are few and fixed; the bound only guards against a caller that builds many.
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name) {
      if (names.size >= 2000) names.clear();
      name = `k${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    async connect() {
      const client = await pool.connect();
      const wrapped = {
        query(sqlOrCursor: unknown, parameters?: ReadonlyArray<unknown>) {
          if (
            typeof sqlOrCursor === 'string' &&
            parameters &&
            parameters.length > 0 &&
            !sqlOrCursor.includes(';')
          ) {
            return client.query({ name: nameOf(sqlOrCursor), text: sqlOrCursor, values: [...parameters] });
          }
          return (client.query as (...args: unknown[]) => unknown)(sqlOrCursor, parameters);
        },
        release: () => client.release(),
      };
      return wrapped as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}
