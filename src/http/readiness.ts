import type { FastifyPluginAsync } from 'fastify';
import { listMigrationNames } from '../db/migrate';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { checkReadiness } from '../platform/db-health';
import { sendProblem } from './problem';

/**
 * GET /readyz for load balancers and orchestrators: 200 only when the database answers and every
 * migration this build ships is applied, else 503 problem+json saying which. /healthz stays a
 * liveness check (the process answers), so a database outage takes processes out of rotation
 * without getting them restarted.
 */
export const readinessRoutes =
  (deps: Deps, expected: readonly string[] = listMigrationNames()): FastifyPluginAsync =>
  async (app) => {
    app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
      const readiness = await checkReadiness(deps.db, {
        expected,
        timeoutMs: deps.config.databaseTimeouts.connectMs,
      });
      reply.header('cache-control', 'no-store');
      if (readiness.ready) return { ok: true };
      if (readiness.reason === 'database_unavailable') {
        const { cause, ...details } = readiness;
        request.log.warn({ cause }, 'not ready: the database is not available');
        return sendProblem(reply, new AppError('not_ready', details), request);
      }
      return sendProblem(reply, new AppError('not_ready', readiness), request);
    });
  };
