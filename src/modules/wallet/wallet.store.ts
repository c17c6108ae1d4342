import { type Insertable, sql, type Updateable } from 'kysely';
import type { PaymentMethodsTable } from '../../db/schema';
import { BLOCKING_RETURN_CODES } from '../../domain/bank';
import type { Db } from '../../platform/db';

export function listMethods(db: Db, memberId: string) {
  // payment_methods_member_idx
  return db
    .selectFrom('payment_methods')
    .selectAll()
    .where('member_id', '=', memberId)
    .where('removed_at', 'is', null)
    .orderBy('is_default', 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}

export function findMethod(db: Db, memberId: string, id: string) {
  return db
    .selectFrom('payment_methods')
    .selectAll()
    .where('id', '=', id)
    .where('member_id', '=', memberId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
}

/** Saved methods by id (not removed), whoever's they are: the caller checks the member. */
export function findMethodsByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('payment_methods')
    .selectAll()
    .where('id', '=', sql<string>`any(${[...ids]}::uuid[])`)
    .where('removed_at', 'is', null)
    .execute();
}

export async function insertMethod(db: Db, row: Insertable<PaymentMethodsTable>): Promise<void> {
  await db.insertInto('payment_methods').values(row).execute();
}

export async function clearDefault(db: Db, memberId: string, now: Date): Promise<void> {
  await db
    .updateTable('payment_methods')
    .set({ is_default: false, updated_at: now })
    .where('member_id', '=', memberId)
    .where('is_default', '=', true)
    .where('removed_at', 'is', null)
    .execute();
}

export async function updateMethod(
  db: Db,
  memberId: string,
  id: string,
  patch: Updateable<PaymentMethodsTable>,
): Promise<void> {
  await db
    .updateTable('payment_methods')
    .set(patch)
    .where('id', '=', id)
    .where('member_id', '=', memberId)
    .where('removed_at', 'is', null)
    .execute();
}

export async function blockReturnedBankMethods(db: Db, now: Date): Promise<string[]> {
  const rows = await db
    .updateTable('payment_methods as pm')
    .from('payments as p')
    .set({ blocked_at: now, blocked_reason: sql<string>`'bank_return_' || p.return_code` })
    .whereRef('p.processor_token', '=', 'pm.processor_method_id')
    .where('p.status', '=', 'returned')
    .where('p.return_code', 'in', BLOCKING_RETURN_CODES)
    .where('pm.blocked_at', 'is', null)
    .where('pm.removed_at', 'is', null)
    .where((eb) =>
      eb.or([eb('pm.unblocked_at', 'is', null), eb('pm.unblocked_at', '<', eb.ref('p.settled_at'))]),
    )
    .returning('pm.id')
    .execute();
  return rows.map((r) => r.id);
}
