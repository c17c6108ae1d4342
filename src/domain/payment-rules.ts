/**
 * The payment rules every way of paying shares (guest, member, scheduled, autopay, staff): which
 * methods the organization takes, when a bill is owed or paid, which attempts are still live, and
 * what amount may be paid. Pure: the server checks with them and the web shows them, so the two
 * cannot drift apart.
 */

/** The card brands an organization can choose to accept. */
export type AcceptableBrand = 'visa' | 'mastercard' | 'discover' | 'amex';

/** What an organization takes, as its configuration says. */
export interface AcceptedMethods {
  readonly acceptedCardBrands: readonly AcceptableBrand[];
  readonly bankAccounts: boolean;
}

/** A method as far as acceptance goes: its kind, and a card's brand (possibly one nobody takes). */
export type MethodKind<B extends string = string> =
  | { readonly kind: 'card'; readonly brand: B }
  | { readonly kind: 'bank' };

/** Why a method is refused: a brand the organization does not take, or bank when it takes none. */
export type MethodRefusal<B extends string = string> =
  | { readonly code: 'brand_not_accepted'; readonly brand: B }
  | { readonly code: 'bank_not_accepted' };

/** Answers why the organization refuses `method`, or null when it takes it. */
export function methodRefusal<B extends string>(
  accepts: AcceptedMethods,
  method: MethodKind<B>,
): MethodRefusal<B> | null {
  if (method.kind === 'card') {
    return acceptedBrand(accepts, method.brand) ? null : { code: 'brand_not_accepted', brand: method.brand };
  }
  return accepts.bankAccounts ? null : { code: 'bank_not_accepted' };
}

/** The brand narrowed to one the organization accepts, or null. */
export function acceptedBrand(accepts: AcceptedMethods, brand: string): AcceptableBrand | null {
  return accepts.acceptedCardBrands.find((b) => b === brand) ?? null;
}

export type BillStatus = 'open' | 'paid' | 'void';

/** A bill is owed (can be paid) while it is open with something left on it. */
export function isBillOwed(status: BillStatus, balanceCents: number): boolean {
  return status === 'open' && balanceCents > 0;
}

/**
 * A bill counts as paid once what is collected on it takes its balance to zero; a void bill stays
 * void, and a bill paid in part stays open. (bills.store's collect statement says the same in SQL.)
 */
export function billStatusAfterCollecting(
  status: BillStatus,
  balanceCents: number,
  collectedCents: number,
): BillStatus {
  return status === 'open' && balanceCents - collectedCents === 0 ? 'paid' : status;
}

/** The attempt states in which money may still move: at most one live attempt per bill. */
export const LIVE_PAYMENT_STATUSES = ['pending', 'processing', 'unknown'] as const;
export type LivePaymentStatus = (typeof LIVE_PAYMENT_STATUSES)[number];

/** True while an attempt is not settled one way or the other. */
export function isLivePaymentStatus(status: string): status is LivePaymentStatus {
  return (LIVE_PAYMENT_STATUSES as readonly string[]).includes(status);
}

/** The smallest payment on `totalCents` owed: the organization's minimum, or the whole if that is less. */
export function minimumPaymentCents(totalCents: number, organizationMinimumCents: number): number {
  return Math.min(totalCents, organizationMinimumCents);
}

/** Whether `amountCents` may be paid on `totalCents` owed: too small, too large, or null when it may. */
export function amountProblem(
  amountCents: number,
  totalCents: number,
  organizationMinimumCents: number,
): 'too_small' | 'too_large' | null {
  if (amountCents < minimumPaymentCents(totalCents, organizationMinimumCents)) return 'too_small';
  if (amountCents > totalCents) return 'too_large';
  return null;
}
