import { type Insertable, sql, type Updateable } from 'kysely';
import type { AutopayEnrollmentsTable, AutopayItemsTable, BillKind } from '../../db/schema';
import type { Db } from '../../platform/db';
import type { DueClaim } from '../../platform/due-runs';
import { rowsTable, type Stmt, stmt, type UnitRow, unitGuarded } from '../../platform/statement';

export function findLiveEnrollment(db: Db, accountId: string) {
  return db
    .selectFrom('autopay_enrollments')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('status', '<>', 'canceled')
    .executeTakeFirst();
}

export function listLiveEnrollments(db: Db, accountIds: readonly string[]) {
  if (accountIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('autopay_enrollments')
    .selectAll()
    .where('account_id', 'in', accountIds)
    .where('status', '<>', 'canceled')
    .execute();
}

export function findEnrollmentById(db: Db, id: string) {
  return db.selectFrom('autopay_enrollments').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findEnrollmentsByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('autopay_enrollments')
    .selectAll()
    .where('id', '=', sql<string>`any(${[...ids]}::uuid[])`)
    .execute();
}

export async function insertEnrollment(db: Db, row: Insertable<AutopayEnrollmentsTable>): Promise<void> {
  await db.insertInto('autopay_enrollments').values(row).execute();
}

export async function updateEnrollment(
  db: Db,
  id: string,
  patch: Updateable<AutopayEnrollmentsTable>,
): Promise<void> {
  await db.updateTable('autopay_enrollments').set(patch).where('id', '=', id).execute();
}

/** Items not yet charged stop with their enrollment. */
export async function cancelWaitingItems(db: Db, enrollmentId: string, now: Date): Promise<void> {
  await db
    .updateTable('autopay_items')
    .set({ status: 'canceled', updated_at: now })
    .where('enrollment_id', '=', enrollmentId)
    .where('status', 'in', ['noticed', 'needs_approval', 'retrying'])
    .execute();
}

/**
 * Bills of active statement-balance enrollments in a region whose notice is due by `today` and that
 * have no item yet: the bills to tell members about.
 */
export function billsToNotice(db: Db, regionId: string, today: string, limit: number) {
  return db
    .selectFrom('autopay_enrollments as e')
    .innerJoin('bills as b', 'b.account_id', 'e.account_id')
    .leftJoin('autopay_items as i', (join) =>
      join.onRef('i.enrollment_id', '=', 'e.id').on('i.period_key', '=', sql<string>`b.id::text`),
    )
    .select([
      'e.id as enrollment_id',
      'b.id as bill_id',
      'b.number',
      'b.kind',
      'b.due_date',
      'b.balance_cents',
    ])
    .where('e.status', '=', 'active')
    .where('e.region_id', '=', regionId)
    .where('e.amount_rule', '=', 'statement_balance')
    .where('b.status', '=', 'open')
    .where('b.balance_cents', '>', 0)
    .where(
      sql<boolean>`e.bill_kinds @> jsonb_build_array(case when b.kind = 'premium' then 'premium' else 'medical' end)`,
    )
    .where(sql<boolean>`b.due_date - e.days_before_due - 3 <= ${today}::date`)
    .where('i.id', 'is', null)
    .orderBy('b.due_date')
    .limit(limit)
    .execute();
}

export function listActiveFixedEnrollments(db: Db, regionId: string) {
  return db
    .selectFrom('autopay_enrollments')
    .selectAll()
    .where('status', '=', 'active')
    .where('region_id', '=', regionId)
    .where('amount_rule', '=', 'fixed')
    .execute();
}

export function itemExists(db: Db, enrollmentId: string, periodKey: string) {
  return db
    .selectFrom('autopay_items')
    .select('id')
    .where('enrollment_id', '=', enrollmentId)
    .where('period_key', '=', periodKey)
    .executeTakeFirst();
}

/** The kinds of bill an enrollment's kinds cover: premiums, or medical bills (hospital and professional). */
export function billKindsOf(kinds: readonly string[]): BillKind[] {
  return kinds.flatMap((k): BillKind[] => (k === 'premium' ? ['premium'] : ['hospital', 'professional']));
}

/** Open bills of an account of the given kinds, oldest due first. */
export function openBillsOfKinds(db: Db, accountId: string, kinds: readonly string[]) {
  const billKinds = billKindsOf(kinds);
  return db
    .selectFrom('bills')
    .select(['id', 'number', 'kind', 'due_date', 'balance_cents'])
    .where('account_id', '=', accountId)
    .where('status', '=', 'open')
    .where('balance_cents', '>', 0)
    .where('kind', 'in', billKinds)
    .orderBy('due_date')
    .orderBy('number')
    .execute();
}

/** The open bills with something owed of these accounts, oldest due first (for a claim of items). */
export function openBillsOfAccounts(db: Db, accountIds: readonly string[]) {
  if (accountIds.length === 0) return Promise.resolve([]);
  // bills_account_due_idx
  return db
    .selectFrom('bills')
    .select(['id', 'account_id', 'number', 'kind', 'status', 'due_date', 'balance_cents'])
    .where('account_id', '=', sql<string>`any(${[...accountIds]}::uuid[])`)
    .where('status', '=', 'open')
    .where('balance_cents', '>', 0)
    .orderBy('due_date')
    .orderBy('number')
    .execute();
}

/** Inserts an item unless its enrollment already has one for the period; true when this call made it. */
export async function insertItem(db: Db, row: Insertable<AutopayItemsTable>): Promise<boolean> {
  const inserted = await db
    .insertInto('autopay_items')
    .values(row)
    .onConflict((oc) => oc.columns(['enrollment_id', 'period_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export function findItem(db: Db, memberId: string, id: string) {
  return db
    .selectFrom('autopay_items')
    .selectAll()
    .where('id', '=', id)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
}

export function listItems(db: Db, memberId: string, limit: number) {
  return db
    .selectFrom('autopay_items as i')
    .leftJoin('bills as b', 'b.id', 'i.bill_id')
    .selectAll('i')
    .select(['b.number as bill_number', 'b.due_date as bill_due_date'])
    .where('i.member_id', '=', memberId)
    .orderBy(sql`i.status in ('noticed', 'needs_approval', 'processing', 'retrying')`, 'desc')
    .orderBy('i.charge_on', 'desc')
    .limit(limit)
    .execute();
}

export async function updateItemIf(
  db: Db,
  id: string,
  fromStatus: AutopayItemsTable['status'],
  patch: Updateable<AutopayItemsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('autopay_items')
    .set(patch)
    .where('id', '=', id)
    .where('status', '=', fromStatus)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Claims the region's items due by `lastDue` (first tries and retries), and those whose worker's claim
 * ran out, for this worker until `lockedUntil`. SKIP LOCKED so workers never share one.
 */
export function claimDueItems(db: Db, { regionId, lastDue, now, lockedUntil }: DueClaim, limit: number) {
  return db
    .updateTable('autopay_items')
    .set({ status: 'processing', locked_until: lockedUntil, updated_at: now })
    .where(
      'id',
      'in',
      db
        .selectFrom('autopay_items')
        .select('id')
        // autopay_items_due_idx
        .where('region_id', '=', regionId)
        .where('status', 'in', ['noticed', 'processing', 'retrying'])
        .where(sql<string>`coalesce(next_try_on, charge_on)`, '<=', lastDue)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .orderBy(sql`coalesce(next_try_on, charge_on)`)
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

/** Records a run's outcome, if this worker still holds the claim. */
export async function finishItem(
  db: Db,
  id: string,
  claimedUntil: Date,
  patch: Updateable<AutopayItemsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('autopay_items')
    .set(patch)
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .where('locked_until', '=', claimedUntil)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Marks paid, in a payments batch's outcome statement, each item whose payment (its unit) succeeded
 * there — if this worker still holds its claim.
 */
export function finishPaidItemsPart(
  rows: readonly UnitRow<{ id: string; tries: number; locked_until: Date }>[],
  now: Date,
): Stmt {
  const flat = rows.map((r) => ({ unit: r.unit, ...r.row }));
  return stmt`update autopay_items i
    set status = 'paid', tries = r.tries, payment_id = r.unit, locked_until = null, updated_at = ${now}
    from ${rowsTable(
      'r',
      { unit: 'uuid', id: 'uuid', tries: 'integer', locked_until: 'timestamp with time zone' },
      flat,
    )}
    where i.id = r.id and i.status = 'processing'
      and i.locked_until = r.locked_until and ${unitGuarded(stmt`r.unit`)}`;
}

/** Active enrollments paying from a blocked bank account pause (their waiting items with them). */
export async function pauseOnBlockedMethods(db: Db, now: Date) {
  const paused = await db
    .updateTable('autopay_enrollments')
    .set({ status: 'paused', paused_reason: 'bank_returned', updated_at: now })
    .where('status', '=', 'active')
    .where(
      'payment_method_id',
      'in',
      db.selectFrom('payment_methods').select('id').where('blocked_at', 'is not', null),
    )
    .returning(['id', 'account_id', 'amount_rule', 'bill_kinds'])
    .execute();
  const ids = paused.map((p) => p.id);
  if (ids.length > 0) {
    await db
      .updateTable('autopay_items')
      .set({ status: 'canceled', updated_at: now })
      .where('enrollment_id', 'in', ids)
      .where('status', 'in', ['noticed', 'needs_approval', 'retrying'])
      .execute();
  }
  return paused;
}
