/** A payment as its payer sees it (the API's view and answer), its method's label, and its day in the account's region. */
import { Temporal } from 'temporal-polyfill';
import { findRegion } from '../../config';
import type { BillKind, Payment } from '../../db/schema';
import type { Deps } from '../../deps';
import { cardBrandLabel } from '../../domain/cards';
import { AppError } from '../../errors';
import type { Db } from '../../platform/db';
import { getAccount } from '../bills/bills.service';
import type { IdempotentResponse, IdempotentResult } from '../idempotency/idempotency.service';
import type { PaymentView } from './payments.schema';
import * as store from './payments.store';

export type Locale = 'en' | 'es';

/** What the payment view, the receipt and the outcome phase need: the payment, its region, its bills. */
export interface LoadedPayment {
  payment: Payment;
  account: { region_id: string };
  allocations: {
    bill_id: string;
    amount_cents: number;
    number: string;
    kind: BillKind;
    due_date: string;
  }[];
}

export function regionTimeZone(deps: Deps, regionId: string): string {
  return findRegion(deps.config, regionId)?.timeZone ?? 'UTC';
}

export function methodLabel(
  p: Pick<Payment, 'method_type' | 'method_brand' | 'method_last4' | 'bank_account_type'>,
  locale: Locale,
): string {
  if (p.method_type === 'card') {
    const brand = cardBrandLabel((p.method_brand ?? 'unknown') as Parameters<typeof cardBrandLabel>[0]);
    return locale === 'es' ? `${brand} terminada en ${p.method_last4}` : `${brand} ending ${p.method_last4}`;
  }
  const savings = p.bank_account_type === 'savings';
  if (locale === 'es')
    return `${savings ? 'Cuenta de ahorros' : 'Cuenta de cheques'} terminada en ${p.method_last4}`;
  return `${savings ? 'Savings' : 'Checking'} account ending ${p.method_last4}`;
}

const paidAtFormats = new Map<string, Intl.DateTimeFormat>();

export function formatPaidAt(instant: Date, timeZone: string, locale: Locale): string {
  // One formatter per language and zone: building one costs far more than using it.
  const key = `${locale}|${timeZone}`;
  let format = paidAtFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === 'es' ? 'es-US' : 'en-US', {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone,
    });
    paidAtFormats.set(key, format);
  }
  return format.format(instant);
}

export async function loadPaymentWithAccount(db: Db, paymentId: string) {
  const payment = await store.findPayment(db, paymentId);
  if (!payment) return null;
  const [account, allocations] = await Promise.all([
    getAccount(db, payment.account_id),
    store.listAllocations(db, paymentId),
  ]);
  return { payment, account, allocations };
}

export async function getPaymentView(deps: Deps, paymentId: string): Promise<PaymentView> {
  const loaded = await loadPaymentWithAccount(deps.db, paymentId);
  if (!loaded) throw new AppError('not_found');
  return toPaymentView(deps, loaded);
}

export function toPaymentView(deps: Deps, { payment, account, allocations }: LoadedPayment): PaymentView {
  const tz = regionTimeZone(deps, account.region_id);
  return {
    id: payment.id,
    confirmationNumber: payment.confirmation_number,
    status: payment.status,
    amountCents: payment.amount_cents,
    currency: payment.currency,
    method: {
      type: payment.method_type,
      brand: payment.method_brand,
      last4: payment.method_last4,
      bankAccountType: payment.bank_account_type,
    },
    createdAt: payment.created_at.toISOString(),
    paidOn: dayIn(tz, payment.created_at),
    bills: allocations.map((a) => ({
      billId: a.bill_id,
      number: a.number,
      kind: a.kind,
      amountCents: a.amount_cents,
    })),
    receiptEmail: payment.payer_email,
    failure:
      payment.status === 'failed' && payment.failure_code
        ? {
            code: payment.failure_code,
            message: payment.failure_message ?? '',
            retryable: payment.failure_retryable ?? false,
          }
        : null,
  };
}

/** 201 for a collected payment, 202 while the outcome is being confirmed, 402 problem for a decline. */
export async function paymentResponse(deps: Deps, paymentId: string): Promise<IdempotentResult> {
  return viewResponse(await getPaymentView(deps, paymentId));
}

export function viewResponse(view: PaymentView): IdempotentResponse {
  if (view.status === 'failed' && view.failure) {
    const err = new AppError('payment_declined', {
      detail: view.failure.message,
      decline: view.failure,
      paymentId: view.id,
      errors: [{ field: 'paymentToken', code: view.failure.code, message: view.failure.message }],
    });
    return { status: err.status, body: err };
  }
  return { status: view.status === 'succeeded' ? 201 : 202, body: view };
}

export function paidOnIn(deps: Deps, regionId: string, at: Date): string {
  return dayIn(regionTimeZone(deps, regionId), at);
}

/** The last day asked for in each zone: a batch's payments all share one instant, and this is not cheap. */
const lastDays = new Map<string, { ms: number; day: string }>();

/** The calendar day (ISO) of an instant in a time zone. */
export function dayIn(timeZone: string, at: Date): string {
  const ms = at.getTime();
  const last = lastDays.get(timeZone);
  if (last?.ms === ms) return last.day;
  const day = Temporal.Instant.fromEpochMilliseconds(ms)
    .toZonedDateTimeISO(timeZone)
    .toPlainDate()
    .toString();
  lastDays.set(timeZone, { ms, day });
  return day;
}
