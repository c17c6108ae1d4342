import type { BillSummary, MemberPaymentBody } from '@contract/members/members.schema';
import type { PaymentView } from '@contract/payments/payments.schema';
import type { CreateScheduledPaymentBody, ScheduledPaymentView } from '@contract/scheduled/scheduled.schema';
import type { PaymentMethodView } from '@contract/wallet/wallet.schema';
import { isBillOwed } from '@domain/payment-rules';
import type { TokenizedMethod } from '../../../api';
import { createSessionStore } from '../../payment/session-store';
import type { PaymentAttempt } from '../../payment/usePaymentSubmit';

export interface MemberSelection {
  personId: string;
  personName: string;
  /** The bills as the member saw them when choosing (for the review page). */
  bills: BillSummary[];
  choice: 'full' | 'other';
  otherAmount: string;
  amountCents: number;
}

export type MemberMethod =
  | {
      type: 'saved';
      id: string;
      details: PaymentMethodView;
      /** Saved to the wallet by this journey, for a payment on a later date. */
      savedForLater?: boolean;
    }
  | { type: 'new'; token: string; details: TokenizedMethod; save: boolean; nickname: string };

/** A decline to show on the method page after Pay failed; `saved` when it was a wallet method. */
export interface MemberDecline {
  code: string;
  kind: 'card' | 'bank' | 'saved';
}

export type MemberAttempt = PaymentAttempt<MemberPaymentBody>;

/** When the member pays: now, or on a later date ('YYYY-MM-DD', a calendar date in their region). */
export type MemberWhen = { type: 'today' } | { type: 'later'; payOn: string };

/** One submission of a payment for a later date; resends carry the same Idempotency-Key. */
export type ScheduleAttempt = PaymentAttempt<CreateScheduledPaymentBody>;

/**
 * A payment from the account, page by page. Kept in sessionStorage so a reload lands where the
 * member was; never a card or bank number (only the processor's token and brand/last 4). Cleared
 * when the member signs out.
 */
export interface MemberPayJourney {
  selection?: MemberSelection;
  method?: MemberMethod;
  decline?: MemberDecline;
  attempt?: MemberAttempt;
  /** Payments made in this tab, newest last. */
  payments?: PaymentView[];
  /** Payments that saved their new method to the wallet. */
  savedBy?: string[];
  /** Today (the default) or a later date. */
  when?: MemberWhen;
  /** The server refused the date: the dates it allows, shown next to the date field. */
  whenError?: { firstDate: string; lastDate: string };
  scheduleAttempt?: ScheduleAttempt;
  /** Payments scheduled in this tab, newest last. */
  scheduled?: ScheduledPaymentView[];
  /** Scheduled payments whose new method was saved to the wallet for them. */
  savedFor?: string[];
  /** What this tab finished last, so Back says "already paid" or "already scheduled". */
  last?: 'payment' | 'scheduled';
}

/** What a finished payment leaves behind when the next one starts. */
function finished(j: MemberPayJourney): MemberPayJourney {
  return {
    ...(j.payments ? { payments: j.payments } : {}),
    ...(j.savedBy ? { savedBy: j.savedBy } : {}),
    ...(j.scheduled ? { scheduled: j.scheduled } : {}),
    ...(j.savedFor ? { savedFor: j.savedFor } : {}),
    ...(j.last ? { last: j.last } : {}),
  };
}

export const memberPayJourney = createSessionStore<MemberPayJourney>('settle.member-pay');
const store = memberPayJourney;

export const getMemberPay = store.get;
export const updateMemberPay = store.update;
export const useMemberPay = store.use;
/** Forgets everything (signing out). */
export const clearMemberPay = store.clear;

/** Starts a new payment; payments made in this tab are kept so Back still says "already paid". */
export function startMemberPay(): void {
  store.replace(finished(store.get()));
}

export function lastMemberPayment(j: MemberPayJourney): PaymentView | undefined {
  return j.payments?.[j.payments.length - 1];
}

export function recordMemberPayment(payment: PaymentView, savedMethod: boolean): void {
  updateMemberPay((j) => {
    const others = (j.payments ?? []).filter((p) => p.id !== payment.id);
    return {
      ...finished(j),
      payments: [...others, payment],
      savedBy: savedMethod ? [...(j.savedBy ?? []), payment.id] : (j.savedBy ?? []),
      last: 'payment',
    };
  });
}

export function lastScheduledPayment(j: MemberPayJourney): ScheduledPaymentView | undefined {
  return j.scheduled?.[j.scheduled.length - 1];
}

/** A payment was paid or scheduled in this tab: Back to its pages says so instead of showing the form. */
export function hasFinishedPayment(j: MemberPayJourney): boolean {
  return Boolean(lastMemberPayment(j) || lastScheduledPayment(j));
}

export function recordScheduledPayment(scheduled: ScheduledPaymentView, savedMethod: boolean): void {
  updateMemberPay((j) => {
    const others = (j.scheduled ?? []).filter((s) => s.id !== scheduled.id);
    return {
      ...finished(j),
      scheduled: [...others, scheduled],
      savedFor: savedMethod ? [...(j.savedFor ?? []), scheduled.id] : (j.savedFor ?? []),
      last: 'scheduled',
    };
  });
}

export function refreshMemberPayment(payment: PaymentView): void {
  updateMemberPay((j) => ({
    ...j,
    payments: (j.payments ?? []).map((p) => (p.id === payment.id ? payment : p)),
  }));
}

/** A bill the member can choose: something left to pay and no payment running. */
export function isPayable(bill: BillSummary): boolean {
  return isBillOwed(bill.status, bill.balanceCents);
}
