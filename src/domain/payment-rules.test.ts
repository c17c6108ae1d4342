import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AcceptableBrand,
  acceptedBrand,
  amountProblem,
  type BillStatus,
  billStatusAfterCollecting,
  isBillOwed,
  isLivePaymentStatus,
  LIVE_PAYMENT_STATUSES,
  methodRefusal,
  minimumPaymentCents,
} from './payment-rules';

const BRANDS: AcceptableBrand[] = ['visa', 'mastercard', 'discover', 'amex'];
const arbAccepts = fc.record({
  acceptedCardBrands: fc.subarray(BRANDS, { minLength: 1 }),
  bankAccounts: fc.boolean(),
});
const arbStatus = fc.constantFrom<BillStatus>('open', 'paid', 'void');

describe('accepted methods', () => {
  it('refuses exactly the card brands the organization does not list', () => {
    fc.assert(
      fc.property(arbAccepts, fc.constantFrom(...BRANDS, 'unknown', 'diners'), (accepts, brand) => {
        const listed = (accepts.acceptedCardBrands as string[]).includes(brand);
        const refusal = methodRefusal(accepts, { kind: 'card', brand });
        expect(refusal).toEqual(listed ? null : { code: 'brand_not_accepted', brand });
        expect(acceptedBrand(accepts, brand)).toBe(listed ? brand : null);
      }),
    );
  });

  it('refuses bank accounts only when the organization takes none', () => {
    expect(methodRefusal({ acceptedCardBrands: ['visa'], bankAccounts: true }, { kind: 'bank' })).toBeNull();
    expect(methodRefusal({ acceptedCardBrands: ['visa'], bankAccounts: false }, { kind: 'bank' })).toEqual({
      code: 'bank_not_accepted',
    });
  });
});

describe('bills', () => {
  it('is owed only while open with something left', () => {
    expect(isBillOwed('open', 1)).toBe(true);
    expect(isBillOwed('open', 0)).toBe(false);
    expect(isBillOwed('paid', 500)).toBe(false);
    expect(isBillOwed('void', 500)).toBe(false);
  });

  it('counts as paid exactly when what is collected clears an open balance, and is then no longer owed', () => {
    fc.assert(
      fc.property(
        arbStatus,
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        (status, balance, collected) => {
          fc.pre(collected <= balance);
          const after = billStatusAfterCollecting(status, balance, collected);
          if (status !== 'open') expect(after).toBe(status);
          else expect(after).toBe(collected === balance ? 'paid' : 'open');
          expect(isBillOwed(after, balance - collected)).toBe(status === 'open' && collected < balance);
        },
      ),
    );
  });
});

describe('live payment statuses', () => {
  it('are the unsettled states, and no settled one', () => {
    for (const s of LIVE_PAYMENT_STATUSES) expect(isLivePaymentStatus(s)).toBe(true);
    for (const s of ['succeeded', 'failed', 'refunded', 'partially_refunded', 'returned', 'other']) {
      expect(isLivePaymentStatus(s)).toBe(false);
    }
  });
});

describe('amount', () => {
  it('takes the minimum or the whole balance if less, up to the balance, and nothing outside', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: -10, max: 10_000_010 }),
        (total, orgMinimum, amount) => {
          const minimum = minimumPaymentCents(total, orgMinimum);
          expect(minimum).toBeLessThanOrEqual(total);
          expect(minimum).toBeLessThanOrEqual(orgMinimum);
          // Paying the whole balance is always allowed, however small it is.
          expect(amountProblem(total, total, orgMinimum)).toBeNull();
          const problem = amountProblem(amount, total, orgMinimum);
          expect(problem).toBe(amount < minimum ? 'too_small' : amount > total ? 'too_large' : null);
        },
      ),
    );
  });
});
