/**
 * The webhook endpoint management contract (scope `webhooks:manage`): what the API routes take and
 * answer. The routes validate with these and call one webhooks.service function each.
 */
import { z } from 'zod';
import { type WebhookEventType, webhookEventTypes } from './webhook-events';

export const webhookEventType = z.enum(webhookEventTypes as [WebhookEventType, ...WebhookEventType[]]);

/** `whsec_` + base64 of 24 to 64 bytes (Standard Webhooks); the service checks the length. */
const signingSecret = z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'Use whsec_ followed by base64');

export const createWebhookEndpointBody = z.object({
  /** https:// (http:// only for this machine, outside production). */
  url: z.string().min(1).max(2048),
  description: z.string().max(500).optional(),
  /** The event types to deliver; omitted: every type, including types added later. */
  eventTypes: z.array(webhookEventType).min(1).max(100).optional(),
  /** A signing secret of your own (e.g. one you use elsewhere); omitted: a new one is made. */
  secret: signingSecret.optional(),
});
export type CreateWebhookEndpointBody = z.infer<typeof createWebhookEndpointBody>;

export const updateWebhookEndpointBody = z
  .object({
    url: z.string().min(1).max(2048).optional(),
    description: z.string().max(500).nullable().optional(),
    /** null: every type. */
    eventTypes: z.array(webhookEventType).min(1).max(100).nullable().optional(),
    /** false stops deliveries (what is waiting is not sent); true starts them again. */
    enabled: z.boolean().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Change at least one field' });
export type UpdateWebhookEndpointBody = z.infer<typeof updateWebhookEndpointBody>;

export const rotateWebhookSecretBody = z.object({ secret: signingSecret.optional() });
export type RotateWebhookSecretBody = z.infer<typeof rotateWebhookSecretBody>;

export const webhookEndpointView = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string().nullable(),
  /** null: every type. */
  eventTypes: z.array(webhookEventType).nullable(),
  enabled: z.boolean(),
  /** Why it is disabled: manual (by an administrator), failing (3 days of failures), gone (it answered 410). */
  disabledReason: z.enum(['manual', 'failing', 'gone']).nullable(),
  disabledAt: z.iso.datetime().nullable(),
  /** Since when every attempt has failed; null while it answers. */
  failingSince: z.iso.datetime().nullable(),
  /** After a rotation, until when the previous secret still signs beside the new one. */
  previousSecretExpiresAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type WebhookEndpointView = z.infer<typeof webhookEndpointView>;

/** An endpoint with its signing secret: answered only when the secret is made (create, rotate). */
export const webhookEndpointWithSecretView = z.object({
  endpoint: webhookEndpointView,
  /** Shown once: store it where your receiver can read it. */
  secret: z.string(),
});
export type WebhookEndpointWithSecretView = z.infer<typeof webhookEndpointWithSecretView>;

export const listQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
export type ListQuery = z.infer<typeof listQuery>;

export const webhookEndpointListView = z.object({
  endpoints: z.array(webhookEndpointView),
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: z.string().nullable(),
});
export type WebhookEndpointListView = z.infer<typeof webhookEndpointListView>;

export const deliveryStatus = z.enum(['pending', 'succeeded', 'failed']);

export const deliveryAttemptView = z.object({
  attemptedAt: z.iso.datetime(),
  /** null when the endpoint did not answer. */
  statusCode: z.number().int().nullable(),
  responseMs: z.number().int(),
  /** The start of the answer's body (at most 1 KiB). */
  responseBody: z.string().nullable(),
  /** null for a 2xx; http_status, redirect, timeout, network, address_refused or url_refused. */
  errorKind: z.string().nullable(),
});
export type DeliveryAttemptView = z.infer<typeof deliveryAttemptView>;

export const webhookDeliveryView = z.object({
  id: z.uuid(),
  /** The event, and the `webhook-id` it was sent with. */
  eventId: z.uuid(),
  eventType: webhookEventType,
  status: deliveryStatus,
  /** An administrator's re-send (replay). */
  replay: z.boolean(),
  attempts: z.number().int(),
  /** When it is tried next, while pending. */
  nextAttemptAt: z.iso.datetime().nullable(),
  lastAttempt: deliveryAttemptView.nullable(),
  createdAt: z.iso.datetime(),
});
export type WebhookDeliveryView = z.infer<typeof webhookDeliveryView>;

export const webhookDeliveryDetailView = webhookDeliveryView.extend({
  /** Every attempt, oldest first. */
  attemptLog: z.array(deliveryAttemptView),
});
export type WebhookDeliveryDetailView = z.infer<typeof webhookDeliveryDetailView>;

export const listDeliveriesQuery = listQuery.extend({ status: deliveryStatus.optional() });
export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuery>;

export const webhookDeliveryListView = z.object({
  deliveries: z.array(webhookDeliveryView),
  nextCursor: z.string().nullable(),
});
export type WebhookDeliveryListView = z.infer<typeof webhookDeliveryListView>;

export const replayDeliveryBody = z.object({ eventId: z.uuid() });
export type ReplayDeliveryBody = z.infer<typeof replayDeliveryBody>;
