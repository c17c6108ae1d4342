/**
 * Managing webhook endpoints (the use cases the `webhooks:manage` API routes call): register an
 * endpoint with the event types it wants, change, disable or delete it, rotate its signing secret,
 * read its delivery log and replay one event to it. Delivery itself is webhook-delivery.service.ts.
 *
 * Signing secrets are kept sealed (AES-256-GCM under DATA_ENCRYPTION_KEY, platform/secrets.ts): they
 * must be read back to sign, so they cannot be hashed. A secret is shown when it is made, never again.
 */
import { z } from 'zod';
import type { WebhookDelivery, WebhookEndpoint } from '../../db/schema';
import type { Actor, Deps, RequestContext } from '../../deps';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import { newId } from '../../platform/ids';
import { checkOutboundUrl, isUrlProblem } from '../../platform/outbound-url';
import { secretBox } from '../../platform/secrets';
import { newWebhookSecret, webhookSecretKey } from '../../platform/webhook-signing';
import { recordAudit } from '../audit/audit.service';
import { type IdempotentWork, runIdempotent } from '../idempotency/idempotency.service';
import {
  isWebhookEventType,
  type WebhookEventType,
  webhookEventDescription,
  webhookEventSchemas,
  webhookEventTypes,
} from './webhook-events';
import {
  type CreateWebhookEndpointBody,
  type DeliveryAttemptView,
  type ListDeliveriesQuery,
  type ListQuery,
  type RotateWebhookSecretBody,
  type UpdateWebhookEndpointBody,
  type WebhookDeliveryDetailView,
  type WebhookDeliveryListView,
  type WebhookDeliveryView,
  type WebhookEndpointListView,
  type WebhookEndpointView,
  type WebhookEndpointWithSecretView,
  type WebhookEventTypeListView,
  webhookEndpointView,
} from './webhooks.schema';
import * as store from './webhooks.store';

/** How long the secret a rotation replaces keeps signing beside the new one. */
export const ROTATION_OVERLAP_HOURS = 24;
const DEFAULT_PAGE = 50;

/** Who changes an endpoint, for the audit trail. */
export interface WebhookChange {
  actor: Actor;
  ctx: RequestContext;
}

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}

export function endpointView(row: WebhookEndpoint): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types ? row.event_types.filter(isWebhookEventType) : null,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    disabledAt: iso(row.disabled_at),
    failingSince: iso(row.failing_since),
    previousSecretExpiresAt: row.previous_secret_sealed ? iso(row.previous_secret_expires_at) : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function fieldError(field: string, code: string, message: string): AppError {
  return new AppError('validation_failed', { errors: [{ field, code, message }] });
}

/** The URL as the server may call it, or a validation_failed naming `url`. */
function checkUrl(deps: Deps, raw: string): string {
  const checked = checkOutboundUrl(raw, { production: deps.config.env === 'production' });
  if (isUrlProblem(checked)) throw fieldError('url', checked.code, checked.message);
  return checked.toString();
}

function checkSecret(secret: string | undefined): string {
  if (secret === undefined) return newWebhookSecret();
  if (!webhookSecretKey(secret)) {
    throw fieldError('secret', 'invalid', 'Use whsec_ followed by base64 of 24 to 64 random bytes');
  }
  return secret;
}

function uniqueTypes(types: readonly WebhookEventType[] | null | undefined): WebhookEventType[] | null {
  return types ? [...new Set(types)] : null;
}

async function getEndpointRow(deps: Deps, id: string): Promise<WebhookEndpoint> {
  const row = await store.findEndpoint(deps.db, id);
  if (!row) throw new AppError('not_found', { detail: 'Webhook endpoint not found' });
  return row;
}

function audit(change: WebhookChange, action: string, endpointId: string, detail = {}) {
  return {
    actor: change.actor,
    ctx: change.ctx,
    action,
    result: 'success' as const,
    resourceType: 'webhook_endpoint',
    resourceId: endpointId,
    detail,
  };
}

