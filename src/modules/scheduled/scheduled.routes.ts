import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { headerValue, requestContext } from '../../http/context';
import { renderProblems, sendIdempotent } from '../../http/idempotent-reply';
import { memberAuth } from '../../http/member-session';
import { runIdempotent } from '../idempotency/idempotency.service';
import {
  createScheduledPaymentBody,
  scheduledPaymentIdParams,
  scheduledPaymentListView,
  scheduledPaymentView,
  updateScheduledPaymentBody,
} from './scheduled.schema';
import {
  cancelScheduledPayment,
  changeScheduledPayment,
  getScheduledPayment,
  listScheduledPayments,
  schedulePayment,
} from './scheduled.service';

/** One-time payments a member schedules for a future date. */
export const scheduledRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { sessionOf, changingSessionOf } = memberAuth(deps);

    app.get(
      '/api/v1/member/scheduled-payments',
      {
        schema: {
          summary:
            'Scheduled payments: those still to come (soonest first), then past runs and cancelled ones',
          tags: ['scheduled payments'],
          response: { 200: scheduledPaymentListView },
        },
      },
      async (request) => listScheduledPayments(deps, await sessionOf(request)),
    );

    app.post(
      '/api/v1/member/scheduled-payments',
      {
        schema: {
          summary: 'Schedule a payment of one account’s bills for a future date with a saved method',
          description:
            'Requires X-CSRF-Token and an Idempotency-Key header (replay → the first response). The date ' +
            'runs from tomorrow to the earliest due date of the bills (or up to 90 days when that has ' +
            'passed), in the account’s region. It runs from 5 am local on that date; it can be changed or ' +
            'cancelled until 8 pm the evening before. A bill paid some other way by then is not charged again.',
          tags: ['scheduled payments'],
          'x-problems': [404],
          headers: z.object({ 'idempotency-key': z.string().optional() }),
          body: createScheduledPaymentBody,
          response: { 201: scheduledPaymentView },
        },
      },
      async (request, reply) => {
        const session = await changingSessionOf(request);
        const result = await runIdempotent(
          deps,
          {
            scope: `member:${session.actor.memberId}:scheduled`,
            key: headerValue(request, 'idempotency-key'),
            request: request.body,
          },
          (idempotency) => schedulePayment(deps, session, request.body, requestContext(request), idempotency),
          renderProblems(request),
        );
        return sendIdempotent(reply as FastifyReply, result);
      },
    );

    app.get(
      '/api/v1/member/scheduled-payments/:scheduledPaymentId',
      {
        schema: {
          summary: 'One scheduled payment',
          tags: ['scheduled payments'],
          params: scheduledPaymentIdParams,
          response: { 200: scheduledPaymentView },
        },
      },
      async (request) =>
        getScheduledPayment(deps, await sessionOf(request), request.params.scheduledPaymentId),
    );

    app.patch(
      '/api/v1/member/scheduled-payments/:scheduledPaymentId',
      {
        schema: {
          summary: 'Change the amount, date or method of a scheduled payment (until 8 pm the evening before)',
          tags: ['scheduled payments'],
          'x-problems': [409],
          params: scheduledPaymentIdParams,
          body: updateScheduledPaymentBody,
          response: { 200: scheduledPaymentView },
        },
      },
      async (request) =>
        changeScheduledPayment(
          deps,
          await changingSessionOf(request),
          request.params.scheduledPaymentId,
          request.body,
          requestContext(request),
        ),
    );

    app.delete(
      '/api/v1/member/scheduled-payments/:scheduledPaymentId',
      {
        schema: {
          summary: 'Cancel a scheduled payment (until 8 pm the evening before); cancelling twice is fine',
          tags: ['scheduled payments'],
          'x-problems': [409],
          params: scheduledPaymentIdParams,
          response: { 200: scheduledPaymentView },
        },
      },
      async (request) =>
        cancelScheduledPayment(
          deps,
          await changingSessionOf(request),
          request.params.scheduledPaymentId,
          requestContext(request),
        ),
    );
  };
