import { useSyncExternalStore } from 'react';
import type { BillSummary, MemberPaymentBody } from '../../../../../src/modules/members/members.schema';
import type { PaymentView } from '../../../../../src/modules/payments/payments.schema';
import type { PaymentMethodView } from '../../../../../src/modules/wallet/wallet.schema';
import type { TokenizedMethod } from '../../../api';

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
  | { type: 'saved'; id: string; details: PaymentMethodView }
  | { type: 'new'; token: string; details: TokenizedMethod; save: boolean; nickname: string };

/** A decline to show on the method page after Pay failed; `saved` when it was a wallet method. */
export interface MemberDecline {
  code: string;
  kind: 'card' | 'bank' | 'saved';
}

export interface MemberAttempt {
  key: string;
  body: MemberPaymentBody;
  inFlight: boolean;
}

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
}

const KEY = 'settle.member-pay';
const listeners = new Set<() => void>();
let current: MemberPayJourney = load();

function load(): MemberPayJourney {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as MemberPayJourney) : {};
  } catch {
    return {};
  }
}

function persist(): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(current));
  } catch {
    // Storage full or blocked: the journey still works until a reload.
  }
}

function emit(): void {
  persist();
  for (const l of listeners) l();
}

export function getMemberPay(): MemberPayJourney {
  return current;
}

export function updateMemberPay(
  change: Partial<MemberPayJourney> | ((j: MemberPayJourney) => MemberPayJourney),
): MemberPayJourney {
  current = typeof change === 'function' ? change(current) : { ...current, ...change };
  emit();
  return current;
}

/** Starts a new payment; payments made in this tab are kept so Back still says "already paid". */
export function startMemberPay(): void {
  current = {
    ...(current.payments ? { payments: current.payments } : {}),
    ...(current.savedBy ? { savedBy: current.savedBy } : {}),
  };
  emit();
}

/** Forgets everything (signing out). */
export function clearMemberPay(): void {
  current = {};
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useMemberPay(): MemberPayJourney {
  return useSyncExternalStore(subscribe, getMemberPay, getMemberPay);
}

export function lastMemberPayment(j: MemberPayJourney): PaymentView | undefined {
  return j.payments?.[j.payments.length - 1];
}

export function recordMemberPayment(payment: PaymentView, savedMethod: boolean): void {
  updateMemberPay((j) => {
    const others = (j.payments ?? []).filter((p) => p.id !== payment.id);
    return {
      payments: [...others, payment],
      savedBy: savedMethod ? [...(j.savedBy ?? []), payment.id] : (j.savedBy ?? []),
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
  return bill.status === 'open' && bill.balanceCents > 0;
}