/** Registers an endpoint; its signing secret is answered this once. */
export async function createEndpoint(
  deps: Deps,
  opts: WebhookChange & {
    body: CreateWebhookEndpointBody;
    /** The caller's Idempotency-Key, claimed in the transaction that makes the endpoint. */
    idempotency?: IdempotentWork;
  },
): Promise<WebhookEndpointWithSecretView> {
  const url = checkUrl(deps, opts.body.url);
  const secret = checkSecret(opts.body.secret);
  const now = toDate(deps.clock.now());
  const id = newId();
  const eventTypes = uniqueTypes(opts.body.eventTypes);
  await deps.db.transaction().execute(async (trx) => {
    if (opts.idempotency) await store.insertIdempotencyClaim(trx, opts.idempotency.claimRow(id));
    await store.insertEndpoint(trx, {
      id,
      url,
      description: opts.body.description ?? null,
      event_types: eventTypes ? JSON.stringify(eventTypes) : null,
      secret_sealed: secretBox(deps.config.dataEncryptionKey).seal(secret),
      previous_secret_sealed: null,
      previous_secret_expires_at: null,
      enabled: true,
      disabled_reason: null,
      disabled_at: null,
      failing_since: null,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, audit(opts, 'webhook_endpoint.create', id, { eventTypes }));
  });
  return { endpoint: endpointView(await getEndpointRow(deps, id)), secret };
}

/**
 * Changes an endpoint's URL, description or event types, or enables or disables it. Disabling fails
 * what is waiting for it; enabling clears its failure record, so it gets three more days.
 */
export async function updateEndpoint(
  deps: Deps,
  opts: WebhookChange & { endpointId: string; body: UpdateWebhookEndpointBody },
): Promise<WebhookEndpointView> {
  const { body } = opts;
  const current = await getEndpointRow(deps, opts.endpointId);
  const url = body.url === undefined ? undefined : checkUrl(deps, body.url);
  const now = toDate(deps.clock.now());
  const types = body.eventTypes === undefined ? undefined : uniqueTypes(body.eventTypes);
  const enabling = body.enabled === true && !current.enabled;
  const disabling = body.enabled === false && current.enabled;
  const row = await deps.db.transaction().execute(async (trx) => {
    const updated = await store.updateEndpoint(trx, current.id, {
      ...(url !== undefined ? { url } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(types !== undefined ? { event_types: types ? JSON.stringify(types) : null } : {}),
      ...(enabling ? { enabled: true, disabled_reason: null, disabled_at: null, failing_since: null } : {}),
      ...(disabling ? { enabled: false, disabled_reason: 'manual' as const, disabled_at: now } : {}),
      updated_at: now,
    });
    if (!updated) throw new AppError('not_found', { detail: 'Webhook endpoint not found' });
    if (disabling) await store.failPendingDeliveries(trx, current.id, now);
    await recordAudit(
      trx,
      audit(opts, 'webhook_endpoint.update', current.id, {
        fields: Object.keys(body).filter((k) => body[k as keyof typeof body] !== undefined),
        ...(types !== undefined ? { eventTypes: types } : {}),
      }),
    );
    return updated;
  });
  return endpointView(row);
}

export async function getEndpoint(deps: Deps, endpointId: string): Promise<WebhookEndpointView> {
  return endpointView(await getEndpointRow(deps, endpointId));
}

function checkCursor(cursor: string | undefined): string | null {
  if (cursor === undefined) return null;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(cursor)) {
    throw fieldError('cursor', 'invalid', 'Start again from the first page');
  }
  return cursor;
}

/** Every endpoint, oldest first, a page at a time. */
export async function listEndpoints(deps: Deps, query: ListQuery = {}): Promise<WebhookEndpointListView> {
  const limit = query.limit ?? DEFAULT_PAGE;
  const rows = await store.listEndpoints(deps.db, checkCursor(query.cursor), limit + 1);
  const page = rows.slice(0, limit);
  return {
    data: page.map(endpointView),
    nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}

/** Deletes an endpoint with its delivery log; what was waiting for it is not sent. */
export async function deleteEndpoint(
  deps: Deps,
  opts: WebhookChange & { endpointId: string },
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    if (!(await store.deleteEndpoint(trx, opts.endpointId))) {
      throw new AppError('not_found', { detail: 'Webhook endpoint not found' });
    }
    await recordAudit(trx, audit(opts, 'webhook_endpoint.delete', opts.endpointId));
  });
}

/**
 * Gives an endpoint a new signing secret (answered this once). For 24 hours deliveries carry a
 * signature under the old secret beside the new one, so a receiver can switch without missing one;
 * a secret rotated out before that ends stops signing at once.
 */
