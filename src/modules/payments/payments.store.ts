import { type Insertable, sql } from 'kysely';
import type {
  AuditEventsTable,
  IdempotencyKeysTable,
  PaymentAllocationsTable,
  PaymentEventsTable,
  PaymentStatus,
  PaymentsTable,
} from '../../db/schema';
import { LIVE_PAYMENT_STATUSES } from '../../domain/payment-rules';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import {
  guardedStatement,
  ident,
  insertRows,
  joinStmts,
  type Part,
  runGuarded,
  type Stmt,
  stmt,
  whenGuarded,
} from '../../platform/statement';

export interface PaymentEventInput {
  paymentId: string;
  accountId: string;
  from: PaymentStatus | null;
  to: PaymentStatus;
  detail?: Record<string, unknown>;
  at: Date;
}

export function eventRow(e: PaymentEventInput): Insertable<PaymentEventsTable> {
  return {
    id: newId(),
    payment_id: e.paymentId,
    account_id: e.accountId,
    from_status: e.from,
    to_status: e.to,
    detail: e.detail ?? null,
    at: e.at,
  };
}

/**
 * The attempt phase in one statement (one round trip, one transaction): the bills still as the
 * caller read them are locked, the client's idempotency key is claimed, and the attempt, its
 * allocations, its first event and its audit row are written — or, if a bill changed since it was
 * read, nothing is and false comes back. Fails with a unique violation on
 * payment_allocations_one_live_per_bill if a bill already has a live attempt, and on
 * idempotency_keys_pkey if another request holds the key.
 */
export async function insertAttempt(
  db: Db,
  opts: {
    lockBills: Stmt;
    billCount: number;
    claim: Insertable<IdempotencyKeysTable>;
    payment: Insertable<PaymentsTable>;
    allocations: Insertable<PaymentAllocationsTable>[];
    event: Insertable<PaymentEventsTable>;
    audit: Insertable<AuditEventsTable>;
  },
): Promise<boolean> {
  const unchanged = stmt`(select count(*) from locked) = ${opts.billCount}`;
  const statement = guardedStatement({
    prelude: [['locked', opts.lockBills]],
    guard: stmt`${insertRows('idempotency_keys', [opts.claim], unchanged)} returning key`,
    parts: [
      insertRows('payments', [opts.payment]),
      insertRows('payment_allocations', opts.allocations),
      insertRows('payment_events', [opts.event]),
      insertRows('audit_events', [opts.audit]),
    ],
  });
  return runGuarded(db, statement);
}

/**
 * An outcome phase in one statement: the payment moves from `seenStatus` (its transition still
 * checked by the trigger), its allocations stop being live when it is final, its event is written,
 * and so is every other part (ledger posting, bill balances, audit, email, idempotency answer). If
 * the payment is no longer in `seenStatus` (another process applied an outcome first) nothing is
 * written and false comes back.
 */
export async function finishAttempt(
  db: Db,
  opts: {
    id: string;
    seenStatus: PaymentStatus;
    patch: Partial<Insertable<PaymentsTable>> & { status: PaymentStatus };
    final: boolean;
    event: Insertable<PaymentEventsTable>;
    parts: readonly Part[];
  },
): Promise<boolean> {
  const set = joinStmts(
    Object.entries(opts.patch).map(([column, value]) => stmt`${ident(column)} = ${value}`),
  );
  const released = stmt`update payment_allocations set live = false
    where payment_id = ${opts.id} and ${whenGuarded}`;
  const statement = guardedStatement({
    guard: stmt`update payments set ${set} where id = ${opts.id} and status = ${opts.seenStatus} returning id`,
    parts: [...(opts.final ? [released] : []), insertRows('payment_events', [opts.event]), ...opts.parts],
  });
  return runGuarded(db, statement);
}

export function findPayment(db: Db, id: string) {
  return db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
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
      .where('status', 'in', LIVE_PAYMENT_STATUSES)
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
    .where('status', 'in', LIVE_PAYMENT_STATUSES)
    .execute();
}

/** The latest payments on these accounts, newest first. */
export function listRecentPayments(db: Db, accountIds: readonly string[], limit: number) {
  if (accountIds.length === 0) return Promise.resolve([]);
  // payments_account_idx
  return db
    .selectFrom('payments')
    .innerJoin('accounts', 'accounts.id', 'payments.account_id')
    .selectAll('payments')
    .select('accounts.region_id')
    .where('payments.account_id', '=', sql<string>`any(${[...accountIds]}::uuid[])`)
    .orderBy('payments.created_at', 'desc')
    .limit(limit)
    .execute();
}

