import type { Deps } from './deps';
import { pruneMemberSessions } from './modules/auth/auth.service';
import { noticeAutopay } from './modules/autopay/autopay-notices.service';
import { pauseAutopayOnBlockedMethods, runDueAutopay } from './modules/autopay/autopay-run.service';
import { deleteExpiredGuestSessions } from './modules/guest/guest.store';
import { pruneKeys } from './modules/idempotency/idempotency.store';
import { applyImports } from './modules/imports/imports.service';
import { deliverOutbox, deliverTexts } from './modules/notifications/notifications.service';
import { presentReturnedBankDebits } from './modules/payments/bank-representment.service';
import { settleBankPayments } from './modules/payments/bank-settlement.service';
import { renderOutboxEmail } from './modules/payments/payment-receipts.service';
import { reconcilePayments, reconcileRefunds } from './modules/payments/reconciliation.service';
import { applyProcessorEvents } from './modules/processor-events/processor-events.service';
import { runDueScheduledPayments } from './modules/scheduled/scheduled.service';
import { blockReturnedBankMethods } from './modules/wallet/wallet.service';
import { deliverWebhooks, pruneWebhookEvents } from './modules/webhooks/webhook-delivery.service';
import { toDate } from './platform/clock';
import { jobRunner, type WorkerJob } from './platform/job-runner';
import { pruneRateLimits } from './platform/rate-limit';

export interface Worker {
  /** Drains: the pass in progress ends after its current job (a claim in hand is finished), then resolves. */
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
  await pruneWebhookEvents(deps);
}

/** What blocks a method or pauses autopay: anything that charges runs after these, in the same pass. */
const BLOCKING = ['settle-bank-payments', 'block-returned-bank-methods', 'pause-autopay-on-blocked-methods'];

/**
 * The background jobs, in the order safety needs. Bank returns come first: a return settled in this
 * pass blocks its method, and a blocked method pauses its autopay, before anything is charged. A job
 * that charges declares those as `after`: when one of them fails, it waits for the next pass instead
 * of charging a method that should have been blocked. Reconciling, notices, delivery and housekeeping
 * depend on nothing and run whatever else failed. Webhook delivery waits on receivers (up to one
 * timeout per pass, whatever the number of failing endpoints up to its concurrency), so it runs after
 * everything that moves money or tells a member.
 */
export const workerJobs: readonly WorkerJob<Deps>[] = [
  { name: 'reconcile-payments', run: (deps) => reconcilePayments(deps) },
  { name: 'reconcile-refunds', run: (deps) => reconcileRefunds(deps) },
  { name: 'settle-bank-payments', run: (deps) => settleBankPayments(deps) },
  { name: 'block-returned-bank-methods', after: ['settle-bank-payments'], run: blockReturnedBankMethods },
  {
    name: 'pause-autopay-on-blocked-methods',
    after: ['block-returned-bank-methods'],
    run: pauseAutopayOnBlockedMethods,
  },
  { name: 'present-returned-bank-debits', after: BLOCKING, run: (deps) => presentReturnedBankDebits(deps) },
  { name: 'run-due-scheduled-payments', after: BLOCKING, run: (deps) => runDueScheduledPayments(deps) },
  { name: 'notice-autopay', after: BLOCKING, run: (deps) => noticeAutopay(deps) },
  { name: 'run-due-autopay', after: BLOCKING, run: (deps) => runDueAutopay(deps) },
  // The processor's events inbox (decision 0040): only sorts what came in, for now; moves no money.
  { name: 'apply-processor-events', run: (deps) => applyProcessorEvents(deps) },
  { name: 'deliver-emails', run: deliverEmails },
  { name: 'deliver-texts', run: (deps) => deliverTexts(deps) },
  // Bulk imports get a bounded share of each pass (imports.service applyImports), so a large file never
  // holds back the jobs after it; its import.finished event goes out in the same pass.
  { name: 'apply-imports', run: (deps) => applyImports(deps) },
  { name: 'deliver-webhooks', run: (deps) => deliverWebhooks(deps) },
  { name: 'housekeeping', everyMs: 10 * 60_000, run: housekeeping },
];

/**
 * The background loop: one pass of `workerJobs` every `intervalMs` (a pass never overlaps the next).
 * Several workers may run against one PostgreSQL: every claim uses FOR UPDATE SKIP LOCKED.
 */
export function startWorker(
  deps: Deps,
  intervalMs = 1000,
  jobs: readonly WorkerJob<Deps>[] = workerJobs,
): Worker {
  const runner = jobRunner(jobs, { logger: deps.logger, metrics: deps.metrics });
  let running: Promise<unknown> | null = null;
  let stopped = false;

  const tick = async () => {
    await runner.runPass(deps);
  };
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = runner.runPass(deps).finally(() => {
      running = null;
    });
  }, intervalMs);
  timer.unref();

  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      runner.stop();
      await running;
    },
  };
}
