import { sql } from 'kysely';
import { Temporal } from 'temporal-polyfill';
import { AppError } from '../errors';
import type { Clock } from './clock';
import type { Db } from './db';

export interface RateLimitRule {
  /** e.g. `lookup:ip:203.0.113.9` or `lookup:account:<hash>` */
  bucket: string;
  limit: number;
  windowSeconds: number;
}

/**
 * Fixed-window counters in the database, so every API process shares one count per bucket.
 * Counts every call (successful or not); throws `rate_limited` with Retry-After once over the limit.
 */
export async function hitRateLimits(db: Db, clock: Clock, rules: readonly RateLimitRule[]): Promise<void> {
  const nowMs = clock.now().epochMilliseconds;
  let retryAfter = 0;
  for (const rule of rules) {
    const windowMs = rule.windowSeconds * 1000;
    const windowStartMs = Math.floor(nowMs / windowMs) * windowMs;
    const windowStart = Temporal.Instant.fromEpochMilliseconds(windowStartMs).toString();
    const row = await db
      .insertInto('rate_limit_counters')
      .values({ bucket: rule.bucket, window_start: windowStart, hits: 1 })
      .onConflict((oc) =>
        oc.columns(['bucket', 'window_start']).doUpdateSet({ hits: sql`rate_limit_counters.hits + 1` }),
      )
      .returning('hits')
      .executeTakeFirstOrThrow();
    if (row.hits > rule.limit) {
      retryAfter = Math.max(retryAfter, Math.ceil((windowStartMs + windowMs - nowMs) / 1000));
    }
  }
  if (retryAfter > 0) {
    throw new AppError('rate_limited', {
      detail: `Too many attempts. Try again in ${Math.ceil(retryAfter / 60)} minute(s).`,
      retryAfterSeconds: retryAfter,
    });
  }
}

/** Old windows are useless; the worker deletes them. */
export async function pruneRateLimits(db: Db, clock: Clock, olderThanSeconds = 86_400): Promise<void> {
  const cutoff = new Date(clock.now().subtract({ seconds: olderThanSeconds }).epochMilliseconds);
  await db.deleteFrom('rate_limit_counters').where('window_start', '<', cutoff).execute();
}
