import { type Insertable, sql } from 'kysely';
import type { AccountsTable, BillLinesTable, BillsTable } from '../../db/schema';
import type { Db } from '../../platform/db';

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

/** Locks the bills in id order so concurrent payers never deadlock. */
export function lockBills(db: Db, accountId: string, ids: readonly string[]) {
  return db
    .selectFrom('bills')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
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

/** Applies a collected amount; the guard keeps a balance from ever going below zero. */
export async function reduceBillBalance(
  db: Db,
  billId: string,
  amountCents: number,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('bills')
    .set((eb) => ({
      balance_cents: eb('balance_cents', '-', amountCents),
      status: eb
        .case()
        .when('balance_cents', '=', amountCents)
        .then(sql.lit<'paid' | 'open'>('paid'))
        .else(sql.lit<'paid' | 'open'>('open'))
        .end(),
      updated_at: now,
    }))
    .where('id', '=', billId)
    .where('status', '=', 'open')
    .where('balance_cents', '>=', amountCents)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
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
