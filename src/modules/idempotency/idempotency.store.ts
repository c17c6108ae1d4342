import type { Db } from '../../platform/db';
import { type Stmt, stmt, whenGuarded } from '../../platform/statement';

export function findKey(db: Db, scope: string, key: string) {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
}

/** Takes over an abandoned in-flight key; only one taker wins because `updated_at` must still match. */
export async function takeOverStale(db: Db, scope: string, key: string, seenUpdatedAt: Date, now: Date) {
  const result = await db
    .updateTable('idempotency_keys')
    .set({ updated_at: now })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('status', '=', 'in_flight')
    .where('updated_at', '=', seenUpdatedAt)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Stores a key's answer as part of a guarded statement (platform/statement.ts). */
export function completionPart(scope: string, key: string, status: number, body: unknown, now: Date): Stmt {
  return stmt`update idempotency_keys
    set status = 'completed', response_status = ${status}, response_body = ${JSON.stringify(body)}::jsonb,
      updated_at = ${now}
    where scope = ${scope} and key = ${key} and ${whenGuarded}`;
}

export async function complete(db: Db, scope: string, key: string, status: number, body: unknown, now: Date) {
  await db
    .updateTable('idempotency_keys')
    .set({
      status: 'completed',
      response_status: status,
      response_body: JSON.stringify(body),
      updated_at: now,
    })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
}

export async function pruneKeys(db: Db, olderThan: Date): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('created_at', '<', olderThan).execute();
}
