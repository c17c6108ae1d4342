import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { requestContext } from '../../http/context';
import { memberAuth } from '../../http/member-session';
import { requireStepUp } from '../auth/auth.service';
import {
  addPaymentMethodBody,
  methodIdParams,
  paymentMethodView,
  updatePaymentMethodBody,
  walletView,
} from './wallet.schema';
import { addPaymentMethod, listWallet, removePaymentMethod, updatePaymentMethod } from './wallet.service';

/** A member's saved cards and bank accounts: processor tokens, shown by brand or type and last 4. */
export const walletRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const { sessionOf, changingSessionOf } = memberAuth(deps);

    app.get(
      '/api/v1/member/payment-methods',
      {
        schema: {
          summary: 'Saved payment methods, the default first; cards that expire soon are flagged',
          tags: ['wallet'],
          security: [{ memberSession: [] }],
          response: { 200: walletView },
        },
      },
      async (request) => {
        const session = await sessionOf(request);
        return { methods: await listWallet(deps, session.actor, session.view.member.regionId) };
      },
    );

    app.post(
      '/api/v1/member/payment-methods',
      {
        schema: {
          summary: 'Save a card or bank account (a processor token) to the wallet',
          tags: ['wallet'],
          security: [{ memberSession: [] }],
          body: addPaymentMethodBody,
          response: { 201: paymentMethodView },
        },
      },
      async (request, reply) => {
        const session = await changingSessionOf(request);
        requireStepUp(deps, session);
        const view = await addPaymentMethod(
          deps,
          session.actor,
          session.view.member.regionId,
          request.body,
          requestContext(request),
        );
        return reply.status(201).send(view);
      },
    );

    app.patch(
      '/api/v1/member/payment-methods/:methodId',
      {
        schema: {
          summary: 'Rename a saved method, or make it the default',
          tags: ['wallet'],
          security: [{ memberSession: [] }],
          params: methodIdParams,
          body: updatePaymentMethodBody,
          response: { 200: paymentMethodView },
        },
      },
      async (request) => {
        const session = await changingSessionOf(request);
        requireStepUp(deps, session);
        return updatePaymentMethod(
          deps,
          session.actor,
          session.view.member.regionId,
          request.params.methodId,
          request.body,
          requestContext(request),
        );
      },
    );

    app.delete(
      '/api/v1/member/payment-methods/:methodId',
      {
        schema: {
          summary: 'Remove a saved method (payments made with it keep their record)',
          tags: ['wallet'],
          security: [{ memberSession: [] }],
          params: methodIdParams,
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        const session = await changingSessionOf(request);
        requireStepUp(deps, session);
        await removePaymentMethod(deps, session.actor, request.params.methodId, requestContext(request));
        return reply.status(204).send(null);
      },
    );
  };
