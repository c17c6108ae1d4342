import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/app';
import { createMedicalAccount, lookupMedical, pay, tokenizeCard } from '../../test/factories';
import { buildApp } from '../app';
import { startWorker } from '../worker';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t.close();
});

async function scrape(app = t.app): Promise<string> {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return res.body;
}

/** The value of one series, e.g. `settle_payments_total{outcome="succeeded",method="card"}`. */
function seriesValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  it('times requests by route pattern and status, and counts payments by outcome and method', async () => {
    const account = await createMedicalAccount(t.deps, { amounts: [5_000, 2_500] });
    const session = await lookupMedical(t.app, account);
    const paid = await pay(t.app, session.sessionToken, {
      billIds: [account.billIds[0]],
      amountCents: 5_000,
      paymentToken: await tokenizeCard(t.app),
    });
    expect(paid.statusCode).toBe(201);
    const declined = await pay(t.app, session.sessionToken, {
      billIds: [account.billIds[1]],
      amountCents: 2_500,
      paymentToken: await tokenizeCard(t.app, '4000000000000002'),
    });
    expect(declined.statusCode).toBe(402);
    const view = await t.app.inject({
      method: 'GET',
      url: `/api/v1/guest/payments/${paid.json().id}`,
      headers: { authorization: `Bearer ${session.sessionToken}` },
    });
    expect(view.statusCode).toBe(200);

    const text = await scrape();
    expect(seriesValue(text, 'settle_payments_total{outcome="succeeded",method="card"}')).toBe(1);
    expect(seriesValue(text, 'settle_payments_total{outcome="failed",method="card"}')).toBe(1);
    expect(
      seriesValue(
        text,
        'settle_http_request_duration_seconds_count{method="POST",route="/api/v1/guest/payments",status_code="201"}',
      ),
    ).toBe(1);
    expect(
      seriesValue(
        text,
        'settle_http_request_duration_seconds_count{method="GET",route="/api/v1/guest/payments/:paymentId",status_code="200"}',
      ),
    ).toBe(1);
    // The raw URL (a payment id) never becomes a label.
    expect(text).not.toContain(paid.json().id);
    expect(text).toMatch(
      /settle_http_request_duration_seconds_bucket\{le="0.1",method="POST",route="\/api\/v1\/guest\/lookups",status_code="201"\} \d+/,
    );
  });

  it('reports outbox depth and database pool use on each scrape', async () => {
    const before = seriesValue(await scrape(), 'settle_outbox_depth{channel="email"}') ?? -1;
    const account = await createMedicalAccount(t.deps, { amounts: [1_200] });
    const session = await lookupMedical(t.app, account);
    const res = await pay(t.app, session.sessionToken, {
      billIds: account.billIds,
      amountCents: 1_200,
      paymentToken: await tokenizeCard(t.app),
      email: 'depth@example.org',
    });
    expect(res.statusCode).toBe(201);
    const text = await scrape();
    expect(seriesValue(text, 'settle_outbox_depth{channel="email"}')).toBe(before + 1);
    expect(seriesValue(text, 'settle_outbox_depth{channel="sms"}')).toBeGreaterThanOrEqual(0);
    expect(seriesValue(text, 'settle_db_pool_connections{state="max"}')).toBeGreaterThanOrEqual(1);
    expect(seriesValue(text, 'settle_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
    expect(seriesValue(text, 'settle_db_pool_connections{state="waiting"}')).toBe(0);
  });

  it('counts worker passes and job runs, with each job’s lag', async () => {
    const worker = startWorker(t.deps, 3_600_000);
    await worker.tick();
    await worker.stop();
    const text = await scrape();
    expect(seriesValue(text, 'settle_worker_passes_total')).toBeGreaterThanOrEqual(1);
    expect(
      seriesValue(text, 'settle_worker_job_runs_total{job="deliver-emails",result="ok"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(seriesValue(text, 'settle_worker_job_lag_seconds{job="run-due-autopay"}')).toBeGreaterThanOrEqual(
      0,
    );
    expect(text).toContain('# TYPE settle_worker_job_failures_total counter');
  });

  it('keeps a registry per app: a second app in the same process counts apart', async () => {
    const { metrics: _shared, ...deps } = t.deps;
    const other = await buildApp(deps, { webDist: '/nonexistent' });
    try {
      await other.ready();
      const text = await scrape(other);
      expect(seriesValue(text, 'settle_payments_total{outcome="succeeded",method="card"}')).toBeUndefined();
      expect((await scrape()).length).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });
});
