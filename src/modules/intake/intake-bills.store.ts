/** Queries for intake's bills: the bill by its external id, its lines and its versions. */
import { type Insertable, sql, type Updateable } from 'kysely';
import type { BillLinesTable, BillsTable, BillVersionsTable } from '../../db/schema';
import type { Db } from '../../platform/db';

/** The bill with this external id, with its account's and patient's external ids; locked when `lock`. */
export function findBillByExternalId(db: Db, externalId: string, lock = false) {
  // bills_external_id_key (unique)
  const q = db
    .selectFrom('bills')
    .innerJoin('accounts', 'accounts.id', 'bills.account_id')
    .leftJoin('people', 'people.id', 'bills.patient_person_id')
    .selectAll('bills')
    .select(['accounts.external_id as account_external_id', 'people.external_id as patient_external_id'])
    .where('bills.external_id', '=', externalId);
  return (lock ? q.forUpdate('bills') : q).executeTakeFirst();
}

/** Who holds a bill number (bills_number_key, unique). */
export function findBillIdByNumber(db: Db, number: string) {
  return db.selectFrom('bills').select(['id', 'external_id']).where('number', '=', number).executeTakeFirst();
}

/** What a live (pending, processing, unknown) payment is taking off the bill; 0 when none. */
export async function liveShareOnBill(db: Db, billId: string): Promise<number> {
  // payment_allocations_one_live_per_bill: at most one row
  const row = await db
    .selectFrom('payment_allocations')
    .select(sql<number>`coalesce(sum(amount_cents), 0)::bigint`.as('total'))
    .where('bill_id', '=', billId)
    .where('live', '=', true)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

export async function updateBill(db: Db, id: string, row: Updateable<BillsTable>): Promise<void> {
  await db.updateTable('bills').set(row).where('id', '=', id).execute();
}

/** Puts a corrected bill's lines in place of the old ones (which its versions keep). */
export async function replaceLines(
  db: Db,
  billId: string,
  lines: Insertable<BillLinesTable>[],
): Promise<void> {
  await db.deleteFrom('bill_lines').where('bill_id', '=', billId).execute();
  if (lines.length > 0) await db.insertInto('bill_lines').values(lines).execute();
}

export function listLines(db: Db, billId: string) {
  return db.selectFrom('bill_lines').selectAll().where('bill_id', '=', billId).orderBy('position').execute();
}

export function latestVersion(db: Db, billId: string) {
  // bill_versions_bill_id_version_key
  return db
    .selectFrom('bill_versions')
    .selectAll()
    .where('bill_id', '=', billId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertVersion(db: Db, row: Insertable<BillVersionsTable>): Promise<void> {
  await db.insertInto('bill_versions').values(row).execute();
}

export function listVersions(db: Db, billId: string) {
  return db
    .selectFrom('bill_versions')
    .selectAll()
    .where('bill_id', '=', billId)
    .orderBy('version')
    .execute();
}

export function findVersionById(db: Db, id: string) {
  return db.selectFrom('bill_versions').select(['id', 'bill_id']).where('id', '=', id).executeTakeFirst();
}

/** The adjustments posted on a bill, oldest first. */
export function listAdjustments(db: Db, billId: string) {
  return db
    .selectFrom('bill_versions')
    .select(['created_at', 'reason', 'amount_change_cents'])
    .where('bill_id', '=', billId)
    .where('change', '=', 'adjusted')
    .orderBy('version')
    .execute();
}
