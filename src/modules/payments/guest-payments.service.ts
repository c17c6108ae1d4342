/** A guest's payment: made on the bills they looked up; seen, and its receipt sent, only for those. */
import type { Deps, RequestContext } from '../../deps';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import { renderReceiptPdf } from '../../platform/pdf/receipt';
import { recordAudit } from '../audit/audit.service';
import type { GuestActor } from '../guest/guest.service';
import type { IdempotentResult, IdempotentWork } from '../idempotency/idempotency.service';
import { queueEmailRow } from '../notifications/notifications.service';
import { assertReceiptable, receiptDocument, receiptRow } from './payment-receipts.service';
import { type Locale, loadPaymentWithAccount, toPaymentView } from './payment-views.service';
import type { CreateGuestPaymentBody, PaymentView } from './payments.schema';
import { payBills } from './payments.service';

/** A guest sees a payment only if it is on their account and paid only bills they looked up. */
/**
 * A payment a guest may see: on their account, and paying only bills they looked up. Anything else is
 * the same 404 as a payment that does not exist.
 */
async function findGuestPayment(deps: Deps, actor: GuestActor, paymentId: string) {
  const loaded = await loadPaymentWithAccount(deps.db, paymentId);
  if (
    !loaded ||
    loaded.payment.account_id !== actor.accountId ||
    !loaded.allocations.every((a) => actor.billIds.includes(a.bill_id))
  ) {
    throw new AppError('not_found', { detail: 'Payment not found' });
  }
  return loaded;
}

export async function getGuestPayment(
  deps: Deps,
  actor: GuestActor,
  paymentId: string,
): Promise<PaymentView> {
  return toPaymentView(deps, await findGuestPayment(deps, actor, paymentId));
}

export function payBillsAsGuest(
  deps: Deps,
  actor: GuestActor,
  body: CreateGuestPaymentBody,
  ctx: RequestContext,
  idempotency: IdempotentWork,
): Promise<IdempotentResult> {
  if (!body.billIds.every((id) => actor.billIds.includes(id))) {
    throw new AppError('not_found', { detail: 'Bill not found' });
  }
  return payBills(deps, {
    actor,
    ctx,
    channel: 'guest',
    accountId: actor.accountId,
    billIds: body.billIds,
    amountCents: body.amountCents,
    paymentToken: body.paymentToken,
    payerEmail: body.email ?? null,
    bankAuthorization: body.bankAuthorization ?? null,
    idempotency,
  });
}

export async function renderGuestReceipt(
  deps: Deps,
  actor: GuestActor,
  paymentId: string,
  locale: Locale,
): Promise<{ filename: string; pdf: Buffer }> {
  const doc = receiptDocument(deps, await findGuestPayment(deps, actor, paymentId), locale);
  await recordAudit(deps.db, {
    actor,
    ctx: null,
    action: 'receipt.view',
    result: 'success',
    accountId: actor.accountId,
    resourceType: 'payment',
    resourceId: paymentId,
  });
  return { filename: `receipt-${doc.confirmationNumber}.pdf`, pdf: await renderReceiptPdf(doc) };
}

export async function emailGuestReceipt(
  deps: Deps,
  actor: GuestActor,
  paymentId: string,
  to: string,
  locale: Locale,
): Promise<void> {
  const loaded = await findGuestPayment(deps, actor, paymentId);
  assertReceiptable(loaded.payment);
  await queueEmailRow(deps.db, receiptRow(loaded.payment, to, locale, toDate(deps.clock.now())));
}
