import { sql } from 'kysely';
import type { Db } from './db';

/** The database did not answer: start-up stops with this message instead of hanging. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

// SQLSTATE classes and codes that mean "the database could not serve this now", not "this request
// was wrong": connection exceptions (08), too many connections, shutting down, a statement or an
// idle transaction cut off by a timeout.
const UNAVAILABLE_SQLSTATES = /^(08...|53300|57014|57P0[1-3]|25P03)$/;
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);

/**
 * Whether an error thrown by a query means the database was unavailable (refused, timed out, cut
 * off) rather than a bug: the API answers 503 with Retry-After for these instead of a 500.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.test(code) || UNAVAILABLE_ERRNO.has(code))) {
    return true;
  }
  const message = (err as { message?: unknown }).message;
  // pg-pool's own wording for a connect timeout and a connection lost mid-query.
  return (
    typeof message === 'string' &&
    /timeout exceeded when trying to connect|Connection terminated/i.test(message)
  );
}

export type Readiness =
  | { ready: true }
  | { ready: false; reason: 'database_unavailable'; detail: string; cause: string }
  | { ready: false; reason: 'migrations_pending'; detail: string; pendingMigrations: string[] };

/** Where a postgres:// URL points, without its password, for messages an operator reads. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/** Resolves with the query's result, or rejects once `timeoutMs` has passed without one. */
async function within<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Fails with DatabaseUnavailableError unless the database answers `select 1` within `timeoutMs`. */
export async function pingDatabase(db: Db, options: { timeoutMs: number; where: string }): Promise<void> {
  try {
    await within(sql`select 1`.execute(db), options.timeoutMs);
  } catch (err) {
    const message = (err as Error).message;
    throw new DatabaseUnavailableError(
      /timeout|no answer within/i.test(message)
        ? `The database at ${options.where} did not answer within ${options.timeoutMs} ms ` +
            `(DATABASE_CONNECT_TIMEOUT_MS): ${message}`
        : `Cannot use the database at ${options.where}: ${message}`,
    );
  }
}

/**
 * Ready to serve: the database answers within `timeoutMs` and every migration this build knows
 * (`expected`) is applied. Migrations the database has beyond these (a newer release rolling out)
 * do not make it unready.
 */
export async function checkReadiness(
  db: Db,
  options: { expected: readonly string[]; timeoutMs: number },
): Promise<Readiness> {
  let applied: Set<string>;
  try {
    const rows = await within(
      sql<{ name: string }>`select name from schema_migrations`.execute(db),
      options.timeoutMs,
    );
    applied = new Set(rows.rows.map((r) => r.name));
  } catch (err) {
    const code = (err as { code?: string }).code;
    // 42P01: the table does not exist yet — nothing has been migrated.
    if (code !== '42P01') {
      // The cause is for the log: the answer is public and names nothing inside.
      return {
        ready: false,
        reason: 'database_unavailable',
        detail: 'The database is not available',
        cause: (err as Error).message,
      };
    }
    applied = new Set();
  }
  const pendingMigrations = options.expected.filter((name) => !applied.has(name));
  if (pendingMigrations.length === 0) return { ready: true };
  return {
    ready: false,
    reason: 'migrations_pending',
    detail: `${pendingMigrations.length} migration${pendingMigrations.length === 1 ? '' : 's'} pending: run settle migrate`,
    pendingMigrations,
  };
}
