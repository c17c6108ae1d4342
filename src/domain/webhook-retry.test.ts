import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  nextRetryAt,
  parseRetryAfter,
  RETRY_DELAYS_MS,
  RETRY_JITTER,
  RETRY_WINDOW_MS,
} from './webhook-retry';

/** Every attempt of a delivery that always fails, with the jitter `random` gives. */
function attemptTimes(random: () => number): number[] {
  const times = [0];
  for (;;) {
    const next = nextRetryAt({
      attempts: times.length,
      firstAttemptAt: 0,
      now: times.at(-1) ?? 0,
      random: random(),
    });
    if (next === null) return times;
    times.push(next);
  }
}

describe('webhook retry schedule', () => {
  it('follows the Standard Webhooks schedule without jitter, and makes its last try three days after the first', () => {
    const times = attemptTimes(() => 0.5);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(gaps.slice(0, 8)).toEqual(RETRY_DELAYS_MS.slice(0, 8));
    // 5 s + 5 min + 30 min + 2 h + 5 h + 10 h + 14 h + 20 h = 51 h 35 min 5 s; the next 24 h is cut at 72 h.
    expect(times.at(-1)).toBe(RETRY_WINDOW_MS);
    expect(times).toHaveLength(10);
  });

  it('with any jitter: each delay within 10 % of the schedule, attempts in order, none after three days', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 20,
          maxLength: 20,
        }),
        (draws) => {
          let k = 0;
          const times = attemptTimes(() => draws[k++ % draws.length] ?? 0);
          expect(times.at(-1)).toBe(RETRY_WINDOW_MS);
          for (let i = 1; i < times.length; i++) {
            const gap = (times[i] ?? 0) - (times[i - 1] ?? 0);
            const base = RETRY_DELAYS_MS[Math.min(i, RETRY_DELAYS_MS.length) - 1] ?? 0;
            expect(gap).toBeGreaterThan(0);
            if ((times[i] ?? 0) < RETRY_WINDOW_MS) {
              expect(gap).toBeGreaterThanOrEqual(Math.floor(base * (1 - RETRY_JITTER)));
              expect(gap).toBeLessThanOrEqual(Math.ceil(base * (1 + RETRY_JITTER)));
            }
          }
        },
      ),
    );
  });

  it('honours a longer Retry-After up to an hour, never past the three days', () => {
    const at = (retryAfterMs: number, now = 0) =>
      nextRetryAt({ attempts: 1, firstAttemptAt: 0, now, random: 0.5, retryAfterMs });
    expect(at(60_000)).toBe(60_000);
    expect(at(1_000)).toBe(5_000);
    expect(at(24 * 3_600_000)).toBe(3_600_000);
    expect(at(3_600_000, RETRY_WINDOW_MS - 1000)).toBe(RETRY_WINDOW_MS);
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter(new Date(90_000).toUTCString(), 30_000)).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter(undefined, 0)).toBeNull();
  });
});
