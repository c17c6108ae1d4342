import { type Insertable, sql } from 'kysely';
import type { AccountsTable, BillLinesTable, BillsTable } from '../../db/schema';
import type { Db } from '../../platform/db';
import { rowsTable, type Stmt, stmt, type UnitRow, unitGuarded, whenGuarded } from '../../platform/statement';

export async function insertAccount(db: Db, account: Insertable<AccountsTable>): Promise<void> {
  await db.insertInto('accounts').values(account).execute();
}

export async function insertBill(db: Db, bill: Insertable<BillsTable>): Promise<void> {
  await db.insertInto('bills').values(bill).execute();
}

export async function insertBillLines(db: Db, lines: Insertable<BillLinesTable>[]): Promise<void> {
  if (lines.length > 0) await db.insertInto('bill_lines').values(lines).execute();
}

export function findAccountById(db: Db, id: string) {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listBillsByIds(db: Db, accountId: string, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('bills')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', ids)
    .orderBy('due_date')
    .orderBy('number')
    .execute();
}

/** The bills a payment is about to pay, with their account's region, as they stand (not locked). */
export function listBillsForPayment(db: Db, accountId: string, ids: readonly string[]) {
  return db
    .selectFrom('bills')
    .innerJoin('accounts', 'accounts.id', 'bills.account_id')
    .select([
      'bills.id',
      'bills.number',
      'bills.kind',
      'bills.status',
      'bills.balance_cents',
      'bills.due_date',
      'accounts.region_id',
    ])
    .where('bills.account_id', '=', accountId)
    .where('bills.id', '=', sql<string>`any(${[...ids]}::uuid[])`)
    .execute();
}

/**
 * Locks, in id order (so concurrent payers never deadlock), those of the bills that are still open
 * with exactly the balance the caller read; a statement prelude (platform/statement.ts).
 */
export function lockUnchangedBillsPart(
  accountId: string,
  expected: readonly { id: string; balance_cents: number }[],
): Stmt {
  return stmt`select b.id from bills b
    join ${rowsTable('e', { id: 'uuid', balance_cents: 'bigint' }, expected)} on e.id = b.id
    where b.id = any(${expected.map((e) => e.id)}::uuid[]) and b.account_id = ${accountId}
      and b.status = 'open' and b.balance_cents = e.balance_cents
    order by b.id
    for update of b`;
}

export function listLinesForBills(db: Db, billIds: readonly string[]) {
  if (billIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('bill_lines')
    .selectAll()
    .where('bill_id', 'in', billIds)
    .orderBy('bill_id')
    .orderBy('position')
    .execute();
}

/**
 * Takes collected money off the bills, as part of a guarded statement. The bills' own checks refuse
 * a balance below zero, which the one-live-attempt-per-bill index rules out. The status follows
 * billStatusAfterCollecting (domain/payment-rules), written in SQL so the statement stays one. Returns
 * each bill's id and status as written, for a later part that reads it by name (a bill left paid).
 */
export function collectOnBillsPart(
  allocations: readonly { bill_id: string; amount_cents: number }[],
  now: Date,
): Stmt {
  return stmt`update bills b
    set balance_cents = b.balance_cents - a.amount_cents,
      status = case when b.status = 'open' and b.balance_cents = a.amount_cents then 'paid' else b.status end,
      updated_at = ${now}
    from ${rowsTable('a', { bill_id: 'uuid', amount_cents: 'bigint' }, allocations)}
    where b.id = any(${allocations.map((a) => a.bill_id)}::uuid[]) and b.id = a.bill_id and ${whenGuarded}
    returning b.id, b.status`;
}

/**
 * Locks, in id order, the bills of a batch of payments that are still open with exactly the balance
 * read, and answers the batch's units (payments) whose every bill is locked and has no live attempt:
 * the units that may go ahead. A statement prelude of a batch (platform/statement.ts).
 */
export function lockUnchangedBillsInBatchParts(
  expected: readonly UnitRow<{ bill_id: string; account_id: string; balance_cents: number }>[],
): [string, Stmt][] {
  const flat = expected.map((e) => ({ unit: e.unit, ...e.row }));
  return [
    [
      'expected',
      stmt`select * from ${rowsTable(
        'e',
        { unit: 'uuid', bill_id: 'uuid', account_id: 'uuid', balance_cents: 'bigint' },
        flat,
      )}`,
    ],
    [
      'locked',
      // Driven from the batch's rows: one index lookup per bill (an `= any(…)` here would be one per pair).
      stmt`select b.id from expected e join bills b on b.id = e.bill_id
        where b.account_id = e.account_id and b.status = 'open' and b.balance_cents = e.balance_cents
        order by b.id
        for update of b`,
    ],
    [
      'ready',
      stmt`select e.unit as id from expected e
        group by e.unit
        having bool_and(e.bill_id in (select id from locked)
          and not exists (select 1 from payment_allocations pa where pa.bill_id = e.bill_id and pa.live))`,
    ],
  ];
}

/** Locks, in id order, the bills a batch's outcome will collect on (a prelude the guard must read). */
export function lockBillsInOrderPart(billIds: readonly string[]): Stmt {
  return stmt`select id from bills where id = any(${[...billIds]}::uuid[]) order by id for update`;
}

/** collectOnBillsPart for a batch: each unit's (payment's) share, taken off only if the guard let it through. */
export function collectOnBillsInBatchPart(
  rows: readonly UnitRow<{ bill_id: string; amount_cents: number }>[],
  now: Date,
): Stmt {
  const flat = rows.map((r) => ({ unit: r.unit, ...r.row }));
  return stmt`update bills b
    set balance_cents = b.balance_cents - a.amount_cents,
      status = case when b.status = 'open' and b.balance_cents = a.amount_cents then 'paid' else b.status end,
      updated_at = ${now}
    from ${rowsTable('a', { unit: 'uuid', bill_id: 'uuid', amount_cents: 'bigint' }, flat)}
    where b.id = a.bill_id and ${unitGuarded(stmt`a.unit`)}
    returning b.id, b.status`;
}

export async function listBillIdsWithLiveAttempt(db: Db, billIds: readonly string[]): Promise<Set<string>> {
  if (billIds.length === 0) return new Set();
  // payment_allocations_one_live_per_bill (partial unique index on bill_id where live)
  const rows = await db
    .selectFrom('payment_allocations')
    .select('bill_id')
    .where('bill_id', 'in', billIds)
    .where('live', '=', true)
    .execute();
  return new Set(rows.map((r) => r.bill_id));
}

/** Every bill of these accounts, due date first (a member's accounts hold a few dozen at most). */
export function listBillsOfAccounts(db: Db, accountIds: readonly string[]) {
  if (accountIds.length === 0) return Promise.resolve([]);
  // bills_account_due_idx
  return db
    .selectFrom('bills')
    .selectAll()
    .where('account_id', '=', sql<string>`any(${[...accountIds]}::uuid[])`)
    .orderBy('due_date')
    .orderBy('number')
    .execute();
}

export function findBillById(db: Db, id: string) {
  return db
    .selectFrom('bills')
    .select(['id', 'account_id', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Puts back on each bill what a returned payment had paid on it: the bill is open again. */
export async function reopenBills(
  db: Db,
  allocations: readonly { billId: string; amountCents: number }[],
  now: Date,
): Promise<void> {
  for (const a of allocations) {
    await db
      .updateTable('bills')
      .set((eb) => ({
        balance_cents: eb('balance_cents', '+', a.amountCents),
        status: 'open',
        updated_at: now,
      }))
      .where('id', '=', a.billId)
      .where('status', '<>', 'void')
      .execute();
  }
}

/**
 * Adds a refund's shares back onto its bills, which owe them again: an open or paid bill is open; a
 * void bill stays void (its balance still follows its ledger). The bills are locked in id order first,
 * as the payment phases lock them, so two refunds over the same bills cannot deadlock.
 */
export async function addBackToBills(
  db: Db,
  shares: readonly { billId: string; amountCents: number }[],
  now: Date,
): Promise<void> {
  if (shares.length === 0) return;
  const ids = shares.map((s) => s.billId);
  await db.selectFrom('bills').select('id').where('id', 'in', ids).orderBy('id').forUpdate().execute();
  for (const share of shares) {
    await db
      .updateTable('bills')
      .set((eb) => ({
        balance_cents: eb('balance_cents', '+', share.amountCents),
        status: sql<'open' | 'void'>`case when status = 'void' then 'void' else 'open' end`,
        updated_at: now,
      }))
      .where('id', '=', share.billId)
      .execute();
  }
}
