import http from 'node:http';
import type { Metrics } from '../platform/metrics';

/**
 * A bare HTTP server for `settle worker` (which serves no API): GET /metrics and nothing else, so a
 * worker-only process's job series can be scraped too. Resolves once it listens.
 */
export interface MetricsServer {
  readonly port: number;
  /** Stops listening and drops kept-alive scrape connections (a scrape in progress is cut short). */
  close(): Promise<void>;
}

export function serveMetrics(
  metrics: Metrics,
  options: { host: string; port: number },
): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.text().then(
      (body) =>
        res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : options.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
