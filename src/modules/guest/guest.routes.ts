import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { bearerToken, requestContext } from '../../http/context';
import { guestBillsView, guestLookupBody, guestSessionView } from './guest.schema';
import { authenticateGuest, endGuestSession, getGuestBills, lookupGuestBills } from './guest.service';

export const guestRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/v1/guest/lookups',
      {
        schema: {
          summary: 'Find a bill with the numbers printed on it and open a short guest session',
          description:
            'Medical bills: account number + ZIP code. Premium coupons: account number + invoice number + last ' +
            'name. Every mismatch gets the same 404; rate-limited per IP and per account number.',
          tags: ['guest'],
          'x-problems': [404],
          security: [],
          body: guestLookupBody,
          response: { 201: guestSessionView },
        },
      },
      async (request, reply) => {
        const result = await lookupGuestBills(deps, request.body, requestContext(request));
        return reply.status(201).send(result);
      },
    );

    app.get(
      '/api/v1/guest/bills',
      {
        schema: {
          summary: 'The bills this guest session may see, with current balances',
          tags: ['guest'],
          response: { 200: guestBillsView },
        },
      },
      async (request) => getGuestBills(deps, await authenticateGuest(deps, bearerToken(request))),
    );

    app.delete(
      '/api/v1/guest/session',
      {
        schema: {
          summary: 'End the guest session',
          tags: ['guest'],
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await endGuestSession(deps, await authenticateGuest(deps, bearerToken(request)));
        return reply.status(204).send(null);
      },
    );
  };
