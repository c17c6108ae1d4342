import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps';
import { paymentIdParams } from './payments.schema';
import { apiPaymentList, apiPaymentListQuery, apiPaymentView } from './payments-api.schema';
import { getApiPayment, listApiPayments } from './payments-api.service';

/** Integrator routes (an API key with payments:read): the payments to post in the billing system. */
export const paymentsApiRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/payments',
      {
        config: { apiKey: { scope: 'payments:read' } },
        schema: {
          summary: 'Payments, oldest first, with the bills each paid',
          description:
            'Every payment on every account, in every status, oldest first; filter by when it was made, ' +
            'its status or the account. Page with `cursor` (the `nextCursor` of the page before): paging ' +
            'never skips or repeats a payment, also while new ones are made. An `accountExternalId` Settle ' +
            'does not know is a 400 naming it.',
          tags: ['payments out'],
          querystring: apiPaymentListQuery,
          response: { 200: apiPaymentList },
        },
      },
      async (request) => listApiPayments(deps, request.query),
    );

    app.get(
      '/api/v1/payments/:paymentId',
      {
        config: { apiKey: { scope: 'payments:read' } },
        schema: {
          summary: 'One payment, with the bills it paid and what was refunded',
          tags: ['payments out'],
          params: paymentIdParams,
          response: { 200: apiPaymentView },
        },
      },
      async (request) => getApiPayment(deps, request.params.paymentId),
    );
  };