export function listAllocationsOfPayments(db: Db, paymentIds: readonly string[]) {
  if (paymentIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('payment_allocations')
    .innerJoin('bills', 'bills.id', 'payment_allocations.bill_id')
    .select(['payment_allocations.payment_id', 'payment_allocations.bill_id', 'bills.number'])
    .where('payment_allocations.payment_id', '=', sql<string>`any(${[...paymentIds]}::uuid[])`)
    .orderBy('bills.due_date')
    .execute();
}

/**
 * Money collected on one bill: its share of each payment that succeeded, less what refunds sent back to
 * the payer opened on this bill again (a refund kept as a credit leaves the bill paid).
 */
export async function listCollectedForBill(db: Db, billId: string) {
  // payment_allocations_bill_idx, refund_allocations_bill_idx
  const rows = await db
    .selectFrom('payment_allocations')
    .innerJoin('payments', 'payments.id', 'payment_allocations.payment_id')
    .innerJoin('accounts', 'accounts.id', 'payments.account_id')
    .select([
      'payments.id',
      'payments.confirmation_number',
      'payments.created_at',
      'payments.method_type',
      'payments.method_brand',
      'payments.method_last4',
      'accounts.region_id',
      sql<number>`(payment_allocations.amount_cents - coalesce((
        select sum(ra.amount_cents) from refund_allocations ra
        join refunds r on r.id = ra.refund_id and r.status = 'succeeded'
        where ra.bill_id = payment_allocations.bill_id and r.payment_id = payments.id), 0))::bigint`.as(
        'amount_cents',
      ),
    ])
    .where('payment_allocations.bill_id', '=', billId)
    .where('payments.status', 'in', ['succeeded', 'partially_refunded', 'refunded'])
    .orderBy('payments.created_at')
    .execute();
  return rows.map((r) => ({ ...r, amount_cents: Number(r.amount_cents) })).filter((r) => r.amount_cents > 0);
}

/**
 * Claims succeeded bank debits that have neither settled nor come back and are due for a check
 * (payments_unsettled_bank_idx). SKIP LOCKED lets several workers sweep at once without asking about
 * the same debit; the lease moves the next check out before the lock is released, so a worker that
 * dies while asking leaves its debits to the next once the lease runs out.
 */
export function claimUnsettledBankPayments(db: Db, now: Date, leaseUntil: Date, limit: number) {
  const due = sql<Date>`coalesce(settlement_check_at, created_at)`;
  return db
    .updateTable('payments')
    .from('accounts')
    .set({ settlement_check_at: leaseUntil })
    .whereRef('accounts.id', '=', 'payments.account_id')
    .where(
      'payments.id',
      'in',
      db
        .selectFrom('payments')
        .select('id')
        // payments_unsettled_bank_idx
        .where('method_type', '=', 'bank')
        .where('status', '=', 'succeeded')
        .where('settled_at', 'is', null)
        .where(due, '<=', now)
        .orderBy(due)
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning([
      'payments.id',
      'payments.account_id',
      'accounts.region_id',
      'payments.amount_cents',
      'payments.payer_email',
      'payments.locale',
      'payments.method_last4',
      'payments.bank_account_type',
      'payments.presentment',
      'payments.created_at',
      // For its webhook events (payment-webhooks.ts).
      'payments.confirmation_number',
      'payments.currency',
      'payments.channel',
      'payments.method_type',
      'payments.method_brand',
      'payments.represents_payment_id',
    ])
    .execute();
}

/** When to ask about a bank debit that is still pending again. */
export async function scheduleSettlementCheck(db: Db, id: string, at: Date): Promise<void> {
  await db
    .updateTable('payments')
    .set({ settlement_check_at: at })
    .where('id', '=', id)
    .where('status', '=', 'succeeded')
    .where('settled_at', 'is', null)
    .execute();
}

/** Records that a bank debit settled, once: false when another worker got there first. */
export async function markSettled(db: Db, id: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('payments')
    .set({ settled_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'succeeded')
    .where('settled_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** succeeded → returned, only once: false when another worker got there first. */
export async function markReturned(db: Db, id: string, returnCode: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('payments')
    .set({ status: 'returned', return_code: returnCode, settled_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'succeeded')
    .where('settled_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertEvent(db: Db, event: PaymentEventInput): Promise<void> {
  await db.insertInto('payment_events').values(eventRow(event)).execute();
}
