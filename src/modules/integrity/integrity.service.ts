import type { Deps } from '../../deps';
import * as store from './integrity.store';

export interface Violation {
  invariant: string;
  detail: Record<string, unknown>;
}

export interface IntegrityReport {
  ok: boolean;
  checkedAt: string;
  violations: Violation[];
}

/**
 * Verifies the invariants money depends on: every posting balances, every bill balance equals its
 * ledger balance, no bill is collected beyond its amount, every payment's allocations add up, every
 * returned payment is reversed, every debit presented again repeats an R01 return, and every
 * succeeded payment matches a processor charge (and no processor charge lacks a payment).
 */
export async function checkIntegrity(deps: Deps): Promise<IntegrityReport> {
  const violations: Violation[] = [];
  const add = (invariant: string, rows: object[]) => {
    for (const row of rows) violations.push({ invariant, detail: { ...row } });
  };
  add('ledger_posting_balanced', await store.unbalancedPostings(deps.db));
  add('bill_balance_matches_ledger', await store.billsOffLedger(deps.db));
  add('bill_not_overcollected', await store.billsOvercollected(deps.db));
  add('payment_allocations_sum_to_amount', await store.paymentsWithBadAllocations(deps.db));
  add('succeeded_payment_posted', await store.succeededWithoutPosting(deps.db));
  add('returned_payment_reversed', await store.returnedWithoutReversal(deps.db));
  add('representment_repeats_returned_r01', await store.representmentsNotOfR01(deps.db));

  if (deps.processor.name === 'sandbox') {
    add('payment_matches_processor_charge', await store.sandboxChargeMismatches(deps.db));
  } else {
    for (const p of await store.succeededPaymentIds(deps.db, deps.processor.name)) {
      const charge = await deps.processor.findCharge(p.id);
      if (charge?.status !== 'succeeded') {
        add('payment_matches_processor_charge', [
          { payment_id: p.id, problem: 'no succeeded processor charge' },
        ]);
      }
    }
  }
  return { ok: violations.length === 0, checkedAt: deps.clock.now().toString(), violations };
}
