import type { Logger } from './logger';
import type { Metrics } from './metrics';

/** One named piece of background work; jobs are data, run in the order of their list. */
export interface WorkerJob<C> {
  readonly name: string;
  /**
   * Jobs that must have finished without throwing earlier in the same pass. When one failed (or was
   * itself skipped), this job waits for the next pass rather than act on state it left stale:
   * charging after a bank return that was not yet turned into a blocked method, for instance.
   */
  readonly after?: readonly string[];
  /** Runs at most this often (ms); the pass skips it quietly in between. */
  readonly everyMs?: number;
  run(ctx: C): Promise<unknown>;
}

export interface JobRunner<C> {
  /** Runs one pass of every job in order; resolves when the pass is over (never rejects). */
  runPass(ctx: C): Promise<PassResult>;
  /** Ends the pass in progress after its current job (a drain); no further pass starts. */
  stop(): void;
}

export interface PassResult {
  ok: string[];
  failed: string[];
  /** Jobs skipped because a job they depend on failed or was skipped this pass. */
  skipped: string[];
}

/** Checks the list once: names unique, every dependency an earlier job of the list. */
export function checkJobOrder<C>(jobs: readonly WorkerJob<C>[]): void {
  const seen = new Set<string>();
  for (const job of jobs) {
    if (seen.has(job.name)) throw new Error(`worker job ${job.name} is listed twice`);
    for (const dep of job.after ?? []) {
      if (!seen.has(dep))
        throw new Error(`worker job ${job.name} runs after ${dep}, which is not listed before it`);
    }
    seen.add(job.name);
  }
}

/**
 * Runs a list of jobs pass after pass. A job that throws is logged and counted (`settle_worker_job_
 * failures_total`) and tried again on the next pass; the jobs after it still run unless they depend
 * on it. Jobs run one at a time, in list order: the order is the safety order.
 */
export function jobRunner<C>(
  jobs: readonly WorkerJob<C>[],
  env: { logger: Logger; metrics?: Metrics | undefined; now?: () => number },
): JobRunner<C> {
  checkJobOrder(jobs);
  const now = env.now ?? Date.now;
  const lastRun = new Map<string, number>();
  let stopping = false;

  return {
    stop() {
      stopping = true;
    },
    async runPass(ctx) {
      const result: PassResult = { ok: [], failed: [], skipped: [] };
      const notDone = new Set<string>();
      env.metrics?.workerPasses.inc();
      for (const job of jobs) {
        if (stopping) break;
        const last = lastRun.get(job.name);
        if (job.everyMs && last !== undefined && now() - last < job.everyMs) continue;
        const waitingOn = (job.after ?? []).filter((dep) => notDone.has(dep));
        if (waitingOn.length > 0) {
          notDone.add(job.name);
          result.skipped.push(job.name);
          env.metrics?.workerJobRuns.inc({ job: job.name, result: 'skipped' });
          env.logger.warn({ job: job.name, waitingOn }, 'worker job waits for the next pass');
          continue;
        }
        const started = performance.now();
        try {
          await job.run(ctx);
          lastRun.set(job.name, now());
          result.ok.push(job.name);
          env.metrics?.workerJobRuns.inc({ job: job.name, result: 'ok' });
          env.metrics?.jobSucceeded(job.name);
        } catch (err) {
          notDone.add(job.name);
          result.failed.push(job.name);
          env.metrics?.workerJobRuns.inc({ job: job.name, result: 'failed' });
          env.metrics?.workerJobFailures.inc({ job: job.name });
          env.logger.error({ err, job: job.name }, 'worker job failed; tried again next pass');
        } finally {
          env.metrics?.workerJobDuration.observe({ job: job.name }, (performance.now() - started) / 1000);
        }
      }
      return result;
    },
  };
}
