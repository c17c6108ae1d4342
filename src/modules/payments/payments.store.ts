import type { Insertable } from 'kysely';
import type { PaymentAllocationsTable, PaymentStatus, PaymentsTable } from '../../db/schema';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';

export interface PaymentEventInput {
  paymentId: string;
  accountId: string;
  from: PaymentStatus | null;
  to: PaymentStatus;
  detail?: object;
}

function eventRow(e: PaymentEventInput) {
  return {
    id: newId(),
    payment_id: e.paymentId,
    account_id: e.accountId,
    from_status: e.from,
    to_status: e.to,
    detail: e.detail ? JSON.stringify(e.detail) : null,
  };
}

export async function insertPaymentEvent(db: Db, e: PaymentEventInput): Promise<void> {
  await db.insertInto('payment_events').values(eventRow(e)).execute();
}

/**
 * The attempt, its allocations and its first event in one statement (one round trip; the foreign keys
 * are checked at its end, when the payment row exists). Fails with a unique violation on
 * payment_allocations_one_live_per_bill if a bill already has a live attempt.
 */
export async function insertAttempt(
  db: Db,
  payment: Insertable<PaymentsTable>,
  allocations: Insertable<PaymentAllocationsTable>[],
  event: PaymentEventInput,
): Promise<void> {
  await db
    .with('payment', (qb) => qb.insertInto('payments').values(payment).returning('id'))
    .with('allocations', (qb) =>
      qb.insertInto('payment_allocations').values(allocations).returning('bill_id'),
    )
    .insertInto('payment_events')
    .values(eventRow(event))
    .execute();
}

/**
 * Moves an attempt to a final state in one statement: the payment row (its transition still checked by
 * the trigger), its allocations no longer live, and the transition's event.
 */
export async function finishPayment(
  db: Db,
  id: string,
  patch: Partial<Insertable<PaymentsTable>>,
  event: PaymentEventInput,
): Promise<void> {
  await db
    .with('payment', (qb) => qb.updateTable('payments').set(patch).where('id', '=', id).returning('id'))
    .with('released', (qb) =>
      qb
        .updateTable('payment_allocations')
        .set({ live: false })
        .where('payment_id', '=', id)
        .returning('bill_id'),
    )
    .insertInto('payment_events')
    .values(eventRow(event))
    .execute();
}

export function findPayment(db: Db, id: string) {
  return db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Locks the payment row (not its account's) and reads the account's region with it, in one round trip. */
export function lockPayment(db: Db, id: string) {
  return db
    .selectFrom('payments')
    .innerJoin('accounts', 'accounts.id', 'payments.account_id')
    .selectAll('payments')
    .select('accounts.region_id')
    .where('payments.id', '=', id)
    .forUpdate('payments')
    .executeTakeFirst();
}

export function listAllocations(db: Db, paymentId: string) {
  return db
    .selectFrom('payment_allocations')
    .innerJoin('bills', 'bills.id', 'payment_allocations.bill_id')
    .select([
      'payment_allocations.bill_id',
      'payment_allocations.amount_cents',
      'bills.number',
      'bills.kind',
      'bills.due_date',
    ])
    .where('payment_allocations.payment_id', '=', paymentId)
    .orderBy('bills.due_date')
    .orderBy('bills.number')
    .execute();
}

export async function updatePayment(
  db: Db,
  id: string,
  patch: Partial<Insertable<PaymentsTable>>,
): Promise<void> {
  await db.updateTable('payments').set(patch).where('id', '=', id).execute();
}

/**
 * Claims non-terminal attempts due for a check. SKIP LOCKED lets several workers sweep at once
 * without taking the same row; the lease pushes next_reconcile_at out before the lock is released.
 */
export async function claimForReconcile(db: Db, now: Date, leaseUntil: Date, limit: number) {
  return db.transaction().execute(async (trx) => {
    // payments_reconcile_idx (partial on non-terminal statuses)
    const rows = await trx
      .selectFrom('payments')
      .select([
        'id',
        'status',
        'processor_token',
        'amount_cents',
        'currency',
        'reconcile_attempts',
        'created_at',
      ])
      .where('status', 'in', ['pending', 'processing', 'unknown'])
      .where('next_reconcile_at', '<=', now)
      .orderBy('next_reconcile_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (rows.length > 0) {
      await trx
        .updateTable('payments')
        .set((eb) => ({
          next_reconcile_at: leaseUntil,
          reconcile_attempts: eb('reconcile_attempts', '+', 1),
        }))
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
    }
    return rows;
  });
}

/** Sets the next check of an attempt that is still unresolved; final attempts are left alone. */
export async function scheduleReconcile(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('payments')
    .set({ next_reconcile_at: at })
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'processing', 'unknown'])
    .execute();
}
