/**
 * When a failed webhook delivery is tried again. The delays are the Standard Webhooks example schedule
 * (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, then 24 h), each stretched or shrunk by up to 10 %
 * at random so that many deliveries failing together do not come back together. Deliveries are tried
 * for three days from their first attempt: the last try is made at that point, and a delivery still
 * failing then has failed.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  14 * 3_600_000,
  20 * 3_600_000,
  24 * 3_600_000,
];

/** How long a delivery is tried, from its first attempt; also how long an endpoint may fail before it is disabled. */
export const RETRY_WINDOW_MS = 3 * 24 * 3_600_000;

/** The share of each delay jitter may add or take away. */
export const RETRY_JITTER = 0.1;

/** The longest a receiver's Retry-After is honoured. */
const MAX_RETRY_AFTER_MS = 3_600_000;

export interface RetryInput {
  /** Attempts made so far, counting the one that just failed (1 after the first). */
  attempts: number;
  /** When the first attempt was made (ms since the epoch). */
  firstAttemptAt: number;
  /** When the attempt that just failed was made. */
  now: number;
  /** A number in [0, 1): where in the jitter band the delay falls. */
  random: number;
  /** The receiver's Retry-After, in ms, when it sent one. */
  retryAfterMs?: number | null;
}

/** When to try again (ms since the epoch), or null when the delivery has failed for good. */
export function nextRetryAt(input: RetryInput): number | null {
  const deadline = input.firstAttemptAt + RETRY_WINDOW_MS;
  if (input.now >= deadline) return null;
  const base = RETRY_DELAYS_MS[Math.min(input.attempts, RETRY_DELAYS_MS.length) - 1] ?? 0;
  const jittered = base * (1 - RETRY_JITTER + 2 * RETRY_JITTER * input.random);
  const asked = Math.min(input.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS);
  return Math.min(input.now + Math.round(Math.max(jittered, asked)), deadline);
}

/** Seconds of a Retry-After header (delta-seconds or an HTTP date), in ms; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (!value) return null;
  if (/^\d{1,9}$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
