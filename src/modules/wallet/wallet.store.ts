import type { Insertable, Updateable } from 'kysely';
import type { PaymentMethodsTable } from '../../db/schema';
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
