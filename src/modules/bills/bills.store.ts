import { type Insertable, sql } from 'kysely';
import type { AccountsTable, BillLinesTable, BillsTable } from '../../db/schema';
import type { Db } from '../../platform/db';
import { type Stmt, stmt, whenGuarded } from '../../platform/statement';

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
    join jsonb_to_recordset(${JSON.stringify(expected)}::jsonb) as e(id uuid, balance_cents bigint) on e.id = b.id
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
 * a balance below zero, which the one-live-attempt-per-bill index rules out.
 */
export function collectOnBillsPart(
  allocations: readonly { bill_id: string; amount_cents: number }[],
  now: Date,
): Stmt {
  return stmt`update bills b
    set balance_cents = b.balance_cents - a.amount_cents,
      status = case when b.status = 'open' and b.balance_cents = a.amount_cents then 'paid' else b.status end,
      updated_at = ${now}
    from jsonb_to_recordset(${JSON.stringify(allocations)}::jsonb) as a(bill_id uuid, amount_cents bigint)
    where b.id = any(${allocations.map((a) => a.bill_id)}::uuid[]) and b.id = a.bill_id and ${whenGuarded}`;
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