export async function rotateEndpointSecret(
  deps: Deps,
  opts: WebhookChange & {
    endpointId: string;
    body?: RotateWebhookSecretBody;
    /** The caller's Idempotency-Key, claimed in the transaction that rotates the secret. */
    idempotency?: IdempotentWork;
  },
): Promise<WebhookEndpointWithSecretView> {
  const secret = checkSecret(opts.body?.secret);
  const current = await getEndpointRow(deps, opts.endpointId);
  const now = deps.clock.now();
  const row = await deps.db.transaction().execute(async (trx) => {
    if (opts.idempotency) await store.insertIdempotencyClaim(trx, opts.idempotency.claimRow(current.id));
    const updated = await store.updateEndpoint(trx, current.id, {
      secret_sealed: secretBox(deps.config.dataEncryptionKey).seal(secret),
      previous_secret_sealed: current.secret_sealed,
      previous_secret_expires_at: toDate(now.add({ hours: ROTATION_OVERLAP_HOURS })),
      updated_at: toDate(now),
    });
    if (!updated) throw new AppError('not_found', { detail: 'Webhook endpoint not found' });
    await recordAudit(trx, audit(opts, 'webhook_endpoint.rotate_secret', current.id));
    return updated;
  });
  return { endpoint: endpointView(row), secret };
}

/**
 * What an Idempotency-Key's record keeps of an answer that shows a secret: the secret sealed, as the
 * endpoint keeps it, so a replay can show it again and the key's table never holds it in clear.
 */
const sealedAnswer = z.object({ endpoint: webhookEndpointView, sealedSecret: z.string() });

function sealAnswer(deps: Deps, answer: WebhookEndpointWithSecretView): z.infer<typeof sealedAnswer> {
  return {
    endpoint: answer.endpoint,
    sealedSecret: secretBox(deps.config.dataEncryptionKey).seal(answer.secret),
  };
}

function openAnswer(deps: Deps, stored: unknown): WebhookEndpointWithSecretView {
  const { endpoint, sealedSecret } = sealedAnswer.parse(stored);
  return { endpoint, secret: secretBox(deps.config.dataEncryptionKey).open(sealedSecret) };
}

/** The endpoint with its current secret: the answer of a change whose process died before it answered. */
async function withCurrentSecret(deps: Deps, endpointId: string): Promise<WebhookEndpointWithSecretView> {
  const row = await getEndpointRow(deps, endpointId);
  return {
    endpoint: endpointView(row),
    secret: secretBox(deps.config.dataEncryptionKey).open(row.secret_sealed),
  };
}

/** A make-a-secret change under the caller's Idempotency-Key (`scope` keeps one caller's keys from another's). */
export interface IdempotentKeyOptions {
  idempotencyKey: string | undefined;
  scope: string;
}

export interface IdempotentSecretAnswer {
  status: number;
  body: WebhookEndpointWithSecretView;
  replayed: boolean;
}

async function runWithSecret(
  deps: Deps,
  opts: IdempotentKeyOptions & { request: unknown; status: number },
  work: (idempotency: IdempotentWork) => Promise<WebhookEndpointWithSecretView>,
): Promise<IdempotentSecretAnswer> {
  const result = await runIdempotent(
    deps,
    { scope: opts.scope, key: opts.idempotencyKey, request: opts.request },
    async (idempotency) => ({ status: opts.status, body: sealAnswer(deps, await work(idempotency)) }),
  );
  return { status: result.status, body: openAnswer(deps, result.body), replayed: result.replayed };
}

/**
 * createEndpoint under the caller's Idempotency-Key (required): the same key again answers the first
 * answer, secret included, so a client that lost the answer does not end with an endpoint whose
 * secret it never saw; the same key with another body is a 422.
 */
export function createEndpointIdempotently(
  deps: Deps,
  opts: WebhookChange & IdempotentKeyOptions & { body: CreateWebhookEndpointBody },
): Promise<IdempotentSecretAnswer> {
  return runWithSecret(
    deps,
    { ...opts, request: { change: 'webhook_endpoint.create', body: opts.body }, status: 201 },
    (idempotency) =>
      idempotency.resumeResourceId
        ? withCurrentSecret(deps, idempotency.resumeResourceId)
        : createEndpoint(deps, { ...opts, idempotency }),
  );
}

/**
 * rotateEndpointSecret under the caller's Idempotency-Key (required): a retry of a rotation whose
 * answer was lost answers it again instead of rotating twice, which would stop the secret the receiver
 * still uses from signing at once.
 */
export function rotateEndpointSecretIdempotently(
  deps: Deps,
  opts: WebhookChange & IdempotentKeyOptions & { endpointId: string; body?: RotateWebhookSecretBody },
): Promise<IdempotentSecretAnswer> {
  return runWithSecret(
    deps,
    {
      ...opts,
      request: {
        change: 'webhook_endpoint.rotate_secret',
        endpointId: opts.endpointId,
        body: opts.body ?? {},
      },
      status: 200,
    },
    (idempotency) =>
      idempotency.resumeResourceId
        ? withCurrentSecret(deps, idempotency.resumeResourceId)
        : rotateEndpointSecret(deps, { ...opts, idempotency }),
  );
}

