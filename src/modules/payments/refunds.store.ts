import { type Insertable, sql, type Updateable } from 'kysely';
import type { RefundAllocationsTable, RefundStatus, RefundsTable } from '../../db/schema';
import type { Db } from '../../platform/db';

/** Refund states not final yet: the reconciler finishes them. */
export const LIVE_REFUND_STATUSES = ['pending', 'unknown'] as const;

/**
 * The payment, locked for the rest of the transaction: refunds of one payment are decided one at a
 * time, and every read after this sees the refunds committed before the lock was granted.
 */
export function lockPayment(trx: Db, paymentId: string) {
  return trx.selectFrom('payments').selectAll().where('id', '=', paymentId).forUpdate().executeTakeFirst();
}

/** What a payment's refunds hold (succeeded or under way) and what succeeded, in cents (refunds_payment_idx). */
export async function refundTotals(db: Db, paymentId: string): Promise<{ held: number; refunded: number }> {
  const row = await db
    .selectFrom('refunds')
    .select([
      sql<number>`coalesce(sum(amount_cents) filter (where status <> 'failed'), 0)::bigint`.as('held'),
      sql<number>`coalesce(sum(amount_cents) filter (where status = 'succeeded'), 0)::bigint`.as('refunded'),
    ])
    .where('payment_id', '=', paymentId)
    .executeTakeFirstOrThrow();
  return { held: Number(row.held), refunded: Number(row.refunded) };
}

export async function insertRefund(trx: Db, row: Insertable<RefundsTable>): Promise<void> {
  await trx.insertInto('refunds').values(row).execute();
}

export function findRefund(db: Db, id: string) {
  return db.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A page of a payment's refunds, oldest first (UUIDv7 ids sort by creation), after `cursor`. */
export function listRefunds(db: Db, paymentId: string, limit: number, cursor?: string) {
  let query = db.selectFrom('refunds').selectAll().where('payment_id', '=', paymentId);
  if (cursor) query = query.where('id', '>', cursor);
  return query.orderBy('id').limit(limit).execute();
}

/** Moves a refund on from the status it was seen in; false when another process moved it first. */
export async function updateRefundFrom(
  trx: Db,
  id: string,
  seen: RefundStatus,
  patch: Updateable<RefundsTable>,
): Promise<boolean> {
  const result = await trx
    .updateTable('refunds')
    .set(patch)
    .where('id', '=', id)
    .where('status', '=', seen)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Per bill, what the payment's succeeded refunds already opened again. */
export async function refundedPerBill(db: Db, paymentId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('refund_allocations as ra')
    .innerJoin('refunds as r', 'r.id', 'ra.refund_id')
    .select(['ra.bill_id', sql<number>`sum(ra.amount_cents)::bigint`.as('total')])
    .where('r.payment_id', '=', paymentId)
    .where('r.status', '=', 'succeeded')
    .groupBy('ra.bill_id')
    .execute();
  return new Map(rows.map((r) => [r.bill_id, Number(r.total)]));
}

export async function insertRefundAllocations(
  trx: Db,
  rows: readonly Insertable<RefundAllocationsTable>[],
): Promise<void> {
  if (rows.length > 0)
    await trx
      .insertInto('refund_allocations')
      .values([...rows])
      .execute();
}

/** The bills each refund opened again, latest due first (refund_allocations_pkey). */
export function listRefundAllocations(db: Db, refundIds: readonly string[]) {
  if (refundIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('refund_allocations as ra')
    .innerJoin('bills as b', 'b.id', 'ra.bill_id')
    .select(['ra.refund_id', 'ra.bill_id', 'ra.amount_cents', 'b.number', 'b.kind'])
    .where('ra.refund_id', 'in', refundIds)
    .orderBy('b.due_date', 'desc')
    .orderBy('b.number', 'desc')
    .execute();
}

/**
 * Claims refunds not final yet that are due for a check (refunds_reconcile_idx). SKIP LOCKED lets
 * several workers sweep at once; the lease pushes the next check out before the lock is released.
 */
export function claimRefundsForReconcile(db: Db, now: Date, leaseUntil: Date, limit: number) {
  return db
    .updateTable('refunds')
    .set((eb) => ({ next_reconcile_at: leaseUntil, reconcile_attempts: eb('reconcile_attempts', '+', 1) }))
    .where(
      'id',
      'in',
      db
        .selectFrom('refunds')
        .select('id')
        .where('status', 'in', LIVE_REFUND_STATUSES)
        .where('next_reconcile_at', '<=', now)
        .orderBy('next_reconcile_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'reconcile_attempts'])
    .execute();
}

/** Sets the next check of a refund that is still not final; final ones are left alone. */
export async function scheduleRefundReconcile(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('refunds')
    .set({ next_reconcile_at: at })
    .where('id', '=', id)
    .where('status', 'in', LIVE_REFUND_STATUSES)
    .execute();
}
