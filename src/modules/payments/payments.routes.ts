import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { bearerToken, headerValue, requestContext } from '../../http/context';
import { renderProblems, sendIdempotent } from '../../http/idempotent-reply';
import { pdfResponse } from '../../http/openapi';
import { authenticateGuest } from '../guest/guest.service';
import { runIdempotent } from '../idempotency/idempotency.service';
import { getGuestPayment, payBillsAsGuest, renderGuestReceipt } from './guest-payments.service';
import {
  createGuestPaymentBody,
  paymentIdParams,
  paymentView,
  receiptEmailBody,
  receiptEmailView,
} from './payments.schema';
import { sendGuestReceipt } from './receipt-email.service';

const localeQuery = z.object({ locale: z.enum(['en', 'es']).default('en') });

export const paymentRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/v1/guest/payments',
      {
        schema: {
          summary: 'Pay one or several of the guest session’s bills with a processor token',
          description:
            'Requires an Idempotency-Key header: a replay returns the first response, the same key with a ' +
            'different body is a 422, a key still in flight is a 409. 201 when collected, 202 while the ' +
            'outcome is being confirmed, 402 problem for a decline (nothing charged).',
          tags: ['payments'],
          'x-problems': [402, 404],
          headers: z.object({ 'idempotency-key': z.string().optional() }),
          body: createGuestPaymentBody,
          response: { 201: paymentView, 202: paymentView },
        },
      },
      async (request, reply) => {
        const actor = await authenticateGuest(deps, bearerToken(request));
        const ctx = requestContext(request, request.body.locale);
        const result = await runIdempotent(
          deps,
          {
            scope: `account:${actor.accountId}`,
            key: headerValue(request, 'idempotency-key'),
            request: request.body,
          },
          (idempotency) => payBillsAsGuest(deps, actor, request.body, ctx, idempotency),
          // A decline is stored and sent as its problem document.
          renderProblems(request),
        );
        return sendIdempotent(reply as FastifyReply, result);
      },
    );

    app.get(
      '/api/v1/guest/payments/:paymentId',
      {
        schema: {
          summary: 'A payment made in this guest session',
          tags: ['payments'],
          params: paymentIdParams,
          response: { 200: paymentView },
        },
      },
      async (request) => {
        const actor = await authenticateGuest(deps, bearerToken(request));
        return getGuestPayment(deps, actor, request.params.paymentId);
      },
    );

    app.get(
      '/api/v1/guest/payments/:paymentId/receipt.pdf',
      {
        schema: {
          summary: 'The payment receipt as a PDF',
          tags: ['payments'],
          'x-problems': [409],
          params: paymentIdParams,
          querystring: localeQuery,
          response: pdfResponse,
        },
      },
      async (request, reply) => {
        const actor = await authenticateGuest(deps, bearerToken(request));
        const { filename, pdf } = await renderGuestReceipt(
          deps,
          actor,
          request.params.paymentId,
          request.query.locale,
        );
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${filename}"`)
          .header('cache-control', 'no-store')
          .send(pdf);
      },
    );

    app.post(
      '/api/v1/guest/payments/:paymentId/receipt-email',
      {
        schema: {
          summary: 'Email the receipt of a completed payment',
          description:
            'At most 5 different addresses per payment (the payer’s included; one already used may be sent ' +
            'again), and a few sends per session and per client address an hour: 429 problem beyond.',
          tags: ['payments'],
          'x-problems': [409],
          params: paymentIdParams,
          body: receiptEmailBody,
          response: { 202: receiptEmailView },
        },
      },
      async (request, reply) => {
        const actor = await authenticateGuest(deps, bearerToken(request));
        await sendGuestReceipt(
          deps,
          actor,
          { paymentId: request.params.paymentId, to: request.body.email, locale: request.body.locale },
          requestContext(request),
        );
        return reply.status(202).send({ queued: true as const, to: request.body.email });
      },
    );
  };