let eventTypeList: WebhookEventTypeListView | undefined;

/** Every event type an endpoint can ask for, with its description and the JSON Schema of its `data`. */
export function listWebhookEventTypes(): WebhookEventTypeListView {
  eventTypeList ??= {
    eventTypes: webhookEventTypes.map((type) => {
      const { $schema: _dialect, ...dataSchema } = z.toJSONSchema(webhookEventSchemas[type], {
        target: 'draft-2020-12',
        io: 'output',
      });
      return { type, description: webhookEventDescription(type), dataSchema };
    }),
  };
  return eventTypeList;
}

type DeliveryRow = Pick<
  WebhookDelivery,
  'id' | 'event_id' | 'status' | 'replay' | 'attempts' | 'next_attempt_at' | 'created_at'
> & { type: string };

function attemptView(a: Awaited<ReturnType<typeof store.listAttempts>>[number]): DeliveryAttemptView {
  return {
    attemptedAt: a.attempted_at.toISOString(),
    statusCode: a.status_code,
    responseMs: a.response_ms,
    responseBody: a.response_body,
    errorKind: a.error_kind,
  };
}

function deliveryView(row: DeliveryRow, attempts: readonly DeliveryAttemptView[]): WebhookDeliveryView {
  if (!isWebhookEventType(row.type)) throw new Error(`event ${row.event_id} has unknown type ${row.type}`);
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.type,
    status: row.status,
    replay: row.replay,
    attempts: row.attempts,
    nextAttemptAt: iso(row.next_attempt_at),
    lastAttempt: attempts[attempts.length - 1] ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

/** An endpoint's deliveries, newest first, each with its last attempt; a page at a time. */
export async function listDeliveries(
  deps: Deps,
  opts: { endpointId: string; query?: ListDeliveriesQuery },
): Promise<WebhookDeliveryListView> {
  const query = opts.query ?? {};
  await getEndpointRow(deps, opts.endpointId);
  const limit = query.limit ?? DEFAULT_PAGE;
  const rows = await store.listDeliveries(deps.db, opts.endpointId, {
    beforeId: checkCursor(query.cursor),
    limit: limit + 1,
    status: query.status,
  });
  const page = rows.slice(0, limit);
  const attempts = new Map<string, DeliveryAttemptView[]>();
  for (const a of await store.listAttempts(
    deps.db,
    page.map((r) => r.id),
  )) {
    attempts.set(a.delivery_id, [...(attempts.get(a.delivery_id) ?? []), attemptView(a)]);
  }
  return {
    data: page.map((r) => deliveryView(r, attempts.get(r.id) ?? [])),
    nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}

/** One delivery with every attempt (time, status code, response time, the start of the answer). */
export async function getDelivery(
  deps: Deps,
  opts: { endpointId: string; deliveryId: string },
): Promise<WebhookDeliveryDetailView> {
  const row = await store.findDelivery(deps.db, opts.endpointId, opts.deliveryId);
  if (!row) throw new AppError('not_found', { detail: 'Delivery not found' });
  const attempts = (await store.listAttempts(deps.db, [row.id])).map(attemptView);
  return { ...deliveryView(row, attempts), attemptLog: attempts };
}

/**
 * An administrator sends one event to one endpoint again: a new delivery, due now, with the same
 * `webhook-id` (the event's id), so a receiver that already has it can tell. The endpoint must be
 * enabled; the event may be one it never received (sent before it subscribed, or failed for good).
 */
export async function replayDelivery(
  deps: Deps,
  opts: WebhookChange & { endpointId: string; eventId: string },
): Promise<WebhookDeliveryView> {
  const endpoint = await getEndpointRow(deps, opts.endpointId);
  if (!endpoint.enabled) {
    throw new AppError('webhook_endpoint_disabled', {
      detail: 'Enable the endpoint first: deliveries to a disabled endpoint are not made.',
    });
  }
  const event = await store.findEvent(deps.db, opts.eventId);
  if (!event) throw new AppError('not_found', { detail: 'Event not found (events are kept 30 days)' });
  const now = toDate(deps.clock.now());
  const id = newId();
  await deps.db.transaction().execute(async (trx) => {
    await store.insertDelivery(trx, {
      id,
      event_id: event.id,
      endpoint_id: endpoint.id,
      replay: true,
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
    await recordAudit(trx, audit(opts, 'webhook_endpoint.replay', endpoint.id, { eventId: event.id }));
  });
  return getDelivery(deps, { endpointId: endpoint.id, deliveryId: id });
}
