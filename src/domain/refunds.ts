/**
 * The refund rules (pure): which payments may be refunded, what a payment's status becomes as its
 * refunds succeed, and which bills a refund opens again.
 */
import type { Cents } from './money';

/** Why money is given back (Stripe's list, with our two besides). */
export const REFUND_REASONS = ['duplicate', 'requested_by_customer', 'billing_error', 'other'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

/** The most characters of a refund's free-text note. */
export const REFUND_NOTE_MAX = 500;

/** Whether a payment may be refunded now, and if not, why. */
export type Refundability =
  | 'refundable'
  /** Declined, or never charged. */
  | 'not_collected'
  /** The attempt has no outcome yet. */
  | 'in_progress'
  /** A bank debit that has not settled: the bank may still return it. */
  | 'settling'
  /** A bank debit the bank returned: nothing was kept to give back. */
  | 'returned'
  /** Everything paid was refunded already. */
  | 'refunded';

export function refundability(payment: {
  status: string;
  method_type: 'card' | 'bank';
  settled_at: Date | null;
}): Refundability {
  switch (payment.status) {
    case 'succeeded':
    case 'partially_refunded':
      return payment.method_type === 'bank' && payment.settled_at === null ? 'settling' : 'refundable';
    case 'refunded':
      return 'refunded';
    case 'returned':
      return 'returned';
    case 'failed':
      return 'not_collected';
    default:
      return 'in_progress';
  }
}

/** A collected payment's status once `refundedCents` of its `amountCents` have been refunded. */
export function statusAfterRefunds(
  amountCents: Cents,
  refundedCents: Cents,
): 'succeeded' | 'partially_refunded' | 'refunded' {
  if (refundedCents <= 0) return 'succeeded';
  return refundedCents >= amountCents ? 'refunded' : 'partially_refunded';
}

/** What a payment put on one bill, and how much of that is not refunded yet. */
export interface RefundableShare {
  billId: string;
  /** What is left of the payment's allocation to this bill after earlier refunds took from it. */
  remainingCents: Cents;
}

/**
 * Which bills a refund of `amountCents` opens again: the payment's bills in the reverse of the order it
 * paid them (it paid the oldest due first, so the latest due is opened first), each by at most what
 * is left of what the payment put on it. The shares are positive and sum exactly to the amount.
 * Throws when the amount is not a positive whole number of cents or more than is left in all.
 */
export function allocateRefund(
  amountCents: Cents,
  shares: readonly RefundableShare[],
): { billId: string; amountCents: Cents }[] {
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0) {
    throw new RangeError(`refund must be a positive whole number of cents, got ${amountCents}`);
  }
  const left = shares.reduce((sum, s) => sum + Math.max(0, s.remainingCents), 0);
  if (amountCents > left) {
    throw new RangeError(`refund of ${amountCents} exceeds the ${left} left on the payment's bills`);
  }
  const out: { billId: string; amountCents: Cents }[] = [];
  let remaining = amountCents;
  for (const share of [...shares].reverse()) {
    if (remaining === 0) break;
    const take = Math.min(remaining, Math.max(0, share.remainingCents));
    if (take > 0) out.push({ billId: share.billId, amountCents: take });
    remaining -= take;
  }
  return out;
}
