/**
 * What a change to a bill already issued may do to what is owed on it. A correction (new lines), an
 * adjustment or a void changes the bill's amount; what was already collected on it stays collected,
 * and a payment in progress will still take its share when it completes. So a change may never leave
 * less to pay than that payment, nor an amount below what was already paid (that needs a refund).
 * Pure: the intake service decides with it under the bill's row lock.
 */

/** A bill's money as it stands: its amount, what is left to pay, and what a live payment is taking. */
export interface BillMoney {
  readonly amountCents: number;
  readonly balanceCents: number;
  /** The share of a payment still pending, processing or unknown (src/domain/payment-rules.ts). */
  readonly inProgressCents: number;
}

export type BillChangeRefusal =
  /** The new amount is not above zero (void the bill instead). */
  | { readonly code: 'amount_not_positive'; readonly newAmountCents: number }
  /** The new amount is below what has already been paid on the bill. */
  | { readonly code: 'below_paid'; readonly paidCents: number; readonly newAmountCents: number }
  /** What would be left to pay is less than a payment already in progress will take. */
  | {
      readonly code: 'below_in_progress';
      readonly inProgressCents: number;
      readonly newBalanceCents: number;
    };

export type BillAfterChange =
  | {
      readonly ok: true;
      readonly amountCents: number;
      readonly balanceCents: number;
      /** Paid when nothing is left; open otherwise (a paid bill whose amount goes up opens again). */
      readonly status: 'open' | 'paid';
    }
  | { readonly ok: false; readonly refusal: BillChangeRefusal };

/** What has been collected on the bill and not given back: its amount less its balance. */
export function paidCents(bill: Pick<BillMoney, 'amountCents' | 'balanceCents'>): number {
  return bill.amountCents - bill.balanceCents;
}

/** The bill after its amount becomes `newAmountCents` (a correction or an adjustment), or why not. */
export function billAfterAmountChange(bill: BillMoney, newAmountCents: number): BillAfterChange {
  if (newAmountCents <= 0) return { ok: false, refusal: { code: 'amount_not_positive', newAmountCents } };
  const paid = paidCents(bill);
  const balanceCents = newAmountCents - paid;
  if (balanceCents < 0)
    return { ok: false, refusal: { code: 'below_paid', paidCents: paid, newAmountCents } };
  if (balanceCents < bill.inProgressCents) {
    return {
      ok: false,
      refusal: {
        code: 'below_in_progress',
        inProgressCents: bill.inProgressCents,
        newBalanceCents: balanceCents,
      },
    };
  }
  return {
    ok: true,
    amountCents: newAmountCents,
    balanceCents,
    status: balanceCents === 0 ? 'paid' : 'open',
  };
}

/**
 * Why the bill may not be voided, or null when it may: a void leaves nothing to pay, so nothing may
 * have been paid on it (refund that first) and no payment may be in progress.
 */
export function voidRefusal(bill: BillMoney): BillChangeRefusal | null {
  const paid = paidCents(bill);
  if (paid > 0) return { code: 'below_paid', paidCents: paid, newAmountCents: 0 };
  if (bill.inProgressCents > 0) {
    return { code: 'below_in_progress', inProgressCents: bill.inProgressCents, newBalanceCents: 0 };
  }
  return null;
}
