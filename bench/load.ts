/**
 * The load generator, run as a child process of bench/run.ts so autocannon and the server each have an
 * event loop (and, on two cores, roughly a core) of their own. Receives one LoadJob per message and
 * answers with a LoadResult (an OpenLoadResult for an open-loop job, bench/open-load.ts).
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { runOpenJob } from './open-load';
import { type LoadJob, type LoadResult, type OpenLoadJob, payerIp, percentiles } from './protocol';

async function runJob(job: LoadJob): Promise<LoadResult> {
  const latencies: number[] = [];
  let used = 0;
  let exhausted = false;
  const okStatus = job.kind === 'payments' ? 201 : 200;

  let request: autocannon.Request;
  if (job.kind === 'payments') {
    const payments = job.payments;
    request = {
      method: 'POST',
      path: '/api/v1/guest/payments',
      setupRequest: (req) => {
        const p = payments[used];
        if (!p) {
          // Out of pre-built payers: stop rather than pay a bill twice; the result says so.
          exhausted = true;
          instance.stop();
          return { ...req, method: 'GET', path: '/healthz', body: '' };
        }
        used++;
        return {
          ...req,
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${p.sessionToken}`,
            'idempotency-key': randomUUID(),
            'x-forwarded-for': p.ip,
          },
          body: JSON.stringify({
            billIds: [p.billId],
            amountCents: p.amountCents,
            paymentToken: p.paymentToken,
          }),
        };
      },
    };
  } else if (job.kind === 'dashboard') {
    const cookies = job.cookies;
    let n = 0;
    request = {
      method: 'GET',
      path: '/api/v1/member/dashboard',
      setupRequest: (req) => {
        const i = n++;
        return {
          ...req,
          headers: { cookie: cookies[i % cookies.length] ?? '', 'x-forwarded-for': payerIp(i) },
        };
      },
    };
  } else {
    // The app's coarse per-IP flood guard (600/min) would answer 429 to one client at this rate: spread
    // the requests over client addresses, as many real visitors behind a load balancer would be.
    let n = 0;
    request = {
      method: 'GET',
      path: '/healthz',
      setupRequest: (req) => ({ ...req, headers: { 'x-forwarded-for': payerIp(n++) } }),
    };
  }

  const instance = autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationSeconds,
    timeout: 30,
    requests: [request],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    if (status === okStatus) latencies.push(responseTime);
  });
  const cpu0 = process.cpuUsage();
  const result = await instance;
  const cpu = process.cpuUsage(cpu0);
  const statusCounts: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) statusCounts[status] = count;
  return {
    durationSeconds: result.duration,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    latency: percentiles(latencies),
    exhausted,
    used,
  };
}

process.on('message', (job: LoadJob | OpenLoadJob) => {
  (job.kind === 'open' ? runOpenJob(job) : runJob(job)).then(
    (result) => process.send?.({ ok: true, result }),
    (err: unknown) => process.send?.({ ok: false, error: String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
