import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../platform/metrics';

/**
 * Times every request by its route pattern (`/api/v1/guest/payments/:paymentId`, never the raw URL:
 * ids would make a series per payment) and serves the registry at GET /metrics for Prometheus.
 * Requests that match no route (pages served by the web fallback, unknown paths) share one label.
 */
export function registerMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const body = await metrics.text();
    return reply.header('cache-control', 'no-store').type(metrics.contentType).send(body);
  });
}
