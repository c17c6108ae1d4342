import type { Insertable, Updateable } from 'kysely';
import type { BankRepresentmentsTable } from '../../db/schema';
import type { Db } from '../../platform/db';
import type { DueClaim } from '../../platform/due-runs';

export function insertRepresentment(db: Db, row: Insertable<BankRepresentmentsTable>) {
  // One per returned payment: a second worker applying the same return adds nothing.
  return db
    .insertInto('bank_representments')
    .values(row)
    .onConflict((oc) => oc.column('returned_payment_id').doNothing())
    .execute();
}

/** The first presentment of the debit `paymentId` presents (itself, when it is the first). */
export async function firstPresentment(
  db: Db,
  paymentId: string,
): Promise<{ id: string; created_at: Date } | undefined> {
  const row = await db
    .selectFrom('bank_representments as r')
    .innerJoin('payments as p', 'p.id', 'r.original_payment_id')
    .select(['p.id', 'p.created_at'])
    .where('r.payment_id', '=', paymentId)
    .executeTakeFirst();
  if (row) return row;
  return db
    .selectFrom('payments')
    .select(['id', 'created_at'])
    .where('id', '=', paymentId)
    .executeTakeFirst();
}

/**
 * Claims the presentments due in a region (present_on on or before `lastDue`) that no other worker
 * holds: waiting ones, and processing ones whose worker's lease ran out.
 */
export function claimDue(db: Db, { regionId, lastDue, now, lockedUntil }: DueClaim, limit: number) {
  return db
    .updateTable('bank_representments')
    .set({ status: 'processing', locked_until: lockedUntil, updated_at: now })
    .where(
      'id',
      'in',
      db
        .selectFrom('bank_representments')
        .select('id')
        // bank_representments_due_idx (partial on the waiting statuses)
        .where('status', 'in', ['waiting', 'processing'])
        .where('present_on', '<=', lastDue)
        .where('region_id', '=', regionId)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .orderBy('present_on')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

/** Records what became of a presentment, if this worker still holds its claim. */
export async function finishRun(
  db: Db,
  id: string,
  claimedUntil: Date,
  patch: Pick<Updateable<BankRepresentmentsTable>, 'status' | 'payment_id' | 'outcome_code' | 'locked_until'>,
  now: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('bank_representments')
    .set({ ...patch, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .where('locked_until', '=', claimedUntil)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Whether the member removed this bank account from the wallet, or a return stopped debits from it. */
export async function isBankMethodStopped(db: Db, processorToken: string): Promise<boolean> {
  const row = await db
    .selectFrom('payment_methods')
    .select('id')
    .where('processor_method_id', '=', processorToken)
    .where((eb) => eb.or([eb('removed_at', 'is not', null), eb('blocked_at', 'is not', null)]))
    .executeTakeFirst();
  return !!row;
}

/** The presentments waiting on an account's bills, soonest first (the dashboard's upcoming payments). */
export function listWaiting(db: Db, accountIds: readonly string[]) {
  if (accountIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('bank_representments as r')
    .innerJoin('payments as p', 'p.id', 'r.returned_payment_id')
    .select(['r.id', 'r.account_id', 'r.amount_cents', 'r.present_on', 'r.presentment', 'p.method_last4'])
    .where('r.account_id', 'in', [...accountIds])
    .where('r.status', 'in', ['waiting', 'processing'])
    .orderBy('r.present_on')
    .execute();
}
