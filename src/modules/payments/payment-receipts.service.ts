/** Receipts: the email queued by reference and rendered from its payment when sent, and the PDF. */
import type { Insertable } from 'kysely';
import { findRegion } from '../../config';
import type { OutboxEmail, OutboxEmailsTable, Payment } from '../../db/schema';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { receiptEmail } from '../../platform/email-templates';
import { type ReceiptDocument, renderReceiptPdf } from '../../platform/pdf/receipt';
import { billKindLabel } from '../bills/bills.service';
import { type EmailContent, referenceEmailRow, storedContent } from '../notifications/notifications.service';
import {
  formatPaidAt,
  type LoadedPayment,
  type Locale,
  loadPaymentWithAccount,
  methodLabel,
  regionTimeZone,
} from './payment-views.service';

/** A collected payment's receipt, queued by reference: rendered from the payment when it is sent. */
export function receiptRow(
  payment: Payment,
  to: string,
  locale: Locale,
  now: Date,
): Insertable<OutboxEmailsTable> {
  return referenceEmailRow({
    accountId: payment.account_id,
    kind: 'payment_receipt',
    to,
    ref: { receiptPaymentId: payment.id, locale },
    now,
  });
}

/**
 * An outbox email as it is sent: a receipt queued by reference is rendered from its payment now (and
 * its PDF attached); any other email is sent as stored.
 */
export async function renderOutboxEmail(
  deps: Deps,
  email: OutboxEmail,
  options: { attachments: boolean },
): Promise<EmailContent> {
  const ref = email.attachment_ref;
  const stored = storedContent(email);
  if (!ref?.receiptPaymentId) {
    if (!stored) throw new Error(`outbox email ${email.id} has neither content nor a reference`);
    return stored;
  }
  const locale: Locale = ref.locale === 'es' ? 'es' : 'en';
  const loaded = await loadPaymentWithAccount(deps.db, ref.receiptPaymentId);
  if (!loaded) throw new AppError('not_found', { detail: 'The payment of this receipt was not found' });
  const content = stored ?? receiptContent(deps, loaded, locale);
  if (!options.attachments) return content;
  const doc = receiptDocument(deps, loaded, locale);
  return {
    ...content,
    attachments: [
      {
        filename: `receipt-${doc.confirmationNumber}.pdf`,
        contentType: 'application/pdf',
        content: await renderReceiptPdf(doc),
      },
    ],
  };
}

/** The receipt email's subject and bodies for a collected payment. */
function receiptContent(
  deps: Deps,
  { payment, account, allocations }: LoadedPayment,
  locale: Locale,
): EmailContent {
  const org = deps.config.organization;
  const email = receiptEmail({
    locale,
    organizationName: org.name,
    confirmationNumber: payment.confirmation_number,
    amountCents: payment.amount_cents,
    methodLabel: methodLabel(payment, locale),
    paidAt: formatPaidAt(
      payment.completed_at ?? payment.created_at,
      regionTimeZone(deps, account.region_id),
      locale,
    ),
    bills: allocations.map((a) => ({
      description: billKindLabel(a.kind, locale),
      number: a.number,
      amountCents: a.amount_cents,
    })),
    supportPhone: findRegion(deps.config, account.region_id)?.phone ?? org.support.phone,
  });
  return { subject: email.subject, text: email.text, html: email.html };
}

/** Only money actually collected gets a receipt (one refunded since still was collected). */
export function assertReceiptable(payment: Payment): void {
  if (!['succeeded', 'partially_refunded', 'refunded'].includes(payment.status)) {
    throw new AppError('payment_not_final', {
      detail: 'A receipt is available once the payment is complete.',
    });
  }
}

export function receiptDocument(
  deps: Deps,
  { payment, account, allocations }: LoadedPayment & { account: { account_number: string } },
  locale: Locale,
): ReceiptDocument {
  assertReceiptable(payment);
  const org = deps.config.organization;
  const region = findRegion(deps.config, account.region_id);
  return {
    locale,
    organization: {
      name: org.name,
      addressLines: region?.mailingAddress ?? org.mailingAddress,
      phone: region?.phone ?? org.support.phone,
      accentColor: org.branding.accentColor,
    },
    confirmationNumber: payment.confirmation_number,
    paidAt: formatPaidAt(
      payment.completed_at ?? payment.created_at,
      regionTimeZone(deps, account.region_id),
      locale,
    ),
    amountCents: payment.amount_cents,
    method: { label: methodLabel(payment, locale) },
    accountLabel: `${locale === 'es' ? 'Cuenta' : 'Account'} •••• ${account.account_number.slice(-4)}`,
    bills: allocations.map((a) => ({
      description: billKindLabel(a.kind, locale),
      number: a.number,
      amountCents: a.amount_cents,
    })),
    status: locale === 'es' ? 'Pago recibido' : 'Payment received',
  };
}
