import { type Insertable, sql, type Updateable } from 'kysely';
import type { ScheduledPaymentsTable } from '../../db/schema';
import type { Db } from '../../platform/db';
import type { DueClaim } from '../../platform/due-runs';

export async function insertScheduledPayment(db: Db, row: Insertable<ScheduledPaymentsTable>): Promise<void> {
  await db.insertInto('scheduled_payments').values(row).execute();
}

export function findScheduledPayment(db: Db, memberId: string, id: string) {
  return db
    .selectFrom('scheduled_payments')
    .selectAll()
    .where('id', '=', id)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
}

/** The member's scheduled payments: what is still to come first (soonest first), then the rest, newest first. */
export function listScheduledPayments(db: Db, memberId: string, limit: number) {
  // scheduled_payments_member_idx
  return db
    .selectFrom('scheduled_payments')
    .selectAll()
    .where('member_id', '=', memberId)
    .orderBy(sql`status in ('scheduled', 'processing')`, 'desc')
    .orderBy(sql`case when status in ('scheduled', 'processing') then pay_on end`, 'asc')
    .orderBy('pay_on', 'desc')
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

/** The bills scheduled payments pay, as they stand now. */
export function listBillsByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('bills')
    .select(['id', 'account_id', 'number', 'kind', 'patient_name', 'due_date', 'balance_cents', 'status'])
    .where('id', '=', sql<string>`any(${[...ids]}::uuid[])`)
    .execute();
}

/**
 * Changes a scheduled payment only while it is still waiting and as the caller read it (`seenUpdatedAt`),
 * so a change never races the worker's claim or another change. False when it was not.
 */
export async function updateWaiting(
  db: Db,
  id: string,
  seenUpdatedAt: Date,
  patch: Updateable<ScheduledPaymentsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('scheduled_payments')
    .set(patch)
    .where('id', '=', id)
    .where('status', '=', 'scheduled')
    .where('updated_at', '=', seenUpdatedAt)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Claims due scheduled payments of one region for this worker until `lockedUntil`: those waiting,
 * and those whose worker's claim ran out (it died mid-run). SKIP LOCKED so workers never share one.
 */
export function claimDue(db: Db, { regionId, lastDue, now, lockedUntil }: DueClaim, limit: number) {
  return db
    .updateTable('scheduled_payments')
    .set({ status: 'processing', locked_until: lockedUntil, updated_at: now })
    .where(
      'id',
      'in',
      db
        .selectFrom('scheduled_payments')
        .select('id')
        // scheduled_payments_due_idx (partial on the waiting statuses)
        .where('status', 'in', ['scheduled', 'processing'])
        .where('pay_on', '<=', lastDue)
        .where('region_id', '=', regionId)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .orderBy('pay_on')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

/** Records a run's outcome, if this worker still holds the claim: false when it no longer does. */
export async function finishRun(
  db: Db,
  id: string,
  claimedUntil: Date,
  patch: Pick<Updateable<ScheduledPaymentsTable>, 'status' | 'payment_id' | 'outcome_code' | 'locked_until'>,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('scheduled_payments')
    .set({ ...patch, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .where('locked_until', '=', claimedUntil)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
