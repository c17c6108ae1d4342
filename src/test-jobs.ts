import type { Deps } from './deps';
import type { WorkerJob } from './platform/job-runner';

/**
 * Jobs that exist only with NODE_ENV=test, for tests that drive a real worker process: with
 * SETTLE_TEST_SLOW_JOB_MS set, every pass starts with a job that takes that long, logging when it
 * starts and ends, to prove that a shutdown lets the job in hand finish before the process exits.
 */
export function withTestJobs(
  jobs: readonly WorkerJob<Deps>[],
  env: NodeJS.ProcessEnv,
): readonly WorkerJob<Deps>[] {
  const ms = Number(env.SETTLE_TEST_SLOW_JOB_MS);
  if (env.NODE_ENV !== 'test' || !Number.isInteger(ms) || ms <= 0) return jobs;
  let pass = 0;
  const slow: WorkerJob<Deps> = {
    name: 'test-slow-job',
    run: async (deps) => {
      const n = ++pass;
      deps.logger.info({ pass: n }, 'test-slow-job: started');
      await new Promise((resolve) => setTimeout(resolve, ms));
      deps.logger.info({ pass: n }, 'test-slow-job: finished');
    },
  };
  return [slow, ...jobs];
}
