import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocatePayment, type OpenBill } from './allocation';

const bill = (id: string, balance: number, dueDate: string): OpenBill => ({ id, balance, dueDate });

describe('allocatePayment', () => {
  const bills = [
    bill('march', 18240, '2026-03-01'),
    bill('jan', 5000, '2026-01-01'),
    bill('feb', 7000, '2026-02-01'),
  ];

  it('pays the oldest due date first', () => {
    expect(allocatePayment(8000, bills)).toEqual([
      { billId: 'jan', amount: 5000 },
      { billId: 'feb', amount: 3000 },
    ]);
  });

  it('pays everything when the amount is the total balance', () => {
    expect(allocatePayment(30240, bills)).toEqual([
      { billId: 'jan', amount: 5000 },
      { billId: 'feb', amount: 7000 },
      { billId: 'march', amount: 18240 },
    ]);
  });

  it('keeps the given order for equal due dates', () => {
    const same = [bill('b', 100, '2026-01-01'), bill('a', 100, '2026-01-01'), bill('c', 100, '2025-12-01')];
    expect(allocatePayment(150, same)).toEqual([
      { billId: 'c', amount: 100 },
      { billId: 'b', amount: 50 },
    ]);
  });

  it('does not modify its input', () => {
    const copy = structuredClone(bills);
    allocatePayment(100, bills);
    expect(bills).toEqual(copy);
  });

  it('throws RangeError for bad amounts', () => {
    expect(() => allocatePayment(0, bills)).toThrow(RangeError);
    expect(() => allocatePayment(-1, bills)).toThrow(RangeError);
    expect(() => allocatePayment(1.5, bills)).toThrow(RangeError);
    expect(() => allocatePayment(Number.NaN, bills)).toThrow(RangeError);
    expect(() => allocatePayment(30241, bills)).toThrow(RangeError);
    expect(() => allocatePayment(1, [])).toThrow(RangeError);
  });

  it('throws RangeError for bad bills', () => {
    expect(() => allocatePayment(1, [bill('a', 0, '2026-01-01')])).toThrow(RangeError);
    expect(() => allocatePayment(1, [bill('a', -5, '2026-01-01')])).toThrow(RangeError);
    expect(() => allocatePayment(1, [bill('a', 1.5, '2026-01-01')])).toThrow(RangeError);
    expect(() => allocatePayment(1, [bill('a', 10, '2026-02-30')])).toThrow(RangeError);
    expect(() => allocatePayment(1, [bill('a', 10, '2026-01-01'), bill('a', 10, '2026-01-02')])).toThrow(
      RangeError,
    );
  });

  const openBills = fc
    .uniqueArray(
      fc.record({
        id: fc.string({ minLength: 1, maxLength: 8 }),
        balance: fc.integer({ min: 1, max: 1_000_000 }),
        dueDate: fc
          .integer({ min: 0, max: 60 })
          .map((d) => new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10)),
      }),
      { minLength: 1, maxLength: 12, selector: (b) => b.id },
    )
    .chain((bs) => {
      const total = bs.reduce((sum, b) => sum + b.balance, 0);
      return fc.tuple(fc.constant(bs), fc.integer({ min: 1, max: total }));
    });

  it('allocates exactly the amount, each part positive and within its balance', () => {
    fc.assert(
      fc.property(openBills, ([bs, amount]) => {
        const allocations = allocatePayment(amount, bs);
        expect(allocations.reduce((sum, a) => sum + a.amount, 0)).toBe(amount);
        const byId = new Map(bs.map((b) => [b.id, b]));
        expect(new Set(allocations.map((a) => a.billId)).size).toBe(allocations.length);
        for (const a of allocations) {
          expect(Number.isSafeInteger(a.amount)).toBe(true);
          expect(a.amount).toBeGreaterThan(0);
          expect(a.amount).toBeLessThanOrEqual(byId.get(a.billId)?.balance ?? 0);
        }
      }),
    );
  });

  it('pays in due-date order and fills every bill before the last one', () => {
    fc.assert(
      fc.property(openBills, ([bs, amount]) => {
        const allocations = allocatePayment(amount, bs);
        const index = new Map(bs.map((b, i) => [b.id, i]));
        const byId = new Map(bs.map((b) => [b.id, b]));
        const dueOf = (id: string) => byId.get(id)?.dueDate ?? '';
        for (let i = 1; i < allocations.length; i += 1) {
          const prev = allocations[i - 1]!.billId;
          const curr = allocations[i]!.billId;
          expect(dueOf(prev) <= dueOf(curr)).toBe(true);
          if (dueOf(prev) === dueOf(curr)) expect(index.get(prev)!).toBeLessThan(index.get(curr)!);
        }
        allocations.slice(0, -1).forEach((a) => {
          expect(a.amount).toBe(byId.get(a.billId)?.balance);
        });
        // No unpaid bill is due before the last bill that received money.
        const paid = new Set(allocations.map((a) => a.billId));
        const last = allocations.at(-1)!;
        for (const b of bs) {
          if (!paid.has(b.id)) {
            const lastDue = dueOf(last.billId);
            expect(
              b.dueDate > lastDue || (b.dueDate === lastDue && index.get(b.id)! > index.get(last.billId)!),
            ).toBe(true);
          }
        }
      }),
    );
  });
});
