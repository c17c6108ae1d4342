import { type Insertable, sql } from 'kysely';
import type { LedgerLinesTable, LedgerPostingsTable } from '../../db/schema';
import type { Db } from '../../platform/db';

export async function insertPosting(
  db: Db,
  posting: Insertable<LedgerPostingsTable>,
  lines: Omit<Insertable<LedgerLinesTable>, 'posting_id'>[],
): Promise<void> {
  await db.insertInto('ledger_postings').values(posting).execute();
  await db
    .insertInto('ledger_lines')
    .values(lines.map((l) => ({ ...l, posting_id: posting.id })))
    .execute();
}

/** Sum of the `credit` ledger lines of these accounts (negative: money the organization owes back). */
export async function sumCreditLines(db: Db, accountIds: readonly string[]): Promise<number> {
  if (accountIds.length === 0) return 0;
  const row = await db
    .selectFrom('ledger_lines')
    .select(sql<number>`coalesce(sum(amount_cents), 0)::bigint`.as('total'))
    .where('ledger_account', '=', 'credit')
    .where('account_id', '=', sql<string>`any(${[...accountIds]}::uuid[])`)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/** The payment's posting and its lines (one per payment: ledger_postings_one_per_payment). */
export async function findPaymentPosting(db: Db, paymentId: string) {
  const posting = await db
    .selectFrom('ledger_postings')
    .selectAll()
    .where('payment_id', '=', paymentId)
    .where('kind', '=', 'payment')
    .executeTakeFirst();
  if (!posting) return null;
  const lines = await db
    .selectFrom('ledger_lines')
    .select(['account_id', 'ledger_account', 'bill_id', 'amount_cents'])
    .where('posting_id', '=', posting.id)
    .execute();
  return { posting, lines };
}
