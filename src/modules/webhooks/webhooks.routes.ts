/**
 * Webhook endpoint management for integrators (an API key with `webhooks:manage`): register endpoints
 * with the event types they want, change, disable, delete them, rotate their signing secrets, read
 * their delivery logs and replay an event. Delivery itself is the worker's (webhook-delivery.service).
 */
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { apiKeyOf } from '../../http/api-key-auth';
import { headerValue, requestContext } from '../../http/context';
import type { ApiKeyPrincipal } from '../api-keys/api-keys.service';
import {
  createWebhookEndpointBody,
  deliveryIdParams,
  endpointIdParams,
  listDeliveriesQuery,
  listQuery,
  replayDeliveryBody,
  rotateWebhookSecretBody,
  updateWebhookEndpointBody,
  webhookDeliveryDetailView,
  webhookDeliveryListView,
  webhookDeliveryView,
  webhookEndpointListView,
  webhookEndpointView,
  webhookEndpointWithSecretView,
  webhookEventTypeListView,
} from './webhooks.schema';
import {
  createEndpointIdempotently,
  deleteEndpoint,
  getDelivery,
  getEndpoint,
  type IdempotentSecretAnswer,
  listDeliveries,
  listEndpoints,
  listWebhookEventTypes,
  ROTATION_OVERLAP_HOURS,
  replayDelivery,
  rotateEndpointSecretIdempotently,
  updateEndpoint,
} from './webhooks.service';

const tags = ['webhooks'];
const config = { apiKey: { scope: 'webhooks:manage' as const } };
const idempotencyHeader = z.object({ 'idempotency-key': z.string().optional() });
const IDEMPOTENT =
  'Requires an Idempotency-Key header: a retry with the same key answers the first answer (the same ' +
  'secret), the same key with a different body is a 422, a key still in flight a 409.';

function changeOf(key: ApiKeyPrincipal, request: Parameters<typeof requestContext>[0]) {
  return { actor: key.actor, ctx: requestContext(request) };
}

function sendSecretAnswer(reply: FastifyReply, answer: IdempotentSecretAnswer) {
  if (answer.replayed) reply.header('idempotent-replayed', 'true');
  return reply.status(answer.status).send(answer.body);
}

