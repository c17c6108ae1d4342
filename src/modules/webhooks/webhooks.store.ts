import { type Insertable, sql, type Updateable } from 'kysely';
import type {
  IdempotencyKeysTable,
  WebhookDeliveriesTable,
  WebhookDeliveryAttemptsTable,
  WebhookDeliveryStatus,
  WebhookDisabledReason,
  WebhookEndpointsTable,
} from '../../db/schema';
import type { Db } from '../../platform/db';

// ---------------------------------------------------------------------------------------------------
// Endpoints

export async function insertEndpoint(db: Db, row: Insertable<WebhookEndpointsTable>): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute();
}

/** Claims an Idempotency-Key for the change made in the same transaction (idempotency.service). */
export async function insertIdempotencyClaim(db: Db, row: Insertable<IdempotencyKeysTable>): Promise<void> {
  await db.insertInto('idempotency_keys').values(row).execute();
}

export function findEndpoint(db: Db, id: string) {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Endpoints in the order they were made (ids are UUIDv7), after `afterId`. */
export function listEndpoints(db: Db, afterId: string | null, limit: number) {
  let query = db.selectFrom('webhook_endpoints').selectAll().orderBy('id').limit(limit);
  if (afterId) query = query.where('id', '>', afterId);
  return query.execute();
}

export function updateEndpoint(db: Db, id: string, patch: Updateable<WebhookEndpointsTable>) {
  return db
    .updateTable('webhook_endpoints')
    .set(patch)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteEndpoint(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The endpoints deliveries may go to now, with what they subscribe to and their secrets. */
export function listEnabledEndpoints(db: Db) {
  return db.selectFrom('webhook_endpoints').selectAll().where('enabled', '=', true).execute();
}

/** An answer: the endpoint is no longer failing. */
export async function markAnswering(db: Db, id: string): Promise<void> {
  await db
    .updateTable('webhook_endpoints')
    .set({ failing_since: null })
    .where('id', '=', id)
    .where('failing_since', 'is not', null)
    .execute();
}

/** A failure: failing since now, unless it already was. Returns since when it has failed. */
export async function markFailing(db: Db, id: string, now: Date): Promise<Date | null> {
  const row = await db
    .updateTable('webhook_endpoints')
    .set({ failing_since: sql<Date>`coalesce(failing_since, ${now})` })
    .where('id', '=', id)
    .returning('failing_since')
    .executeTakeFirst();
  return row?.failing_since ?? null;
}

/** Stops deliveries to an enabled endpoint: false when it was already disabled (or is gone). */
export async function disableEndpoint(
  db: Db,
  id: string,
  reason: WebhookDisabledReason,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_endpoints')
    .set({ enabled: false, disabled_reason: reason, disabled_at: now, updated_at: now })
    .where('id', '=', id)
    .where('enabled', '=', true)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** What was waiting for a disabled endpoint is not sent (an administrator may replay it). */
export async function failPendingDeliveries(db: Db, endpointId: string, now: Date): Promise<void> {
  // webhook_deliveries_due_idx (partial on status = 'pending')
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', next_attempt_at: null, last_error_kind: 'endpoint_disabled', updated_at: now })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .execute();
}

// ---------------------------------------------------------------------------------------------------
// Events and fan-out

export function findEvent(db: Db, id: string) {
  return db.selectFrom('webhook_events').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Events not fanned out yet, oldest first; SKIP LOCKED so two workers never fan out the same one. */
export function claimUnfannedEvents(db: Db, limit: number) {
  // webhook_events_unfanned_idx (partial on fanned_out_at is null)
  return db
    .selectFrom('webhook_events')
    .select(['id', 'type', 'created_at'])
    .where('fanned_out_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markFannedOut(db: Db, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('webhook_events')
    .set({ fanned_out_at: now })
    .where('id', '=', sql<string>`any(${[...ids]}::uuid[])`)
    .execute();
}

/** Writes deliveries; one already made for the same event and endpoint is kept (webhook_deliveries_once_idx). */
export async function insertDeliveries(
  db: Db,
  rows: readonly Insertable<WebhookDeliveriesTable>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('webhook_deliveries')
      .values(rows.slice(i, i + 1000))
      // The index's own predicate, spelled as it is, so PostgreSQL infers webhook_deliveries_once_idx.
      .onConflict((oc) => oc.columns(['event_id', 'endpoint_id']).where(sql<boolean>`not replay`).doNothing())
      .execute();
  }
}

// ---------------------------------------------------------------------------------------------------
// Delivery

export interface ClaimedDelivery {
  id: string;
  endpoint_id: string;
  event_id: string;
  attempts: number;
  first_attempt_at: Date | null;
  /** The claim: until when this worker holds it (its next_attempt_at while held). */
  lease: Date;
  type: string;
  payload: Record<string, unknown>;
  event_created_at: Date;
}

/**
 * Claims due deliveries per endpoint: at most `perEndpoint` of each enabled endpoint's (one of an
 * endpoint that is failing), oldest first, so no endpoint's backlog can crowd out another's. SKIP
 * LOCKED lets several workers claim at once; the lease moves each claimed delivery's next attempt out
 * before the locks are released, so a worker that dies mid-delivery leaves it to be tried again.
 */
export async function claimDueDeliveries(
  db: Db,
  now: Date,
  leaseUntil: Date,
  perEndpoint: number,
): Promise<ClaimedDelivery[]> {
  // webhook_deliveries_due_idx (endpoint_id, next_attempt_at) partial on status = 'pending'
  const result = await sql<ClaimedDelivery>`
    with due as (
      select d.id
      from webhook_endpoints e
      cross join lateral (
        select d.id from webhook_deliveries d
        where d.endpoint_id = e.id and d.status = 'pending' and d.next_attempt_at <= ${now}
        order by d.next_attempt_at
        limit case when e.failing_since is null then ${perEndpoint}::int else 1 end
        for update skip locked
      ) d
      where e.enabled
    )
    update webhook_deliveries d set next_attempt_at = ${leaseUntil}
    from due, webhook_events ev
    where d.id = due.id and ev.id = d.event_id
    returning d.id, d.endpoint_id, d.event_id, d.attempts, d.first_attempt_at, d.next_attempt_at as lease,
      ev.type, ev.payload, ev.created_at as event_created_at`.execute(db);
  return result.rows;
}

/** Gives claimed deliveries that were not attempted back, due now. */
export async function releaseDeliveries(
  db: Db,
  ids: readonly string[],
  lease: Date,
  now: Date,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: now })
    .where('id', '=', sql<string>`any(${[...ids]}::uuid[])`)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '=', lease)
    .execute();
}

/** Writes an attempt's outcome on its delivery, if this worker still holds it: false when it does not. */
export async function finishAttempt(
  db: Db,
  id: string,
  lease: Date,
  patch: Updateable<WebhookDeliveriesTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set(patch)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '=', lease)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertAttempt(db: Db, row: Insertable<WebhookDeliveryAttemptsTable>): Promise<void> {
  await db.insertInto('webhook_delivery_attempts').values(row).execute();
}

export async function insertDelivery(db: Db, row: Insertable<WebhookDeliveriesTable>): Promise<void> {
  await db.insertInto('webhook_deliveries').values(row).execute();
}

// ---------------------------------------------------------------------------------------------------
// The delivery log

const deliveryColumns = [
  'webhook_deliveries.id',
  'webhook_deliveries.event_id',
  'webhook_deliveries.status',
  'webhook_deliveries.replay',
  'webhook_deliveries.attempts',
  'webhook_deliveries.next_attempt_at',
  'webhook_deliveries.created_at',
  'webhook_events.type',
] as const;

/** An endpoint's deliveries, newest first (ids are UUIDv7), before `beforeId`. */
export function listDeliveries(
  db: Db,
  endpointId: string,
  opts: { beforeId: string | null; limit: number; status: WebhookDeliveryStatus | undefined },
) {
  // webhook_deliveries_endpoint_idx
  let query = db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhook_events', 'webhook_events.id', 'webhook_deliveries.event_id')
    .select(deliveryColumns)
    .where('webhook_deliveries.endpoint_id', '=', endpointId)
    .orderBy('webhook_deliveries.id', 'desc')
    .limit(opts.limit);
  if (opts.beforeId) query = query.where('webhook_deliveries.id', '<', opts.beforeId);
  if (opts.status) query = query.where('webhook_deliveries.status', '=', opts.status);
  return query.execute();
}

export function findDelivery(db: Db, endpointId: string, id: string) {
  return db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhook_events', 'webhook_events.id', 'webhook_deliveries.event_id')
    .select(deliveryColumns)
    .where('webhook_deliveries.endpoint_id', '=', endpointId)
    .where('webhook_deliveries.id', '=', id)
    .executeTakeFirst();
}

/** Every attempt of these deliveries, oldest first. */
export function listAttempts(db: Db, deliveryIds: readonly string[]) {
  if (deliveryIds.length === 0) return Promise.resolve([]);
  // webhook_delivery_attempts_delivery_idx
  return db
    .selectFrom('webhook_delivery_attempts')
    .selectAll()
    .where('delivery_id', '=', sql<string>`any(${[...deliveryIds]}::uuid[])`)
    .orderBy('delivery_id')
    .orderBy('attempted_at')
    .execute();
}

/**
 * Deletes events older than `before` (with their deliveries and attempts) once nothing about them is
 * waiting, at most `limit` at a time.
 */
export async function pruneEvents(db: Db, before: Date, limit: number): Promise<number> {
  // webhook_events_created_idx; webhook_deliveries_event_idx for the pending check and the cascade.
  const result = await sql`
    delete from webhook_events where id in (
      select e.id from webhook_events e
      where e.created_at < ${before} and e.fanned_out_at is not null
        and not exists (select 1 from webhook_deliveries d where d.event_id = e.id and d.status = 'pending')
      limit ${limit})`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
