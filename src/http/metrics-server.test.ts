import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { jobRunner } from '../platform/job-runner';
import { createLogger } from '../platform/logger';
import { Metrics } from '../platform/metrics';
import { serveMetrics } from './metrics-server';

describe('the worker’s metrics server', () => {
  it('serves the registry at /metrics and nothing else', async () => {
    const metrics = new Metrics();
    const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
    await jobRunner<void>(
      [
        {
          name: 'deliver-emails',
          run: async () => {
            throw new Error('smtp down');
          },
        },
      ],
      { logger, metrics },
    ).runPass();
    const server = await serveMetrics(metrics, { host: '127.0.0.1', port: 0 });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('settle_worker_job_failures_total{job="deliver-emails"} 1');
      expect(text).toContain('settle_worker_passes_total 1');
      expect((await fetch(`${base}/`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
