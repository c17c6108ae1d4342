import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BillMoney, billAfterAmountChange, paidCents, voidRefusal } from './bill-changes';

const bill = (amountCents: number, balanceCents: number, inProgressCents = 0): BillMoney => ({
  amountCents,
  balanceCents,
  inProgressCents,
});

describe('billAfterAmountChange', () => {
  it('moves the balance by the change and keeps what was paid', () => {
    expect(billAfterAmountChange(bill(10_000, 6_000), 12_000)).toEqual({
      ok: true,
      amountCents: 12_000,
      balanceCents: 8_000,
      status: 'open',
    });
  });

  it('opens a paid bill again when its amount goes up, and pays it when it comes down to what was paid', () => {
    expect(billAfterAmountChange(bill(10_000, 0), 10_500)).toMatchObject({
      ok: true,
      status: 'open',
      balanceCents: 500,
    });
    expect(billAfterAmountChange(bill(10_000, 6_000), 4_000)).toMatchObject({
      ok: true,
      status: 'paid',
      balanceCents: 0,
    });
  });

  it('refuses an amount below what was paid, or that leaves less than a payment in progress', () => {
    expect(billAfterAmountChange(bill(10_000, 6_000), 3_999)).toEqual({
      ok: false,
      refusal: { code: 'below_paid', paidCents: 4_000, newAmountCents: 3_999 },
    });
    expect(billAfterAmountChange(bill(10_000, 10_000, 7_000), 6_999)).toEqual({
      ok: false,
      refusal: { code: 'below_in_progress', inProgressCents: 7_000, newBalanceCents: 6_999 },
    });
    expect(billAfterAmountChange(bill(10_000, 10_000, 7_000), 7_000)).toMatchObject({
      ok: true,
      balanceCents: 7_000,
    });
    expect(billAfterAmountChange(bill(10_000, 10_000), 0)).toEqual({
      ok: false,
      refusal: { code: 'amount_not_positive', newAmountCents: 0 },
    });
  });

  it('never leaves a negative balance, a balance above the amount or less than the payment in progress', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: -1e9, max: 1e9 }),
        (amount, paidPick, liveShare, newAmount) => {
          const paid = paidPick % (amount + 1);
          const balance = amount - paid;
          const inProgress = balance === 0 ? 0 : liveShare % (balance + 1);
          const after = billAfterAmountChange(bill(amount, balance, inProgress), newAmount);
          if (!after.ok) return;
          expect(after.balanceCents).toBeGreaterThanOrEqual(inProgress);
          expect(after.balanceCents).toBeLessThanOrEqual(after.amountCents);
          expect(paidCents(after)).toBe(paid);
          expect(after.status === 'paid').toBe(after.balanceCents === 0);
        },
      ),
    );
  });
});

describe('voidRefusal', () => {
  it('voids only a bill nothing was paid on and nothing is being paid on', () => {
    expect(voidRefusal(bill(10_000, 10_000))).toBeNull();
    expect(voidRefusal(bill(10_000, 9_000))).toEqual({
      code: 'below_paid',
      paidCents: 1_000,
      newAmountCents: 0,
    });
    expect(voidRefusal(bill(10_000, 10_000, 100))).toEqual({
      code: 'below_in_progress',
      inProgressCents: 100,
      newBalanceCents: 0,
    });
  });
});
