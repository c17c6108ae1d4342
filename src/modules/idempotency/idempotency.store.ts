import type { Db } from '../../platform/db';

export function insertInFlight(db: Db, scope: string, key: string, requestHash: string, now: Date) {
  return db
    .insertInto('idempotency_keys')
    .values({ scope, key, request_hash: requestHash, status: 'in_flight', created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
}

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

export async function attachResource(db: Db, scope: string, key: string, resourceId: string): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ resource_id: resourceId })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
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

export async function release(db: Db, scope: string, key: string): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('scope', '=', scope)
    .where('key', '=', key)
    .where('status', '=', 'in_flight')
    .execute();
}

export async function pruneKeys(db: Db, olderThan: Date): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('created_at', '<', olderThan).execute();
}
