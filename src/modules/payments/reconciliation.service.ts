/** The reconciler's sweeps: claims attempts and refunds still unsettled, asks the processor about each, backs off. */
import type { Deps } from '../../deps';
import { toDate } from '../../platform/clock';
import { reconcilePayment } from './payments.service';
import * as store from './payments.store';
import { reconcileRefund } from './refunds.service';
import * as refunds from './refunds.store';

/** Still unresolved after a check: the next one in 30 s, 1 min, 2 min … at most an hour. */
function backoffSeconds(checksBefore: number): number {
  return Math.min(30 * 2 ** checksBefore, 3600);
}

/** One sweep of the reconciler: claims due non-terminal attempts and resolves each. */
export async function reconcilePayments(deps: Deps, limit = 50): Promise<number> {
  const now = deps.clock.now();
  const claimed = await store.claimForReconcile(
    deps.db,
    toDate(now),
    toDate(now.add({ seconds: 120 })),
    limit,
  );
  for (const row of claimed) {
    await reconcilePayment(deps, row.id);
    await store.scheduleReconcile(
      deps.db,
      row.id,
      toDate(deps.clock.now().add({ seconds: backoffSeconds(row.reconcile_attempts) })),
    );
  }
  return claimed.length;
}

/**
 * One sweep over refunds not final yet: a lost answer (`unknown`), a refund recorded whose request
 * died before or while asking (`pending` with no processor id), and one the processor is still
 * working on (an ACH credit). Each is asked about (and sent again under the same key if the processor
 * never received it), then checked again later while still not final.
 */
export async function reconcileRefunds(deps: Deps, limit = 50): Promise<number> {
  const now = deps.clock.now();
  const claimed = await refunds.claimRefundsForReconcile(
    deps.db,
    toDate(now),
    toDate(now.add({ seconds: 120 })),
    limit,
  );
  for (const row of claimed) {
    await reconcileRefund(deps, row.id);
    // The claim counted this check already.
    await refunds.scheduleRefundReconcile(
      deps.db,
      row.id,
      toDate(deps.clock.now().add({ seconds: backoffSeconds(row.reconcile_attempts - 1) })),
    );
  }
  return claimed.length;
}
