import { sql } from 'kysely';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from './db';

/** Connections of the process's database pool (PGlite: its pool of exactly one). */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

export interface MetricsSources {
  /** Counted on each scrape: what the outbox tables still hold to send. */
  db?: Db;
  poolStats?: () => PoolStats;
}

/** A payment attempt's final outcome (`returned`: a bank debit the bank gave back after it settled). */
export type PaymentOutcome = 'succeeded' | 'failed' | 'returned';

/**
 * One process's metrics, in a registry of its own (never prom-client's global one), so tests that
 * build several apps in one process never share or double-register a series. `/metrics` serves it.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'settle_http_request_duration_seconds',
    help: 'HTTP request duration, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly payments = new Counter({
    name: 'settle_payments_total',
    help: 'Payment attempts that reached a final outcome, by outcome and method (card, bank)',
    labelNames: ['outcome', 'method'] as const,
    registers: [this.registry],
  });
  readonly refunds = new Counter({
    name: 'settle_refunds_total',
    help:
      'Refunds by outcome (succeeded, failed, unknown: the processor answer was lost) and destination ' +
      '(original_method, account_credit)',
    labelNames: ['outcome', 'destination'] as const,
    registers: [this.registry],
  });
  readonly workerPasses = new Counter({
    name: 'settle_worker_passes_total',
    help: 'Worker passes run',
    registers: [this.registry],
  });
  readonly workerJobRuns = new Counter({
    name: 'settle_worker_job_runs_total',
    help: 'Worker job runs by result: ok, failed, or skipped (a job it depends on failed this pass)',
    labelNames: ['job', 'result'] as const,
    registers: [this.registry],
  });
  readonly workerJobFailures = new Counter({
    name: 'settle_worker_job_failures_total',
    help: 'Worker job runs that threw (tried again on the next pass)',
    labelNames: ['job'] as const,
    registers: [this.registry],
  });
  readonly workerJobDuration = new Histogram({
    name: 'settle_worker_job_duration_seconds',
    help: 'Worker job run duration',
    labelNames: ['job'] as const,
    buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers: [this.registry],
  });
  readonly webhookDeliveries = new Counter({
    name: 'settle_webhook_deliveries_total',
    help:
      'Webhook delivery attempts by outcome: delivered (2xx), retrying (failed, tried again later), ' +
      'failed (failed for good: out of retries or the endpoint was disabled)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly processorEvents = new Counter({
    name: 'settle_processor_events_total',
    help:
      'Processor (Stripe) events the worker looked at, by outcome: ignored (a type Settle does not act on), ' +
      'unknown_payment (about no Settle payment: kept and looked at again), waiting (kept until applied)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  /** When each job last finished without throwing (ms since the epoch, wall clock). */
  private readonly lastSuccess = new Map<string, number>();

  constructor(sources: MetricsSources = {}) {
    const lastSuccess = this.lastSuccess;
    new Gauge({
      name: 'settle_worker_job_lag_seconds',
      help: 'Seconds since each worker job last finished without throwing (grows while it fails or is skipped)',
      labelNames: ['job'] as const,
      registers: [this.registry],
      collect() {
        const now = Date.now();
        for (const [job, at] of lastSuccess) this.set({ job }, (now - at) / 1000);
      },
    });
    const { db, poolStats } = sources;
    // Pool use first: collects start in registration order, and the outbox count takes a connection.
    if (poolStats) {
      new Gauge({
        name: 'settle_db_pool_connections',
        help: 'Database pool connections by state: total (open), idle, waiting (requests queued for one), max',
        labelNames: ['state'] as const,
        registers: [this.registry],
        collect() {
          const s = poolStats();
          this.set({ state: 'total' }, s.total);
          this.set({ state: 'idle' }, s.idle);
          this.set({ state: 'waiting' }, s.waiting);
          this.set({ state: 'max' }, s.max);
        },
      });
    }
    if (db) {
      new Gauge({
        name: 'settle_outbox_depth',
        help: 'Messages waiting in the outbox to be sent, by channel (email, sms)',
        labelNames: ['channel'] as const,
        registers: [this.registry],
        async collect() {
          const depth = await outboxDepth(db);
          this.set({ channel: 'email' }, depth.email);
          this.set({ channel: 'sms' }, depth.sms);
        },
      });
      new Gauge({
        name: 'settle_webhook_queue_depth',
        help: 'Webhook work waiting: events not yet fanned out to endpoints (fan_out), deliveries not yet made (delivery)',
        labelNames: ['stage'] as const,
        registers: [this.registry],
        async collect() {
          const depth = await webhookQueueDepth(db);
          this.set({ stage: 'fan_out' }, depth.fanOut);
          this.set({ stage: 'delivery' }, depth.delivery);
        },
      });
    }
  }

  /** Adds the process's own metrics (CPU, memory, event loop, GC): for a serving process, not tests. */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
  }

  jobSucceeded(job: string, at = Date.now()): void {
    this.lastSuccess.set(job, at);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

async function outboxDepth(db: Db): Promise<{ email: number; sms: number }> {
  // Both partial indexes on status = 'pending' (outbox_emails_due_idx and its texts twin) keep these small.
  const r = await sql<{ email: number; sms: number }>`
    select (select count(*) from outbox_emails where status = 'pending')::int as email,
      (select count(*) from outbox_texts where status = 'pending')::int as sms`.execute(db);
  return { email: Number(r.rows[0]?.email ?? 0), sms: Number(r.rows[0]?.sms ?? 0) };
}

async function webhookQueueDepth(db: Db): Promise<{ fanOut: number; delivery: number }> {
  // webhook_events_unfanned_idx and webhook_deliveries_due_idx are partial on exactly these rows.
  const r = await sql<{ fan_out: number; delivery: number }>`
    select (select count(*) from webhook_events where fanned_out_at is null)::int as fan_out,
      (select count(*) from webhook_deliveries where status = 'pending')::int as delivery`.execute(db);
  return { fanOut: Number(r.rows[0]?.fan_out ?? 0), delivery: Number(r.rows[0]?.delivery ?? 0) };
}

/** What became of one webhook delivery attempt. */
export type WebhookDeliveryOutcome = 'delivered' | 'retrying' | 'failed';

export function recordWebhookDelivery(
  metrics: Metrics | undefined,
  outcome: WebhookDeliveryOutcome,
  n = 1,
): void {
  if (n > 0) metrics?.webhookDeliveries.inc({ outcome }, n);
}

const FINAL_OUTCOMES: ReadonlySet<string> = new Set<PaymentOutcome>(['succeeded', 'failed', 'returned']);

/**
 * Counts payment attempts that reached a final outcome (any other status passed is ignored, so a
 * caller may hand over whatever status it wrote). Called where outcomes are written (the payment and
 * batch outcome statements, bank returns) once the write is known to have applied, so a retried or
 * concurrent write is never counted twice. No metrics (a CLI command): nothing.
 */
export function recordPaymentOutcome(
  metrics: Metrics | undefined,
  outcome: PaymentOutcome | (string & {}),
  method: string,
  n = 1,
): void {
  if (n > 0 && FINAL_OUTCOMES.has(outcome)) metrics?.payments.inc({ outcome, method }, n);
}

/**
 * Counts a refund's outcome where it is written, once the write is known to have applied (a refund
 * whose answer was lost counts as `unknown`, and again as `succeeded` or `failed` when the reconciler
 * learns which). No metrics (a CLI command): nothing.
 */
export function recordRefundOutcome(
  metrics: Metrics | undefined,
  outcome: 'succeeded' | 'failed' | 'unknown',
  destination: 'original_method' | 'account_credit',
): void {
  metrics?.refunds.inc({ outcome, destination });
}
