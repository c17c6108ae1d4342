/**
 * Delivering webhook events (Standard Webhooks), run by the worker (`deliver-webhooks`):
 *
 * 1. Fan-out: each event not yet fanned out becomes one delivery per enabled endpoint subscribed to
 *    its type (endpoints made after the event do not get it). Events are claimed with SKIP LOCKED and
 *    a delivery is unique per event and endpoint, so two workers never fan one event out twice.
 * 2. Delivery: due deliveries are claimed per endpoint (a few of each, one of a failing endpoint) and
 *    sent outside any transaction, endpoints in parallel up to a bound, each endpoint's in order. An
 *    endpoint that fails is not tried again in the same pass, so a slow, dead, 500-answering or
 *    redirecting endpoint costs at most one timeout per pass and never holds back the others.
 * 3. Each attempt is logged; a failure is tried again on the schedule of domain/webhook-retry (up to
 *    three days), and an endpoint that has failed for three days (or answered 410 Gone) is disabled
 *    and the organization's administrators are emailed.
 *
 * Delivery is at least once: a worker that dies after sending and before recording leaves the delivery
 * to be sent again when its claim lapses. The `webhook-id` is the event's id, for receivers to dedupe.
 */
import type { Insertable } from 'kysely';
import type { WebhookDeliveriesTable, WebhookEndpoint } from '../../db/schema';
import type { Deps } from '../../deps';
import { nextRetryAt, parseRetryAfter, RETRY_WINDOW_MS } from '../../domain/webhook-retry';
import { systemClock, toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { recordWebhookDelivery } from '../../platform/metrics';
import { checkOutboundUrl, isUrlProblem } from '../../platform/outbound-url';
import { secretBox } from '../../platform/secrets';
import { type PostResult, postWebhook } from '../../platform/webhook-http';
import { webhookHeaders } from '../../platform/webhook-signing';
import { queueEmail } from '../notifications/notifications.service';
import { endpointDisabledEmail } from './webhook-emails';
import * as store from './webhooks.store';

export interface DeliverOptions {
  /** Per attempt, connect to end of answer. */
  timeoutMs?: number;
  /** Endpoints sent to at the same time. */
  concurrency?: number;
  /** Deliveries claimed per endpoint per pass (one for an endpoint that is failing). */
  perEndpoint?: number;
  /** Jitter source for retry delays. */
  random?: () => number;
}

const DEFAULTS = { timeoutMs: 10_000, concurrency: 8, perEndpoint: 20, random: Math.random };
/** The start of an answer's body kept in the log. */
const MAX_LOGGED_BODY = 1024;
const FAN_OUT_BATCH = 500;
/** Events (and their delivery logs) are kept this long. */
export const EVENT_RETENTION_DAYS = 30;

/** What a pass did. */
export interface DeliveryPass {
  fannedOut: number;
  delivered: number;
  retrying: number;
  failed: number;
}

function subscribed(endpoint: WebhookEndpoint, type: string): boolean {
  return endpoint.event_types === null || endpoint.event_types.includes(type);
}

/**
 * Makes the deliveries of events not fanned out yet, a batch at a time, until none is left. Returns how
 * many events it fanned out. Safe to run in several workers at once.
 */
export async function fanOutEvents(deps: Deps, batch = FAN_OUT_BATCH): Promise<number> {
  let total = 0;
  for (;;) {
    const now = toDate(deps.clock.now());
    const claimed = await deps.db.transaction().execute(async (trx) => {
      const events = await store.claimUnfannedEvents(trx, batch);
      if (events.length === 0) return 0;
      const endpoints = await store.listEnabledEndpoints(trx);
      const rows: Insertable<WebhookDeliveriesTable>[] = [];
      for (const event of events) {
        for (const endpoint of endpoints) {
          if (!subscribed(endpoint, event.type) || endpoint.created_at > event.created_at) continue;
          rows.push({
            id: newId(),
            event_id: event.id,
            endpoint_id: endpoint.id,
            replay: false,
            status: 'pending',
            attempts: 0,
            next_attempt_at: now,
            first_attempt_at: null,
            last_attempt_at: null,
            last_status_code: null,
            last_error_kind: null,
            created_at: now,
            updated_at: now,
          });
        }
      }
      await store.insertDeliveries(trx, rows);
      await store.markFannedOut(
        trx,
        events.map((e) => e.id),
        now,
      );
      return events.length;
    });
    total += claimed;
    if (claimed < batch) return total;
  }
}

/** The secrets that sign a delivery now: the current one, and the one a rotation replaced while it overlaps. */
function signingSecrets(deps: Deps, endpoint: WebhookEndpoint, now: Date): string[] {
  const box = secretBox(deps.config.dataEncryptionKey);
  const secrets = [box.open(endpoint.secret_sealed)];
  if (
    endpoint.previous_secret_sealed &&
    endpoint.previous_secret_expires_at &&
    endpoint.previous_secret_expires_at > now
  ) {
    secrets.push(box.open(endpoint.previous_secret_sealed));
  }
  return secrets;
}

/** The body of a delivery: the event in the Standard Webhooks shape (type, timestamp, data), with its id. */
export function webhookBody(
  delivery: Pick<store.ClaimedDelivery, 'event_id' | 'type' | 'payload' | 'event_created_at'>,
): string {
  return JSON.stringify({
    id: delivery.event_id,
    type: delivery.type,
    timestamp: delivery.event_created_at.toISOString(),
    data: delivery.payload,
  });
}

/** Sends one delivery and returns what the endpoint answered (never throws for the endpoint's faults). */
async function send(
  deps: Deps,
  endpoint: WebhookEndpoint,
  delivery: store.ClaimedDelivery,
  timeoutMs: number,
) {
  const production = deps.config.env === 'production';
  // Checked again at each attempt: the rules may be stricter now than when the URL was registered.
  const url = checkOutboundUrl(endpoint.url, { production });
  if (isUrlProblem(url)) {
    return {
      statusCode: null,
      responseMs: 0,
      body: null,
      errorKind: 'url_refused',
      retryAfter: undefined,
    } as const;
  }
  const body = webhookBody(delivery);
  // The attempt's timestamp is the wall clock's: receivers compare it with theirs to refuse replays.
  const timestamp = Math.floor(systemClock.now().epochMilliseconds / 1000);
  const headers = webhookHeaders(
    signingSecrets(deps, endpoint, toDate(deps.clock.now())),
    delivery.event_id,
    timestamp,
    body,
  );
  return postWebhook(url, body, headers, {
    timeoutMs,
    maxBodyBytes: MAX_LOGGED_BODY,
    guardAddresses: production,
  });
}

/** Disables an endpoint, fails what waits for it and emails the administrators, in the caller's transaction. */
async function disable(
  deps: Deps,
  trx: Db,
  endpoint: WebhookEndpoint,
  reason: 'failing' | 'gone',
  detail: {
    failingSince: Date | null;
    lastResult: PostResult | Pick<PostResult, 'statusCode' | 'errorKind'>;
  },
  now: Date,
): Promise<void> {
  if (!(await store.disableEndpoint(trx, endpoint.id, reason, now))) return;
  await store.failPendingDeliveries(trx, endpoint.id, now);
  const admins = deps.config.organization.administrators;
  if (admins.length === 0) {
    deps.logger.warn(
      { endpointId: endpoint.id, reason },
      'webhook endpoint disabled; no administrators to email',
    );
  }
  const email = endpointDisabledEmail(deps, { endpoint, reason, ...detail });
  for (const to of admins) {
    await queueEmail(trx, { accountId: null, kind: 'webhook_endpoint_disabled', to, ...email, now });
  }
  deps.logger.warn({ endpointId: endpoint.id, reason }, 'webhook endpoint disabled');
}

type Outcome = 'delivered' | 'retrying' | 'failed' | 'lost';

/** Writes an attempt and what follows from it (retry, failure, disabling the endpoint) in one transaction. */
async function record(
  deps: Deps,
  endpoint: WebhookEndpoint,
  delivery: store.ClaimedDelivery,
  result: Pick<PostResult, 'statusCode' | 'responseMs' | 'body' | 'errorKind' | 'retryAfter'>,
  random: () => number,
): Promise<Outcome> {
  const now = toDate(deps.clock.now());
  const ok = result.errorKind === null;
  const attempts = delivery.attempts + 1;
  const firstAttemptAt = delivery.first_attempt_at ?? now;
  const retryAt = ok
    ? null
    : nextRetryAt({
        attempts,
        firstAttemptAt: firstAttemptAt.getTime(),
        now: now.getTime(),
        random: random(),
        retryAfterMs: parseRetryAfter(result.retryAfter, systemClock.now().epochMilliseconds),
      });
  const gone = result.statusCode === 410;
  const outcome: Outcome = ok ? 'delivered' : retryAt !== null && !gone ? 'retrying' : 'failed';
  return deps.db.transaction().execute(async (trx) => {
    const held = await store.finishAttempt(trx, delivery.id, delivery.lease, {
      status: outcome === 'delivered' ? 'succeeded' : outcome === 'retrying' ? 'pending' : 'failed',
      attempts,
      next_attempt_at: outcome === 'retrying' && retryAt !== null ? new Date(retryAt) : null,
      first_attempt_at: firstAttemptAt,
      last_attempt_at: now,
      last_status_code: result.statusCode,
      last_error_kind: result.errorKind,
      updated_at: now,
    });
    // Another worker took it over after this one's claim lapsed: its record stands.
    if (!held) return 'lost';
    await store.insertAttempt(trx, {
      id: newId(),
      delivery_id: delivery.id,
      attempted_at: now,
      status_code: result.statusCode,
      response_ms: result.responseMs,
      response_body: result.body,
      error_kind: result.errorKind,
    });
    if (ok) {
      await store.markAnswering(trx, endpoint.id);
      return outcome;
    }
    const failingSince = await store.markFailing(trx, endpoint.id, now);
    // Standard Webhooks: 410 Gone means the receiver wants no more.
    if (gone) await disable(deps, trx, endpoint, 'gone', { failingSince, lastResult: result }, now);
    else if (failingSince && now.getTime() - failingSince.getTime() >= RETRY_WINDOW_MS) {
      await disable(deps, trx, endpoint, 'failing', { failingSince, lastResult: result }, now);
    }
    return outcome;
  });
}

/** Runs `run` over `items`, at most `size` at a time. */
async function inPool<T>(items: readonly T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await run(item);
    }
  });
  await Promise.all(lanes);
}

