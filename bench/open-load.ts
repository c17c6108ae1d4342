/**
 * The open-loop side of the load generator (bench/load.ts): real HTTP requests on a keep-alive
 * connection pool, started by the scheduler in bench/open-loop.ts at their planned times.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { type Outcome, runOpenLoop } from './open-loop';
import { machineCpu, type OpenLoadJob, type OpenLoadResult, payerIp } from './protocol';

const REQUEST_TIMEOUT_MS = 30_000;

interface Req {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function send(agent: Agent, base: URL, req: Req): Promise<Outcome> {
  return new Promise((resolve) => {
    const r = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers:
          req.body === undefined
            ? req.headers
            : { ...req.headers, 'content-length': Buffer.byteLength(req.body) },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        // The answer counts when its whole body has arrived, as a browser would see it.
        res.on('data', () => {});
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (err) => resolve({ error: err.message }));
      },
    );
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', (err) => resolve({ error: err.message }));
    r.end(req.body);
  });
}

/** The i-th request of a job: the same requests the closed-loop scenarios send. */
function requestFor(job: OpenLoadJob, i: number): Req | null {
  if (job.target === 'payments') {
    // One payer per request, never reused: a payer pays its bill once.
    const p = job.payments[i];
    if (!p) return null;
    return {
      method: 'POST',
      path: '/api/v1/guest/payments',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${p.sessionToken}`,
        'idempotency-key': randomUUID(),
        'x-forwarded-for': p.ip,
      },
      body: JSON.stringify({ billIds: [p.billId], amountCents: p.amountCents, paymentToken: p.paymentToken }),
    };
  }
  return {
    method: 'GET',
    path: '/api/v1/member/dashboard',
    headers: { cookie: job.cookies[i % job.cookies.length] ?? '', 'x-forwarded-for': payerIp(i) },
  };
}

export async function runOpenJob(job: OpenLoadJob): Promise<OpenLoadResult> {
  const needed = Math.ceil(job.rate * job.warmupSeconds) + Math.ceil(job.rate * job.durationSeconds);
  if (job.target === 'payments' && job.payments.length < needed)
    throw new Error(`open loop at ${job.rate}/s needs ${needed} payers, got ${job.payments.length}`);
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections, maxFreeSockets: job.connections });
  const base = new URL(job.url);
  let sent = 0;
  let cpu0 = process.cpuUsage();
  let machine0 = machineCpu();
  let cpuSeconds = 0;
  let machineBusy = 0;
  let machineBusySeconds = 0;
  try {
    const result = await runOpenLoop({
      rate: job.rate,
      warmupMs: job.warmupSeconds * 1000,
      durationMs: job.durationSeconds * 1000,
      okStatus: job.target === 'payments' ? 201 : 200,
      slowMs: job.slowMs,
      drainMs: REQUEST_TIMEOUT_MS,
      send: (i) => {
        const req = requestFor(job, i);
        if (!req) return Promise.resolve({ error: 'no payer left' });
        sent++;
        return send(agent, base, req);
      },
      onMeasureStart: () => {
        process.send?.({ mark: 'start' });
        cpu0 = process.cpuUsage();
        machine0 = machineCpu();
      },
      onMeasureEnd: () => {
        const cpu = process.cpuUsage(cpu0);
        cpuSeconds = (cpu.user + cpu.system) / 1e6;
        const machine1 = machineCpu();
        machineBusy = (machine1.busy - machine0.busy) / Math.max(machine1.total - machine0.total, 1e-9);
        machineBusySeconds = machine1.busy - machine0.busy;
        process.send?.({ mark: 'end' });
      },
    });
    // Planned starts on the wall clock, so the bench can line them up with what the server did then.
    const slow = result.slow.map((r) => ({
      plannedAt: performance.timeOrigin + r.plannedAt,
      latency: r.latency,
    }));
    return { ...result, slow, cpuSeconds, machineBusy, machineBusySeconds, sent };
  } finally {
    agent.destroy();
  }
}
