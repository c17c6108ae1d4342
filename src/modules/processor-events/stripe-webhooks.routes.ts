import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps';
import { receiveStripeEvent } from './processor-events.service';

/** Stripe's events are small; a megabyte leaves room for any it sends. */
const BODY_LIMIT = 1024 * 1024;

function headerValue(value: string | string[] | undefined): string | undefined {
  // Sent twice is no signature we can check.
  return typeof value === 'string' ? value : undefined;
}

/**
 * `POST /webhooks/stripe` (mounted only when PROCESSOR=stripe): Stripe's events in, verified by their
 * signature and stored once (processor-events.service). Neither a member nor an API-key route: the
 * signature is the credential. Every body is kept as the bytes that came (any content type), since
 * the signature is over them; this plugin's parsers reach no other route. Hidden from the OpenAPI
 * document, which describes Settle's own API (decision 0040).
 */
export const stripeWebhookRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) => {
      done(null, body);
    });
    app.post(
      '/webhooks/stripe',
      { bodyLimit: BODY_LIMIT, schema: { hide: true } },
      async (request, reply) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : undefined;
        const received = await receiveStripeEvent(
          deps,
          raw,
          headerValue(request.headers['stripe-signature']),
        );
        if (received.stored) {
          request.log.info({ eventId: received.id, eventType: received.type }, 'stripe event received');
        }
        return reply.code(200).send({ received: true, duplicate: !received.stored });
      },
    );
  };
