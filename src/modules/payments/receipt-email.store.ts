import { sql } from 'kysely';
import type { Db } from '../../platform/db';

/** Locks the payment's row, so two requests count its receipt's addresses one after the other. */
export async function lockPaymentOfAccount(trx: Db, paymentId: string, accountId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('payments')
    .select('id')
    .where('id', '=', paymentId)
    .where('account_id', '=', accountId)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

/** The addresses (lower-cased) the payment's receipt was queued to; outbox_emails_receipt_payment_idx. */
export async function receiptAddresses(trx: Db, paymentId: string): Promise<string[]> {
  const r = await sql<{ address: string }>`
    select distinct lower(to_address) as address from outbox_emails
    where kind = 'payment_receipt' and attachment_ref ->> 'receiptPaymentId' = ${paymentId}`.execute(trx);
  return r.rows.map((row) => row.address);
}
