import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Db } from '../platform/db';

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
// Any constant: every process that migrates takes the same advisory lock, so concurrent boots are safe.
const MIGRATION_LOCK = 72_417_001;

/** The migration file names this build ships, in the order they apply. */
export function listMigrationNames(): string[] {
  return readdirSync(migrationsDir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
}

export function listMigrations(): { name: string; sql: string }[] {
  return listMigrationNames().map((name) => ({
    name,
    sql: readFileSync(path.join(migrationsDir, name), 'utf8'),
  }));
}

/** Applies pending forward-only migrations, each in its own transaction. Returns the names applied. */
export async function migrate(db: Db): Promise<string[]> {
  return db.connection().execute(async (conn) => {
    // A migration may rewrite a large table, and waiting for another process's migrations is
    // expected: neither is bound by the pool's statement timeout (restored below).
    await sql`set statement_timeout = 0`.execute(conn);
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      await sql`create table if not exists schema_migrations (
        name text primary key, applied_at timestamptz not null default now())`.execute(conn);
      const done = await sql<{ name: string }>`select name from schema_migrations`.execute(conn);
      const applied = new Set(done.rows.map((r) => r.name));
      const ran: string[] = [];
      for (const m of listMigrations()) {
        if (applied.has(m.name)) continue;
        await conn.transaction().execute(async (trx) => {
          await sql.raw(m.sql).execute(trx);
          await sql`insert into schema_migrations (name) values (${m.name})`.execute(trx);
        });
        ran.push(m.name);
      }
      return ran;
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
      await sql`reset statement_timeout`.execute(conn);
    }
  });
}
