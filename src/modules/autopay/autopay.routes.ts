import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { requestContext } from '../../http/context';
import { memberAuth } from '../../http/member-session';
import {
  accountIdParams,
  autopayBody,
  autopayEnrollmentView,
  autopayItemIdParams,
  autopayItemList,
  autopayOverview,
} from './autopay.schema';
import {
  approveAutopayItem,
  enrollAutopay,
  getAutopay,
  listAutopayItems,
  stopAutopay,
} from './autopay.service';

/** Automatic payments: enrolling an account, the notices and charges that follow, approving one over the limit. */
export const autopayRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { sessionOf, changingSessionOf } = memberAuth(deps);

    app.get(
      '/api/v1/member/autopay',
      {
        schema: {
          summary:
            'Each account the member pays for: whether automatic payments are available there, and its enrollment',
          tags: ['autopay'],
          response: { 200: autopayOverview },
        },
      },
      async (request) => getAutopay(deps, await sessionOf(request), requestContext(request)),
    );

    app.put(
      '/api/v1/member/autopay/:accountId',
      {
        schema: {
          summary: 'Turn automatic payments on for an account, or change them (turning a paused one back on)',
          description:
            'The region must offer autopay (409 autopay_unavailable otherwise, with its explanation or link). ' +
            'A bank account needs `bankAuthorization` (recurring WEB debit), recorded with time and address. ' +
            'The member is told about every charge at least 3 days ahead; one above `maxChargeCents` waits ' +
            'for approval.',
          tags: ['autopay'],
          'x-problems': [409],
          params: accountIdParams,
          body: autopayBody,
          response: { 200: autopayEnrollmentView },
        },
      },
      async (request) =>
        enrollAutopay(
          deps,
          await changingSessionOf(request),
          request.params.accountId,
          request.body,
          requestContext(request),
        ),
    );

    app.delete(
      '/api/v1/member/autopay/:accountId',
      {
        schema: {
          summary:
            'Turn automatic payments off (revoking a bank debit authorization); noticed charges are not made',
          tags: ['autopay'],
          params: accountIdParams,
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await stopAutopay(
          deps,
          await changingSessionOf(request),
          request.params.accountId,
          requestContext(request),
        );
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/v1/member/autopay/items',
      {
        schema: {
          summary: 'Upcoming automatic payments and past runs with their outcomes',
          tags: ['autopay'],
          response: { 200: autopayItemList },
        },
      },
      async (request) => listAutopayItems(deps, await sessionOf(request)),
    );

    app.post(
      '/api/v1/member/autopay/items/:itemId/approval',
      {
        schema: {
          summary: 'Approve an automatic payment above the member’s limit',
          tags: ['autopay'],
          'x-problems': [409],
          params: autopayItemIdParams,
          response: { 200: autopayItemList },
        },
      },
      async (request) =>
        approveAutopayItem(
          deps,
          await changingSessionOf(request),
          request.params.itemId,
          requestContext(request),
        ),
    );
  };
