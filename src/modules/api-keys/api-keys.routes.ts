import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { apiKeyOf } from '../../http/api-key-auth';
import { currentApiKeyView } from './api-keys.schema';
import { describeCurrentKey } from './api-keys.service';

export const apiKeyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/api-keys/current',
    {
      config: { apiKey: { scope: null } },
      schema: {
        summary: 'The API key this call is made with: its id, name, scopes and rate limit',
        description:
          'Any valid key may call it. After a rotation, `secretExpiresAt` says when the secret used ' +
          'for this call stops working.',
        tags: ['api keys'],
        response: { 200: currentApiKeyView },
      },
    },
    async (request) => describeCurrentKey(apiKeyOf(request)),
  );
};
