import type { Insertable } from 'kysely';
import { columnTypes } from '../../db/columns';
import type { IdempotencyKeysTable } from '../../db/schema';
import type { Db } from '../../platform/db';
import { rowsTable, type Stmt, stmt, type UnitRow, unitGuarded, whenGuarded } from '../../platform/statement';
import type { KeyCompletion } from './idempotency.service';

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

/** The keys of a batch that are claimed: `insert … on conflict do nothing`, guarded per unit by `when`. */
export function claimsPart(rows: readonly UnitRow<Insertable<IdempotencyKeysTable>>[], when: Stmt): Stmt {
  return stmt`insert into idempotency_keys (scope, key, request_hash, status, resource_id, response_status,
      response_body, created_at, updated_at)
    select r.scope, r.key, r.request_hash, r.status, r.resource_id, r.response_status, r.response_body,
      r.created_at, r.updated_at
    from ${rowsTable(
      'r',
      columnTypes.idempotency_keys,
      rows.map((r) => r.row),
      // What every claim is (keyedWork's claimRow), at the batch's one instant: sent once.
      ['status', 'response_status', 'response_body', 'created_at', 'updated_at'],
    )}
    where ${when}
    on conflict do nothing
    returning resource_id as id`;
}

/** Stores each key's answer whose unit the batch statement's guard let through. */
export function completionsPart(rows: readonly UnitRow<KeyCompletion>[]): Stmt {
  return stmt`update idempotency_keys k
    set status = 'completed', response_status = c.response_status, response_body = c.response_body,
      updated_at = c.updated_at
    from ${rowsTable(
      'c',
      {
        unit: 'uuid',
        scope: 'text',
        key: 'text',
        response_status: 'integer',
        response_body: 'jsonb',
        updated_at: 'timestamp with time zone',
      },
      rows.map((r) => ({ unit: r.unit, ...r.row })),
      ['updated_at'],
    )}
    where k.scope = c.scope and k.key = c.key and ${unitGuarded(stmt`c.unit`)}`;
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
