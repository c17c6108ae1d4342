/** A member's payment history: the latest payments on their accounts, those on one bill, one payment and its receipt. */
import type { Payment } from '../../db/schema';
import type { Actor, Deps } from '../../deps';
import { AppError } from '../../errors';
import { renderReceiptPdf } from '../../platform/pdf/receipt';
import { recordAudit } from '../audit/audit.service';
import { receiptDocument } from './payment-receipts.service';
import { type Locale, loadPaymentWithAccount, paidOnIn, toPaymentView } from './payment-views.service';
import type { PaymentView } from './payments.schema';
import * as store from './payments.store';

/** A payment as a history list shows it. */
export interface PaymentListItem {
  id: string;
  confirmationNumber: string;
  status: Payment['status'];
  amountCents: number;
  paidOn: string;
  method: { type: 'card' | 'bank'; brand: string | null; last4: string };
  bills: { billId: string; number: string }[];
}

/** The latest payments on these accounts, newest first, dated in each account's region. */
export async function listRecentPayments(
  deps: Deps,
  accountIds: readonly string[],
  limit = 5,
): Promise<PaymentListItem[]> {
  const payments = await store.listRecentPayments(deps.db, accountIds, limit);
  const allocations = await store.listAllocationsOfPayments(
    deps.db,
    payments.map((p) => p.id),
  );
  return payments.map((p) => ({
    id: p.id,
    confirmationNumber: p.confirmation_number,
    status: p.status,
    amountCents: p.amount_cents,
    paidOn: paidOnIn(deps, p.region_id, p.created_at),
    method: { type: p.method_type, brand: p.method_brand, last4: p.method_last4 },
    bills: allocations
      .filter((a) => a.payment_id === p.id)
      .map((a) => ({ billId: a.bill_id, number: a.number })),
  }));
}

/** What was collected on one bill, oldest first: each payment's share of it. */
export async function listPaymentsOnBill(deps: Deps, billId: string) {
  const rows = await store.listCollectedForBill(deps.db, billId);
  return rows.map((r) => ({
    paymentId: r.id,
    confirmationNumber: r.confirmation_number,
    paidOn: paidOnIn(deps, r.region_id, r.created_at),
    amountCents: r.amount_cents,
    method: { type: r.method_type, brand: r.method_brand, last4: r.method_last4 },
  }));
}

/** A payment on one of `accountIds` (a member's accounts); anything else is the same 404. */
async function findPaymentOnAccounts(deps: Deps, accountIds: ReadonlySet<string>, paymentId: string) {
  const loaded = await loadPaymentWithAccount(deps.db, paymentId);
  if (!loaded || !accountIds.has(loaded.payment.account_id)) {
    throw new AppError('not_found', { detail: 'Payment not found' });
  }
  return loaded;
}

export async function getPaymentOnAccounts(
  deps: Deps,
  accountIds: ReadonlySet<string>,
  paymentId: string,
): Promise<PaymentView> {
  return toPaymentView(deps, await findPaymentOnAccounts(deps, accountIds, paymentId));
}

export async function renderReceiptOnAccounts(
  deps: Deps,
  actor: Actor,
  accountIds: ReadonlySet<string>,
  paymentId: string,
  locale: Locale,
): Promise<{ filename: string; pdf: Buffer }> {
  const loaded = await findPaymentOnAccounts(deps, accountIds, paymentId);
  const doc = receiptDocument(deps, loaded, locale);
  await recordAudit(deps.db, {
    actor,
    ctx: null,
    action: 'receipt.view',
    result: 'success',
    accountId: loaded.payment.account_id,
    resourceType: 'payment',
    resourceId: paymentId,
  });
  return { filename: `receipt-${doc.confirmationNumber}.pdf`, pdf: await renderReceiptPdf(doc) };
}
