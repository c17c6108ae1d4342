import type { BillView } from '@contract/bills/bills.schema';
import type { GuestSessionView } from '@contract/guest/guest.schema';
import type { CreateGuestPaymentBody, PaymentView } from '@contract/payments/payments.schema';
import { isBillOwed } from '@domain/payment-rules';
import type { TokenizedMethod } from '../../api';
import { createSessionStore } from '../payment/session-store';
import type { PaymentAttempt } from '../payment/usePaymentSubmit';

export type BillKind = 'medical' | 'premium';
export type GuestAccount = GuestSessionView['account'];

export interface LookupAnswers {
  accountNumber: string;
  postalCode: string;
  invoiceNumber: string;
  lastName: string;
}

export interface Selection {
  billIds: string[];
  choice: 'full' | 'other';
  /** What the payer typed for "another amount", kept so Change shows it again. */
  otherAmount: string;
  amountCents: number;
}

export interface ChosenMethod {
  token: string;
  details: TokenizedMethod;
}

/** A decline to show on the method page after the review page's Pay failed. */
export interface Decline {
  code: string;
  kind: 'card' | 'bank';
}

/** One submission of the review page. The key is reused for every resend of the same body. */
export type Attempt = PaymentAttempt<CreateGuestPaymentBody>;

/**
 * Everything the guest has answered so far. Kept in sessionStorage so a reload lands where they
 * were; it never holds a card or bank number (only the processor's token and brand/last 4).
 */
export interface Journey {
  regionId?: string;
  kind?: BillKind;
  lookup?: LookupAnswers;
  session?: { token: string; expiresAt: string; account: GuestAccount };
  bills?: BillView[];
  selection?: Selection;
  method?: ChosenMethod;
  email?: string;
  bankAuthorized?: boolean;
  decline?: Decline;
  attempt?: Attempt;
  /** Payments made in this tab, newest last. */
  payments?: PaymentView[];
  /** The bill ids of the last payment, so Back to review/method shows "You have already paid this". */
  paidBillIds?: string[];
}

export const guestJourney = createSessionStore<Journey>('settle.guest-journey');
const store = guestJourney;

export const getJourney = store.get;
export const updateJourney = store.update;
export const useJourney = store.use;

/**
 * Forgets everything about the bill being paid. Payments made in this tab are kept, so going Back
 * to an old review page still says "You have already paid this".
 */
export function resetJourney(): void {
  const current = store.get();
  store.replace({
    ...(current.payments ? { payments: current.payments } : {}),
    ...(current.paidBillIds ? { paidBillIds: current.paidBillIds } : {}),
  });
}

export function lastPayment(j: Journey): PaymentView | undefined {
  return j.payments?.[j.payments.length - 1];
}

export function recordPayment(payment: PaymentView): void {
  updateJourney((j) => {
    const others = (j.payments ?? []).filter((p) => p.id !== payment.id);
    const { attempt: _a, selection: _s, method: _m, decline: _d, bankAuthorized: _b, ...rest } = j;
    return { ...rest, payments: [...others, payment], paidBillIds: payment.bills.map((b) => b.billId) };
  });
}

/** Replaces a payment we already know about (e.g. after polling), without touching the rest. */
export function refreshPayment(payment: PaymentView): void {
  updateJourney((j) => ({
    ...j,
    payments: (j.payments ?? []).map((p) => (p.id === payment.id ? payment : p)),
  }));
}

/** Open bills the guest can select: something left to pay. */
export function payableBills(bills: BillView[] | undefined): BillView[] {
  return (bills ?? []).filter((b) => isBillOwed(b.status, b.balanceCents));
}
