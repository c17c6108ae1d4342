import type { Insertable } from 'kysely';
import type { LedgerAccount, LedgerLinesTable, LedgerPostingsTable } from '../../db/schema';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { findPaymentPosting, insertPosting, sumCreditLines } from './ledger.store';

/**
 * The ledger is double-entry and append-only. A bill raises what the account owes (receivable)
 * against revenue; a payment moves money from the receivable into processor clearing.
 * A database trigger refuses any posting whose lines do not sum to zero.
 */
export async function postBillIssued(
  trx: Db,
  opts: { accountId: string; billId: string; amountCents: number },
): Promise<string> {
  const id = newId();
  await insertPosting(
    trx,
    { id, account_id: opts.accountId, kind: 'bill_issued', bill_id: opts.billId, payment_id: null },
    [
      {
        account_id: opts.accountId,
        ledger_account: 'receivable',
        bill_id: opts.billId,
        amount_cents: opts.amountCents,
      },
      {
        account_id: opts.accountId,
        ledger_account: 'revenue',
        bill_id: null,
        amount_cents: -opts.amountCents,
      },
    ],
  );
  return id;
}

/**
 * Changes what a bill owes by `amountCents` (positive: more is owed, negative: less): a correction of
 * its lines, an adjustment, or a void taking off what was left. The bill's receivable moves against
 * revenue, so the bill's balance keeps equalling its ledger balance. Returns the posting's id.
 */
export async function postBillAmountChange(
  trx: Db,
  opts: { accountId: string; billId: string; amountCents: number; memo: string; at: Date },
): Promise<string> {
  if (!Number.isSafeInteger(opts.amountCents) || opts.amountCents === 0) {
    throw new RangeError(`a bill amount change must be a non-zero number of cents, got ${opts.amountCents}`);
  }
  const id = newId();
  await insertPosting(
    trx,
    {
      id,
      account_id: opts.accountId,
      kind: 'adjustment',
      bill_id: opts.billId,
      payment_id: null,
      memo: opts.memo,
      created_at: opts.at,
    },
    [
      {
        account_id: opts.accountId,
        ledger_account: 'receivable',
        bill_id: opts.billId,
        amount_cents: opts.amountCents,
      },
      {
        account_id: opts.accountId,
        ledger_account: 'revenue',
        bill_id: null,
        amount_cents: -opts.amountCents,
      },
    ],
  );
  return id;
}

/**
 * The posting for collected money, as rows for the caller's statement to write: processor clearing
 * takes the total, each bill's receivable gives up its share.
 */
export function paymentCollectedRows(opts: {
  accountId: string;
  paymentId: string;
  allocations: readonly { billId: string; amountCents: number }[];
  at: Date;
}): { posting: Insertable<LedgerPostingsTable>; lines: Insertable<LedgerLinesTable>[] } {
  const postingId = newId();
  const total = opts.allocations.reduce((sum, a) => sum + a.amountCents, 0);
  const line = (ledgerAccount: LedgerAccount, billId: string | null, amountCents: number) => ({
    posting_id: postingId,
    account_id: opts.accountId,
    ledger_account: ledgerAccount,
    bill_id: billId,
    amount_cents: amountCents,
  });
  return {
    posting: {
      id: postingId,
      account_id: opts.accountId,
      kind: 'payment',
      payment_id: opts.paymentId,
      bill_id: null,
      reverses_posting_id: null,
      memo: null,
      created_at: opts.at,
    },
    lines: [
      line('processor_clearing', null, total),
      ...opts.allocations.map((a) => line('receivable', a.billId, -a.amountCents)),
    ],
  };
}

/**
 * Records a succeeded refund, in the caller's transaction. Sent back to the card or bank account
 * (`original_method`): processor clearing gives the money up and each bill's receivable owes its share
 * again (the shares sum to the amount). Kept as a credit (`account_credit`): the money stays with us,
 * the account's credit holds it as owed back (negative), and revenue gives it up; the bills are not
 * touched.
 */
export async function postRefund(
  trx: Db,
  opts: {
    accountId: string;
    paymentId: string;
    refundId: string;
    destination: 'original_method' | 'account_credit';
    amountCents: number;
    bills: readonly { billId: string; amountCents: number }[];
    at: Date;
  },
): Promise<void> {
  const line = (ledgerAccount: LedgerAccount, billId: string | null, amountCents: number) => ({
    account_id: opts.accountId,
    ledger_account: ledgerAccount,
    bill_id: billId,
    amount_cents: amountCents,
  });
  const lines =
    opts.destination === 'original_method'
      ? [
          line('processor_clearing', null, -opts.amountCents),
          ...opts.bills.map((b) => line('receivable', b.billId, b.amountCents)),
        ]
      : [line('revenue', null, opts.amountCents), line('credit', null, -opts.amountCents)];
  await insertPosting(
    trx,
    {
      id: newId(),
      account_id: opts.accountId,
      kind: 'refund',
      payment_id: opts.paymentId,
      refund_id: opts.refundId,
      bill_id: null,
      reverses_posting_id: null,
      memo: null,
      created_at: opts.at,
    },
    lines,
  );
}

/** What the organization owes back on these accounts (overpayments held as credit), in cents. */
export async function creditBalance(db: Db, accountIds: readonly string[]): Promise<number> {
  return -(await sumCreditLines(db, accountIds));
}

/**
 * Reverses a payment's posting (a returned bank debit): the same lines with the opposite sign, so
 * each bill's receivable owes again what the payment had taken off it.
 */
export async function postPaymentReversal(
  trx: Db,
  opts: { paymentId: string; memo: string; at: Date },
): Promise<void> {
  const found = await findPaymentPosting(trx, opts.paymentId);
  if (!found) throw new Error(`payment ${opts.paymentId} has no posting to reverse`);
  await insertPosting(
    trx,
    {
      id: newId(),
      account_id: found.posting.account_id,
      kind: 'reversal',
      payment_id: opts.paymentId,
      bill_id: null,
      reverses_posting_id: found.posting.id,
      memo: opts.memo,
      created_at: opts.at,
    },
    found.lines.map((l) => ({ ...l, amount_cents: -l.amount_cents })),
  );
}
