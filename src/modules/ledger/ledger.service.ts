import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { insertPosting } from './ledger.store';

/**
 * The ledger is double-entry and append-only. A bill raises what the account owes (receivable)
 * against revenue; a payment moves money from the receivable into processor clearing.
 * A database trigger refuses any posting whose lines do not sum to zero.
 */
export async function postBillIssued(
  trx: Db,
  opts: { accountId: string; billId: string; amountCents: number },
): Promise<void> {
  await insertPosting(
    trx,
    { id: newId(), account_id: opts.accountId, kind: 'bill_issued', bill_id: opts.billId, payment_id: null },
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
}

export async function postPaymentCollected(
  trx: Db,
  opts: {
    accountId: string;
    paymentId: string;
    allocations: readonly { billId: string; amountCents: number }[];
  },
): Promise<void> {
  const total = opts.allocations.reduce((sum, a) => sum + a.amountCents, 0);
  await insertPosting(
    trx,
    { id: newId(), account_id: opts.accountId, kind: 'payment', payment_id: opts.paymentId, bill_id: null },
    [
      {
        account_id: opts.accountId,
        ledger_account: 'processor_clearing',
        bill_id: null,
        amount_cents: total,
      },
      ...opts.allocations.map((a) => ({
        account_id: opts.accountId,
        ledger_account: 'receivable' as const,
        bill_id: a.billId,
        amount_cents: -a.amountCents,
      })),
    ],
  );
}
