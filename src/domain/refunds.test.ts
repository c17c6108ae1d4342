import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocatePayment } from './allocation';
import { allocateRefund, refundability, statusAfterRefunds } from './refunds';

describe('refundability', () => {
  const at = new Date('2026-11-20T00:00:00Z');
  it('refunds a collected card payment, or one refunded in part', () => {
    expect(refundability({ status: 'succeeded', method_type: 'card', settled_at: null })).toBe('refundable');
    expect(refundability({ status: 'partially_refunded', method_type: 'card', settled_at: null })).toBe(
      'refundable',
    );
  });

  it('waits for a bank debit to settle, and never refunds a returned one', () => {
    expect(refundability({ status: 'succeeded', method_type: 'bank', settled_at: null })).toBe('settling');
    expect(refundability({ status: 'succeeded', method_type: 'bank', settled_at: at })).toBe('refundable');
    expect(refundability({ status: 'returned', method_type: 'bank', settled_at: at })).toBe('returned');
  });

  it('says why anything else cannot be refunded', () => {
    expect(refundability({ status: 'refunded', method_type: 'card', settled_at: null })).toBe('refunded');
    expect(refundability({ status: 'failed', method_type: 'card', settled_at: null })).toBe('not_collected');
    for (const status of ['pending', 'processing', 'unknown']) {
      expect(refundability({ status, method_type: 'card', settled_at: null })).toBe('in_progress');
    }
  });
});

describe('statusAfterRefunds', () => {
  it('moves succeeded → partially_refunded → refunded', () => {
    expect(statusAfterRefunds(10_000, 0)).toBe('succeeded');
    expect(statusAfterRefunds(10_000, 1)).toBe('partially_refunded');
    expect(statusAfterRefunds(10_000, 9_999)).toBe('partially_refunded');
    expect(statusAfterRefunds(10_000, 10_000)).toBe('refunded');
  });
});

describe('allocateRefund', () => {
  // A payment of 8,000 over January (5,000) then February (3,000), in the order it paid them.
  const paid = [
    { billId: 'jan', remainingCents: 5_000 },
    { billId: 'feb', remainingCents: 3_000 },
  ];

  it('opens the bill the payment paid last first', () => {
    expect(allocateRefund(2_000, paid)).toEqual([{ billId: 'feb', amountCents: 2_000 }]);
    expect(allocateRefund(4_000, paid)).toEqual([
      { billId: 'feb', amountCents: 3_000 },
      { billId: 'jan', amountCents: 1_000 },
    ]);
  });

  it('skips what earlier refunds already took', () => {
    const after = [
      { billId: 'jan', remainingCents: 5_000 },
      { billId: 'feb', remainingCents: 0 },
    ];
    expect(allocateRefund(5_000, after)).toEqual([{ billId: 'jan', amountCents: 5_000 }]);
  });

  it('refuses more than is left, and amounts that are not whole positive cents', () => {
    expect(() => allocateRefund(8_001, paid)).toThrow(RangeError);
    expect(() => allocateRefund(0, paid)).toThrow(RangeError);
    expect(() => allocateRefund(1.5, paid)).toThrow(RangeError);
  });

  it('takes successive refunds off the bills exactly as the payment put them on, in reverse', () => {
    const bill = fc.record({
      balance: fc.integer({ min: 1, max: 100_000 }),
      day: fc.integer({ min: 1, max: 28 }),
    });
    fc.assert(
      fc.property(
        fc.array(bill, { minLength: 1, maxLength: 6 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 1, maxLength: 8 }),
        (bills, fraction, asks) => {
          const open = bills.map((b, i) => ({
            id: `b${i}`,
            balance: b.balance,
            dueDate: `2026-01-${String(b.day).padStart(2, '0')}`,
          }));
          const total = open.reduce((s, b) => s + b.balance, 0);
          const amount = Math.max(1, Math.round(total * fraction));
          const allocations = allocatePayment(amount, open);
          const remaining = new Map(allocations.map((a) => [a.billId, a.amount]));
          let refunded = 0;
          for (const ask of asks) {
            const shares = allocations.map((a) => ({
              billId: a.billId,
              remainingCents: remaining.get(a.billId) ?? 0,
            }));
            if (refunded + ask > amount) {
              expect(() => allocateRefund(ask, shares)).toThrow(RangeError);
              continue;
            }
            const out = allocateRefund(ask, shares);
            expect(out.reduce((s, o) => s + o.amountCents, 0)).toBe(ask);
            for (const o of out) {
              const before = remaining.get(o.billId) ?? 0;
              expect(o.amountCents).toBeGreaterThan(0);
              expect(o.amountCents).toBeLessThanOrEqual(before);
              remaining.set(o.billId, before - o.amountCents);
            }
            // Reverse order: a bill is opened only once every bill paid after it is fully open again.
            const firstTouched = allocations.findIndex((a) => out.some((o) => o.billId === a.billId));
            for (const later of allocations.slice(firstTouched + 1)) {
              expect(remaining.get(later.billId)).toBe(0);
            }
            refunded += ask;
          }
          expect([...remaining.values()].reduce((s, v) => s + v, 0)).toBe(amount - refunded);
        },
      ),
    );
  });
});
