import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Routes that exist only with NODE_ENV=test, for tests that drive a real server process: a request
 * that takes as long as asked, to prove a shutdown lets requests in flight finish.
 */
export const testOnlyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/dev/slow',
    { schema: { hide: true, querystring: z.object({ ms: z.coerce.number().int().min(0).max(10_000) }) } },
    async (request) => {
      await new Promise((resolve) => setTimeout(resolve, request.query.ms));
      return { slept: request.query.ms };
    },
  );
};
