import { sql } from 'kysely';
import type { Deps } from '../../deps';
import { toDate } from '../../platform/clock';
import * as store from './integrity.store';
import * as refunds from './refund-checks.store';

export interface Violation {
  invariant: string;
  detail: Record<string, unknown>;
}

/** A payment attempt not final yet: work the reconciler will finish, not a broken invariant. */
export interface InFlightPayment {
  paymentId: string;
  status: string;
  amountCents: number;
  createdAt: string;
  nextReconcileAt: string | null;
  /** Whether the processor already holds a succeeded charge for it (null: not asked). */
  processorCharged: boolean | null;
}

/** A refund not final yet: the reconciler finishes it. */
export interface InFlightRefund {
  refundId: string;
  paymentId: string;
  status: string;
  amountCents: number;
  createdAt: string;
  nextReconcileAt: string | null;
}

export interface IntegrityReport {
  /** No violation; payments still in flight do not count against it. */
  ok: boolean;
  checkedAt: string;
  violations: Violation[];
  /** Attempts still in flight (the oldest IN_FLIGHT_LISTED of them), e.g. right after a crash. */
  inFlight: { count: number; payments: InFlightPayment[] };
  /** Refunds still in flight (the oldest IN_FLIGHT_LISTED of them). */
  inFlightRefunds: { count: number; refunds: InFlightRefund[] };
}

const IN_FLIGHT_LISTED = 100;

/**
 * Verifies the invariants money depends on: every posting balances, every bill balance equals its
 * ledger balance, no bill is collected beyond its amount, every payment's allocations add up, every
 * returned payment is reversed, every debit presented again repeats an R01 return, every succeeded
 * payment matches a processor charge (and no processor charge lacks a payment), and no payment gives
 * back more than was paid: its status follows its refunds, each refund that succeeded is posted and
 * opened its bills by its amount (when sent back), and matches a processor refund.
 * Attempts not final yet are listed apart (`inFlight`): right after a crash a charge may have no
 * outcome written yet, which the reconciler finishes; `settle check` exits 0 when that is all it finds.
 */
export async function checkIntegrity(deps: Deps): Promise<IntegrityReport> {
  const violations: Violation[] = [];
  const add = (invariant: string, rows: object[]) => {
    for (const row of rows) violations.push({ invariant, detail: { ...row } });
  };
  // Every check reads whole tables, so every join in them should be a hash join, linear whatever the
  // statistics say. A nested loop planned from stale statistics (tables analyzed before a day of
  // payments, as after a bulk load) rescans a table for each row: after 100,000 payments, one check
  // had not finished after four minutes.
  const now = toDate(deps.clock.now());
  const { sandbox, succeeded, inFlight, inFlightRefunds, sandboxRefunds, succeededRefunds } = await deps.db
    .transaction()
    .execute(async (trx) => {
      await sql`set local enable_nestloop = off`.execute(trx);
      add('ledger_posting_balanced', await store.unbalancedPostings(trx));
      add('bill_balance_matches_ledger', await store.billsOffLedger(trx));
      add('bill_not_overcollected', await store.billsOvercollected(trx));
      add('payment_allocations_sum_to_amount', await store.paymentsWithBadAllocations(trx));
      add('succeeded_payment_posted', await store.succeededWithoutPosting(trx));
      add('returned_payment_reversed', await store.returnedWithoutReversal(trx));
      add('representment_repeats_returned_r01', await store.representmentsNotOfR01(trx));
      add('refunds_within_payment', await refunds.refundsOverPaid(trx));
      add('payment_status_follows_refunds', await refunds.paymentStatusOffRefunds(trx));
      add('refund_posted', await refunds.refundsOffLedger(trx));
      add('refund_allocations_sum_to_amount', await refunds.refundAllocationsOff(trx));
      const inFlightRefunds = {
        count: await refunds.countInFlightRefunds(trx),
        refunds: (await refunds.inFlightRefunds(trx, IN_FLIGHT_LISTED)).map(
          (r): InFlightRefund => ({
            refundId: r.refund_id,
            paymentId: r.payment_id,
            status: r.status,
            amountCents: Number(r.amount_cents),
            createdAt: new Date(r.created_at).toISOString(),
            nextReconcileAt: r.next_reconcile_at ? new Date(r.next_reconcile_at).toISOString() : null,
          }),
        ),
      };
      // Read in the same snapshot as the charge comparison, so what it leaves out is listed here.
      const inFlight = {
        count: await store.countInFlightPayments(trx),
        payments: (await store.inFlightPayments(trx, IN_FLIGHT_LISTED)).map(
          (p): InFlightPayment => ({
            paymentId: p.payment_id,
            status: p.status,
            amountCents: Number(p.amount_cents),
            createdAt: new Date(p.created_at).toISOString(),
            nextReconcileAt: p.next_reconcile_at ? new Date(p.next_reconcile_at).toISOString() : null,
            processorCharged: p.charged,
          }),
        ),
      };
      return deps.processor.name === 'sandbox'
        ? {
            sandbox: await store.sandboxChargeMismatches(trx),
            sandboxRefunds: await refunds.sandboxRefundMismatches(trx, now),
            succeeded: [],
            succeededRefunds: [],
            inFlight,
            inFlightRefunds,
          }
        : {
            sandbox: [],
            sandboxRefunds: [],
            succeeded: await store.succeededPaymentIds(trx, deps.processor.name),
            succeededRefunds: await refunds.succeededRefunds(trx, deps.processor.name),
            inFlight,
            inFlightRefunds,
          };
    });
  add('payment_matches_processor_charge', sandbox);
  add('refund_matches_processor_refund', sandboxRefunds);
  // Another processor is asked about each payment, outside the transaction.
  for (const p of succeeded) {
    const charge = await deps.processor.findCharge(p.id);
    if (charge?.status !== 'succeeded') {
      add('payment_matches_processor_charge', [
        { payment_id: p.id, problem: 'no succeeded processor charge' },
      ]);
    }
  }
  for (const r of succeededRefunds) {
    const refund = await deps.processor.findRefund({ idempotencyKey: r.id, chargeId: r.charge_id ?? '' });
    if (refund?.status !== 'succeeded') {
      add('refund_matches_processor_refund', [{ refund_id: r.id, problem: 'no succeeded processor refund' }]);
    }
  }
  return {
    ok: violations.length === 0,
    checkedAt: deps.clock.now().toString(),
    violations,
    inFlight,
    inFlightRefunds,
  };
}
