import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { apiKeyOf } from '../../http/api-key-auth';
import { headerValue, requestContext } from '../../http/context';
import { renderProblems, sendIdempotent } from '../../http/idempotent-reply';
import { requireIdempotencyKey, runIdempotent } from '../idempotency/idempotency.service';
import { paymentIdParams } from './payments.schema';
import { createdRefundView, createRefundBody, refundList, refundListQuery } from './refunds.schema';
import { listPaymentRefunds, refundPayment, refuseRefundBody } from './refunds.service';

/** Integrator routes (an API key): refund a payment, list its refunds. */
export const refundRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/v1/payments/:paymentId/refunds',
      {
        config: { apiKey: { scope: 'payments:refund' } },
        // A body the schema refuses is judged by the service: a 422 naming the field, and for the amount
        // the most that can be refunded (it needs the payment).
        attachValidation: true,
        schema: {
          summary: 'Refund all or part of a payment',
          description:
            'Gives back up to what was paid less what is refunded or being refunded, never more (also when ' +
            'requests race). Where the money goes is the organization’s setting: back to the card or bank ' +
            'account through the processor, the bills the payment paid owing it again (latest due first), or ' +
            'kept as a credit on the account. Requires an Idempotency-Key header: a replay returns the first ' +
            'response, the same key with a different body is a 422, a key still in flight is a 409. 201 when ' +
            'refunded, 202 while the processor is still working on it or its answer is being confirmed, 409 ' +
            'problem when the payment cannot be refunded now (a bank debit not settled yet says when to ask ' +
            'again) or the processor refused, 422 problem naming the field for an amount that is not whole ' +
            'positive cents or above what can be refunded (with `maximumCents`), or a reason not in the list.',
          tags: ['refunds'],
          params: paymentIdParams,
          headers: z.object({ 'idempotency-key': z.string().optional() }),
          body: createRefundBody,
          response: { 201: createdRefundView, 202: createdRefundView },
        },
      },
      async (request, reply) => {
        const invalid = request.validationError;
        if (invalid && invalid.validationContext !== 'body') throw invalid;
        const key = apiKeyOf(request);
        const { paymentId } = request.params;
        const idempotencyKey = requireIdempotencyKey(headerValue(request, 'idempotency-key'));
        const body: unknown = request.body;
        if (invalid) return refuseRefundBody(deps, paymentId, body);
        const result = await runIdempotent(
          deps,
          {
            scope: `api:${key.keyId}`,
            key: idempotencyKey,
            request: { paymentId, body },
          },
          (idempotency) =>
            refundPayment(deps, {
              actor: key.actor,
              ctx: requestContext(request),
              paymentId,
              body,
              idempotency,
            }),
          renderProblems(request),
        );
        return sendIdempotent(reply as FastifyReply, result);
      },
    );

    app.get(
      '/api/v1/payments/:paymentId/refunds',
      {
        config: { apiKey: { scope: 'payments:read' } },
        schema: {
          summary: 'A payment’s refunds, oldest first, with what is refunded and what can still be',
          tags: ['refunds'],
          params: paymentIdParams,
          querystring: refundListQuery,
          response: { 200: refundList },
        },
      },
      async (request) => listPaymentRefunds(deps, request.params.paymentId, request.query),
    );
  };
