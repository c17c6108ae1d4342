/** The reconciler's sweep: claims attempts still unsettled, asks the processor about each, backs off. */
import type { Deps } from '../../deps';
import { toDate } from '../../platform/clock';
import { reconcilePayment } from './payments.service';
import * as store from './payments.store';

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
    // Still unresolved: back off (30 s, 1 min, 2 min … at most an hour).
    const backoff = Math.min(30 * 2 ** row.reconcile_attempts, 3600);
    await store.scheduleReconcile(deps.db, row.id, toDate(deps.clock.now().add({ seconds: backoff })));
  }
  return claimed.length;
}