export const webhookRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/webhook-event-types',
      {
        // What can be subscribed to is no secret from any key holder.
        config: { apiKey: { scope: null } },
        schema: {
          summary: 'The event types an endpoint can ask for, each with the JSON Schema of its data',
          description:
            'Each delivery is a POST of `{"id", "type", "timestamp", "data"}` signed as Standard Webhooks ' +
            'specifies (`webhook-id`, `webhook-timestamp`, `webhook-signature`). Payloads name things by ' +
            'id and carry amounts and statuses: never a card or bank account number, a medical record ' +
            'number, a date of birth or a name. Any valid API key.',
          tags,
          response: { 200: webhookEventTypeListView },
        },
      },
      async () => listWebhookEventTypes(),
    );

    app.post(
      '/api/v1/webhook-endpoints',
      {
        config,
        schema: {
          summary: 'Register a webhook endpoint; its signing secret is answered this once',
          description:
            'The URL must be https:// (http:// only to this machine, outside production), without ' +
            'credentials, and not a private or loopback address. `eventTypes` omitted: every type, ' +
            'including types added later. Events that happened before the endpoint existed are not sent ' +
            `to it (replay one to send it). ${IDEMPOTENT} A refusal is a problem+json whose \`errors[]\` ` +
            'names the field (`url`, `eventTypes.0`, `secret`), and registers nothing.',
          tags,
          headers: idempotencyHeader,
          body: createWebhookEndpointBody,
          response: { 201: webhookEndpointWithSecretView },
        },
      },
      async (request, reply) => {
        const key = apiKeyOf(request);
        const answer = await createEndpointIdempotently(deps, {
          ...changeOf(key, request),
          scope: `api:${key.keyId}`,
          idempotencyKey: headerValue(request, 'idempotency-key'),
          body: request.body,
        });
        return sendSecretAnswer(reply as FastifyReply, answer);
      },
    );

    app.get(
      '/api/v1/webhook-endpoints',
      {
        config,
        schema: {
          summary: 'Every webhook endpoint, oldest first, a page at a time (never their secrets)',
          tags,
          querystring: listQuery,
          response: { 200: webhookEndpointListView },
        },
      },
      async (request) => listEndpoints(deps, request.query),
    );

    app.get(
      '/api/v1/webhook-endpoints/:endpointId',
      {
        config,
        schema: {
          summary: 'A webhook endpoint (never its secret)',
          tags,
          params: endpointIdParams,
          response: { 200: webhookEndpointView },
        },
      },
      async (request) => getEndpoint(deps, request.params.endpointId),
    );

    app.patch(
      '/api/v1/webhook-endpoints/:endpointId',
      {
        config,
        schema: {
          summary: 'Change a webhook endpoint’s URL, description or event types, or disable or enable it',
          description:
            'Disabling (`enabled: false`) fails what is waiting for it; enabling clears its failure ' +
            'record, so it gets three more days. `eventTypes: null` delivers every type.',
          tags,
          params: endpointIdParams,
          body: updateWebhookEndpointBody,
          response: { 200: webhookEndpointView },
        },
      },
      async (request) =>
        updateEndpoint(deps, {
          ...changeOf(apiKeyOf(request), request),
          endpointId: request.params.endpointId,
          body: request.body,
        }),
    );

    app.delete(
      '/api/v1/webhook-endpoints/:endpointId',
      {
        config,
        schema: {
          summary: 'Delete a webhook endpoint with its delivery log; what waits for it is not sent',
          tags,
          params: endpointIdParams,
          response: { 204: z.null().describe('Deleted') },
        },
      },
      async (request, reply) => {
        await deleteEndpoint(deps, {
          ...changeOf(apiKeyOf(request), request),
          endpointId: request.params.endpointId,
        });
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/v1/webhook-endpoints/:endpointId/rotate-secret',
      {
        config,
        schema: {
          summary: 'Give a webhook endpoint a new signing secret, answered this once',
          description:
            `For ${ROTATION_OVERLAP_HOURS} hours each delivery carries a signature under the previous ` +
            'secret beside one under the new (`webhook-signature: v1,… v1,…`), so the receiver can switch ' +
            'without missing one; rotating again within that time stops the oldest at once. The body is ' +
            `\`{}\` for a new secret, or \`{"secret": "whsec_…"}\` to use one of your own. ${IDEMPOTENT}`,
          tags,
          headers: idempotencyHeader,
          params: endpointIdParams,
          body: rotateWebhookSecretBody,
          response: { 200: webhookEndpointWithSecretView },
        },
      },
      async (request, reply) => {
        const key = apiKeyOf(request);
        const answer = await rotateEndpointSecretIdempotently(deps, {
          ...changeOf(key, request),
          scope: `api:${key.keyId}`,
          idempotencyKey: headerValue(request, 'idempotency-key'),
          endpointId: request.params.endpointId,
          body: request.body,
        });
        return sendSecretAnswer(reply as FastifyReply, answer);
      },
    );

    app.get(
      '/api/v1/webhook-endpoints/:endpointId/deliveries',
      {
        config,
        schema: {
          summary: 'A webhook endpoint’s delivery log, newest first, each with its last attempt',
          description:
            'Pending deliveries are tried again with exponential backoff for up to three days; an ' +
            'endpoint that fails for three days (or answers 410) is disabled and the administrators ' +
            'are emailed. Filter by `status`; page with `cursor`.',
          tags,
          params: endpointIdParams,
          querystring: listDeliveriesQuery,
          response: { 200: webhookDeliveryListView },
        },
      },
      async (request) =>
        listDeliveries(deps, { endpointId: request.params.endpointId, query: request.query }),
    );

    app.get(
      '/api/v1/webhook-endpoints/:endpointId/deliveries/:deliveryId',
      {
        config,
        schema: {
          summary: 'One delivery with every attempt (status code, response time, the start of the answer)',
          tags,
          params: deliveryIdParams,
          response: { 200: webhookDeliveryDetailView },
        },
      },
      async (request) => getDelivery(deps, request.params),
    );

    app.post(
      '/api/v1/webhook-endpoints/:endpointId/replay',
      {
        config,
        schema: {
          summary: 'Send one event to an endpoint again (a new delivery, due now)',
          description:
            'With the same `webhook-id` (the event id), so a receiver that already has it can tell. The ' +
            'event may be one the endpoint never got (sent before it subscribed, or failed for good); ' +
            'events are kept 30 days. A disabled endpoint is a 409 `webhook_endpoint_disabled`: enable ' +
            'it first.',
          tags,
          params: endpointIdParams,
          body: replayDeliveryBody,
          response: { 201: webhookDeliveryView },
        },
      },
      async (request, reply) => {
        const delivery = await replayDelivery(deps, {
          ...changeOf(apiKeyOf(request), request),
          endpointId: request.params.endpointId,
          eventId: request.body.eventId,
        });
        return reply.status(201).send(delivery);
      },
    );
  };
