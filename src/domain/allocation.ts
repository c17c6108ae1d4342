import { isValidIsoDate } from './dates';
import type { Cents } from './money';

export interface OpenBill {
  id: string;
  balance: Cents;
  /** ISO yyyy-mm-dd */
  dueDate: string;
}

export interface Allocation {
  billId: string;
  amount: Cents;
}

/**
 * Spreads a payment over open bills, oldest due date first (equal dates keep the given order), so
 * the bill closest to going delinquent is settled first. Every allocation is positive and at most
 * the bill's balance, and they sum exactly to `amount`; paying more than is owed is refused here
 * because leaving a credit is a separate, explicit choice.
 */
export function allocatePayment(amount: Cents, bills: readonly OpenBill[]): Allocation[] {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new RangeError(`payment amount must be a positive whole number of cents, got ${amount}`);
  }
  const seen = new Set<string>();
  let totalBalance = 0;
  for (const bill of bills) {
    if (!Number.isSafeInteger(bill.balance) || bill.balance <= 0) {
      throw new RangeError(`bill ${bill.id} must have a positive balance in cents, got ${bill.balance}`);
    }
    if (!isValidIsoDate(bill.dueDate)) throw new RangeError(`bill ${bill.id} has an invalid due date`);
    if (seen.has(bill.id)) throw new RangeError(`bill ${bill.id} is listed twice`);
    seen.add(bill.id);
    totalBalance += bill.balance;
  }
  if (amount > totalBalance) {
    throw new RangeError(`payment of ${amount} exceeds the total open balance of ${totalBalance}`);
  }

  // ISO dates compare correctly as strings; Array.prototype.sort is stable, which keeps ties in order.
  const ordered = [...bills].sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
  const allocations: Allocation[] = [];
  let remaining = amount;
  for (const bill of ordered) {
    if (remaining === 0) break;
    const paid = Math.min(remaining, bill.balance);
    allocations.push({ billId: bill.id, amount: paid });
    remaining -= paid;
  }
  return allocations;
}
