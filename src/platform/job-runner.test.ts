import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { workerJobs } from '../worker';
import { checkJobOrder, jobRunner, type WorkerJob } from './job-runner';
import { createLogger } from './logger';
import { Metrics } from './metrics';

function quietEnv() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', sink), metrics: new Metrics(), lines };
}

/** Jobs that record their runs in `ran`; `failing` decides, per call, which of them throw. */
function recordingJobs(failing: Set<string>) {
  const ran: string[] = [];
  const job = (name: string, after?: string[]): WorkerJob<void> => ({
    name,
    ...(after ? { after } : {}),
    async run() {
      ran.push(name);
      if (failing.has(name)) throw new Error(`${name} broke`);
    },
  });
  const jobs = [
    job('reconcile'),
    job('settle-returns'),
    job('block-methods', ['settle-returns']),
    job('charge', ['settle-returns', 'block-methods']),
    job('deliver-emails'),
  ];
  return { jobs, ran };
}

async function seriesValue(metrics: Metrics, name: string, labels: Record<string, string>) {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}

describe('worker job runner', () => {
  it('runs the jobs that do not depend on a failing one, logs and counts the failure', async () => {
    const failing = new Set(['reconcile']);
    const { jobs, ran } = recordingJobs(failing);
    const env = quietEnv();
    const runner = jobRunner(jobs, env);

    const pass = await runner.runPass();
    expect(pass).toEqual({
      ok: ['settle-returns', 'block-methods', 'charge', 'deliver-emails'],
      failed: ['reconcile'],
      skipped: [],
    });
    expect(ran).toEqual(['reconcile', 'settle-returns', 'block-methods', 'charge', 'deliver-emails']);
    expect(env.lines.join('')).toContain('"job":"reconcile"');
    expect(env.lines.join('')).toContain('reconcile broke');
    expect(await seriesValue(env.metrics, 'settle_worker_job_failures_total', { job: 'reconcile' })).toBe(1);

    // Tried again on the next pass; it recovers.
    failing.clear();
    ran.length = 0;
    expect((await runner.runPass()).ok).toContain('reconcile');
    expect(ran[0]).toBe('reconcile');
    expect(await seriesValue(env.metrics, 'settle_worker_passes_total', {})).toBe(2);
  });

  it('makes a job that depends on a failing one wait for the next pass, and runs it once that succeeds', async () => {
    const failing = new Set(['block-methods']);
    const { jobs, ran } = recordingJobs(failing);
    const env = quietEnv();
    const runner = jobRunner(jobs, env);

    const first = await runner.runPass();
    expect(first).toEqual({
      ok: ['reconcile', 'settle-returns', 'deliver-emails'],
      failed: ['block-methods'],
      skipped: ['charge'],
    });
    expect(ran).not.toContain('charge');
    expect(
      await seriesValue(env.metrics, 'settle_worker_job_runs_total', { job: 'charge', result: 'skipped' }),
    ).toBe(1);

    // Still failing: still no charge.
    ran.length = 0;
    expect((await runner.runPass()).skipped).toEqual(['charge']);
    expect(ran).not.toContain('charge');

    failing.clear();
    ran.length = 0;
    const third = await runner.runPass();
    expect(third.skipped).toEqual([]);
    expect(ran).toEqual(['reconcile', 'settle-returns', 'block-methods', 'charge', 'deliver-emails']);
    // Order held: blocking ran before charging.
    expect(ran.indexOf('block-methods')).toBeLessThan(ran.indexOf('charge'));
  });

  it('skips what depends on a skipped job too (transitively)', async () => {
    const failing = new Set(['settle-returns']);
    const { jobs } = recordingJobs(failing);
    const pass = await jobRunner(jobs, quietEnv()).runPass();
    expect(pass.failed).toEqual(['settle-returns']);
    expect(pass.skipped).toEqual(['block-methods', 'charge']);
    expect(pass.ok).toEqual(['reconcile', 'deliver-emails']);
  });

  it('runs a job with everyMs at most that often, and again on the next pass after it failed', async () => {
    let clock = 0;
    let calls = 0;
    let fail = true;
    const runner = jobRunner<void>(
      [
        {
          name: 'housekeeping',
          everyMs: 600_000,
          async run() {
            calls++;
            if (fail) throw new Error('database busy');
          },
        },
      ],
      { ...quietEnv(), now: () => clock },
    );
    await runner.runPass();
    fail = false;
    await runner.runPass();
    expect(calls).toBe(2);
    clock += 1_000;
    await runner.runPass();
    expect(calls).toBe(2);
    clock += 600_000;
    await runner.runPass();
    expect(calls).toBe(3);
  });

  it('drains: stop() ends the pass after the job in progress', async () => {
    const ran: string[] = [];
    let release: () => void = () => undefined;
    const jobs: WorkerJob<void>[] = [
      {
        name: 'claim',
        run: () =>
          new Promise<void>((resolve) => {
            ran.push('claim started');
            release = () => {
              ran.push('claim finished');
              resolve();
            };
          }),
      },
      { name: 'next', run: async () => void ran.push('next') },
    ];
    const runner = jobRunner(jobs, quietEnv());
    const pass = runner.runPass();
    await Promise.resolve();
    runner.stop();
    release();
    expect((await pass).ok).toEqual(['claim']);
    expect(ran).toEqual(['claim started', 'claim finished']);
  });

  it('refuses a list whose dependency is not listed before its dependent', () => {
    const noop = async () => undefined;
    expect(() =>
      checkJobOrder<void>([
        { name: 'charge', after: ['block'], run: noop },
        { name: 'block', run: noop },
      ]),
    ).toThrow(/charge runs after block, which is not listed before it/);
  });
});

describe('the worker’s job list', () => {
  it('blocks methods and pauses autopay before anything charges, and charging depends on both', () => {
    checkJobOrder(workerJobs);
    const names = workerJobs.map((j) => j.name);
    const charging = ['present-returned-bank-debits', 'run-due-scheduled-payments', 'run-due-autopay'];
    for (const name of charging) {
      expect(names.indexOf('pause-autopay-on-blocked-methods')).toBeLessThan(names.indexOf(name));
      expect(workerJobs.find((j) => j.name === name)?.after).toEqual(
        expect.arrayContaining([
          'settle-bank-payments',
          'block-returned-bank-methods',
          'pause-autopay-on-blocked-methods',
        ]),
      );
    }
    for (const independent of [
      'reconcile-payments',
      'reconcile-refunds',
      'deliver-emails',
      'deliver-texts',
      'housekeeping',
    ]) {
      expect(workerJobs.find((j) => j.name === independent)?.after ?? []).toEqual([]);
    }
  });
});
