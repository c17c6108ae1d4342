import type { Deps } from './deps';
import { noticeAutopay } from './modules/autopay/autopay-notices.service';
import { pauseAutopayOnBlockedMethods, runDueAutopay } from './modules/autopay/autopay-run.service';
import { deleteExpiredGuestSessions } from './modules/guest/guest.store';
import { pruneKeys } from './modules/idempotency/idempotency.store';
import { pruneMemberSessions } from './modules/members/members.service';
import { deliverOutbox, deliverTexts } from './modules/notifications/notifications.service';
import { presentReturnedBankDebits } from './modules/payments/bank-representment.service';
import { settleBankPayments } from './modules/payments/bank-settlement.service';
import { renderOutboxEmail } from './modules/payments/payment-receipts.service';
import { reconcilePayments } from './modules/payments/reconciliation.service';
import { runDueScheduledPayments } from './modules/scheduled/scheduled.service';
import { blockReturnedBankMethods } from './modules/wallet/wallet.service';
import { toDate } from './platform/clock';
import { pruneRateLimits } from './platform/rate-limit';

export interface Worker {
  stop(): Promise<void>;
  /** Runs one pass of every job now (tests and `settle worker --once`). */
  tick(): Promise<void>;
}

/** Delivers outbox email, rendering any receipt (and its PDF) it refers to at send time. */
export function deliverEmails(deps: Deps) {
  return deliverOutbox(deps, (email, options) => renderOutboxEmail(deps, email, options));
}

async function housekeeping(deps: Deps): Promise<void> {
  const now = toDate(deps.clock.now());
  await deleteExpiredGuestSessions(deps.db, now);
  await pruneRateLimits(deps.db, deps.clock);
  await pruneMemberSessions(deps);
  // Idempotency keys are kept at least 24 hours (DESIGN.md §4); we keep them 48.
  await pruneKeys(deps.db, new Date(now.getTime() - 48 * 3600 * 1000));
}

/**
 * The background loop: reconcile payments with unknown outcomes, settle bank debits (and present
 * again those returned for insufficient funds), run scheduled payments that are due, send autopay
 * notices and charge autopay that is due, deliver email and texts, prune expired rows.
 * Several workers may run against one PostgreSQL: every claim uses FOR UPDATE SKIP LOCKED.
 */
export function startWorker(deps: Deps, intervalMs = 1000): Worker {
  let running: Promise<void> | null = null;
  let stopped = false;
  let lastHousekeeping = 0;

  const tick = async () => {
    try {
      await reconcilePayments(deps);
      // Bank returns first: a blocked account pauses its autopay before anything else is charged.
      await settleBankPayments(deps);
      await blockReturnedBankMethods(deps);
      await pauseAutopayOnBlockedMethods(deps);
      await presentReturnedBankDebits(deps);
      await runDueScheduledPayments(deps);
      await noticeAutopay(deps);
      await runDueAutopay(deps);
      await deliverEmails(deps);
      await deliverTexts(deps);
      if (Date.now() - lastHousekeeping > 10 * 60_000) {
        lastHousekeeping = Date.now();
        await housekeeping(deps);
      }
    } catch (err) {
      deps.logger.error({ err }, 'worker pass failed');
    }
  };
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = tick().finally(() => {
      running = null;
    });
  }, intervalMs);
  timer.unref();

  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