/**
 * One pass: fans out new events, then claims and sends the due deliveries. Returns what it did. A
 * database error on one endpoint's deliveries does not stop the others; it is thrown at the end, so
 * the worker counts the job as failed.
 */
export async function deliverWebhooks(deps: Deps, options: DeliverOptions = {}): Promise<DeliveryPass> {
  const opts = { ...DEFAULTS, ...options };
  const pass: DeliveryPass = { fannedOut: await fanOutEvents(deps), delivered: 0, retrying: 0, failed: 0 };
  const now = deps.clock.now();
  // Held long enough for every claimed delivery of one endpoint to time out in turn.
  const lease = toDate(now.add({ milliseconds: opts.timeoutMs * opts.perEndpoint + 60_000 }));
  const claimed = await store.claimDueDeliveries(deps.db, toDate(now), lease, opts.perEndpoint);
  if (claimed.length === 0) return pass;

  const endpoints = new Map((await store.listEnabledEndpoints(deps.db)).map((e) => [e.id, e]));
  const byEndpoint = new Map<string, store.ClaimedDelivery[]>();
  for (const d of claimed) byEndpoint.set(d.endpoint_id, [...(byEndpoint.get(d.endpoint_id) ?? []), d]);
  // Endpoints that answer go first, so a queue of failing ones never delays them.
  const queue = [...byEndpoint.entries()].sort(
    ([a], [b]) => Number(!!endpoints.get(a)?.failing_since) - Number(!!endpoints.get(b)?.failing_since),
  );
  const errors: unknown[] = [];
  await inPool(queue, opts.concurrency, async ([endpointId, deliveries]) => {
    const endpoint = endpoints.get(endpointId);
    // Oldest event first (ids break ties: they are time-ordered).
    const ordered = deliveries.sort(
      (a, b) =>
        a.event_created_at.getTime() - b.event_created_at.getTime() || (a.event_id < b.event_id ? -1 : 1),
    );
    let i = 0;
    try {
      if (!endpoint) return;
      for (; i < ordered.length; i++) {
        const delivery = ordered[i] as store.ClaimedDelivery;
        const result = await send(deps, endpoint, delivery, opts.timeoutMs);
        const outcome = await record(deps, endpoint, delivery, result, opts.random);
        if (outcome !== 'lost') {
          pass[outcome]++;
          recordWebhookDelivery(deps.metrics, outcome);
        }
        if (outcome !== 'delivered') {
          i++;
          deps.logger.warn(
            {
              endpointId,
              deliveryId: delivery.id,
              errorKind: result.errorKind,
              statusCode: result.statusCode,
            },
            'webhook delivery failed',
          );
          break;
        }
      }
    } catch (err) {
      errors.push(err);
    } finally {
      // Not attempted (the endpoint failed, or was deleted or disabled meanwhile): due again now.
      const rest = ordered.slice(i).map((d) => d.id);
      await store
        .releaseDeliveries(deps.db, rest, lease, toDate(deps.clock.now()))
        .catch((err) => errors.push(err));
    }
  });
  if (errors.length > 0) throw errors[0];
  return pass;
}

/** Deletes events older than the retention period, with their deliveries, once nothing about them waits. */
export async function pruneWebhookEvents(deps: Deps): Promise<number> {
  const before = toDate(deps.clock.now().subtract({ hours: EVENT_RETENTION_DAYS * 24 }));
  let total = 0;
  for (;;) {
    const deleted = await store.pruneEvents(deps.db, before, 1000);
    total += deleted;
    if (deleted < 1000) return total;
  }
}
