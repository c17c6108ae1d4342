/**
 * The webhook endpoint management contract (scope `webhooks:manage`): what the API routes take and
 * answer. The routes validate with these and call one webhooks.service function each.
 */
import { z } from 'zod';
import { type WebhookEventType, webhookEventTypes } from './webhook-events';

const EXAMPLE_ENDPOINT_ID = '0193a5b2-6c1d-7e4f-8a9b-0c1d2e3f4a5b';
const EXAMPLE_EVENT_ID = '0193a5b3-1f2e-7d3c-9b4a-5c6d7e8f9a0b';
const EXAMPLE_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

export const webhookEventType = z.enum(webhookEventTypes as [WebhookEventType, ...WebhookEventType[]]);

/** `whsec_` + base64 of 24 to 64 bytes (Standard Webhooks); the service checks the length. */
const signingSecret = z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'Use whsec_ followed by base64');

export const createWebhookEndpointBody = z
  .object({
    /** https:// (http:// only for this machine, outside production). */
    url: z.string().min(1).max(2048),
    description: z.string().max(500).optional(),
    /** The event types to deliver; omitted: every type, including types added later. */
    eventTypes: z.array(webhookEventType).min(1).max(100).optional(),
    /** A signing secret of your own (e.g. one you use elsewhere); omitted: a new one is made. */
    secret: signingSecret.optional(),
  })
  .meta({
    examples: [
      {
        url: 'https://billing.example.org/settle/webhooks',
        description: 'Billing system: payments and refunds',
        eventTypes: [
          'payment.succeeded',
          'payment.failed',
          'payment.refunded',
          'payment.returned',
          'bill.paid',
        ],
      },
    ],
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
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'Change at least one field' })
  .meta({
    examples: [{ enabled: false }, { eventTypes: ['payment.succeeded', 'bill.paid'], description: null }],
  });
export type UpdateWebhookEndpointBody = z.infer<typeof updateWebhookEndpointBody>;

export const rotateWebhookSecretBody = z
  .object({ secret: signingSecret.optional() })
  .meta({ examples: [{}, { secret: EXAMPLE_SECRET }] });
export type RotateWebhookSecretBody = z.infer<typeof rotateWebhookSecretBody>;

const exampleEndpoint = {
  id: EXAMPLE_ENDPOINT_ID,
  url: 'https://billing.example.org/settle/webhooks',
  description: 'Billing system: payments and refunds',
  eventTypes: ['payment.succeeded', 'payment.failed', 'payment.refunded', 'payment.returned', 'bill.paid'],
  enabled: true,
  disabledReason: null,
  disabledAt: null,
  failingSince: null,
  previousSecretExpiresAt: null,
  createdAt: '2026-12-07T18:00:00.000Z',
  updatedAt: '2026-12-07T18:00:00.000Z',
};

export const webhookEndpointView = z
  .object({
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
  })
  .meta({ examples: [exampleEndpoint] });
export type WebhookEndpointView = z.infer<typeof webhookEndpointView>;

/** An endpoint with its signing secret: answered only when the secret is made (create, rotate). */
export const webhookEndpointWithSecretView = z
  .object({
    endpoint: webhookEndpointView,
    /** Shown once: store it where your receiver can read it. */
    secret: z.string(),
  })
  .meta({ examples: [{ endpoint: exampleEndpoint, secret: EXAMPLE_SECRET }] });
export type WebhookEndpointWithSecretView = z.infer<typeof webhookEndpointWithSecretView>;

export const listQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});
export type ListQuery = z.infer<typeof listQuery>;

export const webhookEndpointListView = z.object({
  data: z.array(webhookEndpointView),
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

export const webhookDeliveryView = z
  .object({
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
  })
  .meta({
    examples: [
      {
        id: '0193a5b3-2a3b-7c4d-8e5f-6a7b8c9d0e1f',
        eventId: EXAMPLE_EVENT_ID,
        eventType: 'payment.succeeded',
        status: 'succeeded',
        replay: false,
        attempts: 2,
        nextAttemptAt: null,
        lastAttempt: {
          attemptedAt: '2026-12-07T18:00:05.000Z',
          statusCode: 204,
          responseMs: 84,
          responseBody: null,
          errorKind: null,
        },
        createdAt: '2026-12-07T18:00:00.000Z',
      },
    ],
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
  data: z.array(webhookDeliveryView),
  nextCursor: z.string().nullable(),
});
export type WebhookDeliveryListView = z.infer<typeof webhookDeliveryListView>;

export const replayDeliveryBody = z
  .object({
    /** The event to send again: a delivery's `eventId` (events are kept 30 days). */
    eventId: z.uuid(),
  })
  .meta({ examples: [{ eventId: EXAMPLE_EVENT_ID }] });
export type ReplayDeliveryBody = z.infer<typeof replayDeliveryBody>;

export const endpointIdParams = z.object({ endpointId: z.uuid() });
export const deliveryIdParams = endpointIdParams.extend({ deliveryId: z.uuid() });

export const webhookEventTypeView = z.object({
  type: webhookEventType,
  description: z.string(),
  /** The JSON Schema of the event's `data`. */
  dataSchema: z.record(z.string(), z.unknown()),
});

export const webhookEventTypeListView = z.object({ eventTypes: z.array(webhookEventTypeView) }).meta({
  examples: [
    {
      eventTypes: [
        {
          type: 'bill.paid',
          description: 'A bill has nothing left to pay.',
          dataSchema: { type: 'object', properties: { billId: { type: 'string', format: 'uuid' } } },
        },
      ],
    },
  ],
});
export type WebhookEventTypeListView = z.infer<typeof webhookEventTypeListView>;
