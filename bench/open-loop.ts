/**
 * The open-loop load generator's scheduler (`npm run bench -- --rate N`), apart from any I/O so that it
 * can be tested with a fake clock.
 *
 * Request i is planned at t0 + i / rate and started as soon as the scheduler sees that time has come,
 * whether or not earlier requests were answered: a slow answer holds up nothing after it. Its latency
 * counts from its PLANNED start, not from when it was sent, so a request that waited for the scheduler
 * (an event loop busy elsewhere) or for a free connection carries that wait in its latency. This is what
 * a closed loop, or autocannon's `overallRate` (each connection sends its second's quota at once), hides
 * ("coordinated omission"): there, a slow server slows the senders, and the requests that would have
 * waited are never sent.
 */

/** Milliseconds on a monotonic clock, and a way to wait on it. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** What one request came to: an HTTP status, or an error before any status (refused, reset, timed out). */
export type Outcome = { status: number } | { error: string };

/** The time request `i` is planned to start: requests are evenly spaced at `rate` per second. */
export function plannedStart(t0: number, i: number, rate: number): number {
  return t0 + (i * 1000) / rate;
}

export interface OpenLoopOptions {
  /** Requests per second offered. */
  rate: number;
  /** Planned requests in the first `warmupMs` are sent but not counted. */
  warmupMs: number;
  /** The measured period, after the warm-up. */
  durationMs: number;
  /** Starts request `i` (0-based, warm-up included); must not wait for anything before starting it. */
  send: (i: number) => Promise<Outcome>;
  /** The status that counts as a success (201 for a payment, 200 for a dashboard). */
  okStatus: number;
  clock?: Clock;
  /**
   * How long to wait for the answers still outstanding when the last request has been sent; a request
   * not answered by then counts as an error with its latency up to that moment.
   */
  drainMs?: number;
  /** Called when the measured period begins and ends (to sample the machine's CPU, for example). */
  onMeasureStart?: () => void;
  onMeasureEnd?: () => void;
  /** Measured requests slower than this (ms) are listed in `slow`, for finding when stalls happened. */
  slowMs?: number;
}

export interface LatencyHistogram {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface OpenLoopResult {
  /** Requests planned in the measured period (rate × duration). */
  planned: number;
  /** Of those, answered with `okStatus`. */
  ok: number;
  /** Answered with another status, by status. */
  statusCounts: Record<string, number>;
  /** Of those planned, not answered: connection errors and requests still unanswered after the drain. */
  errors: number;
  /** Successes per second over the measured period, or until the last measured answer if later. */
  achievedRate: number;
  /** Latency from planned start to answer of the measured successes, in ms. */
  latency: LatencyHistogram;
  /** Latency of every measured request that had an answer or an error, successes or not. */
  latencyAll: LatencyHistogram;
  /** The most any request started after its planned time: the scheduler's own lag, in ms. */
  maxSendLagMs: number;
  /**
   * Answers (of any request, warm-up included, any outcome) that arrived during the measured period:
   * what the server did in it, for dividing its CPU by when it fell behind the offered rate.
   */
  answeredInPeriod: number;
  /** Measured requests slower than `slowMs`: planned start (clock ms) and latency, at most 5,000. */
  slow: { plannedAt: number; latency: number }[];
}

/** Nearest-rank percentiles of a list of latencies (it is bounded: rate × duration entries). */
export function summarize(values: readonly number[]): LatencyHistogram {
  if (values.length === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  return {
    count: sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    p999: at(0.999),
    max: sorted[sorted.length - 1] ?? 0,
  };
}

/** Runs the open loop: sends `rate × (warm-up + duration)` requests on schedule and measures them. */
export async function runOpenLoop(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const clock = opts.clock ?? realClock;
  const { rate } = opts;
  if (!(rate > 0)) throw new Error('rate must be > 0');
  const warmupCount = Math.ceil((opts.warmupMs * rate) / 1000);
  const total = warmupCount + Math.ceil((opts.durationMs * rate) / 1000);
  const t0 = clock.now();
  const measureStart = plannedStart(t0, warmupCount, rate);
  const okLatencies: number[] = [];
  const allLatencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  let lastAnswer = measureStart;
  let maxSendLagMs = 0;
  const outstanding = new Set<number>();
  let periodOpen = false;
  let answeredInPeriod = 0;
  let drained: (() => void) | null = null;
  const slow: { plannedAt: number; latency: number }[] = [];
  const noteSlow = (plannedAt: number, latency: number) => {
    if (opts.slowMs !== undefined && latency > opts.slowMs && slow.length < 5_000)
      slow.push({ plannedAt, latency });
  };

  const fire = (i: number) => {
    const planned = plannedStart(t0, i, rate);
    const measured = i >= warmupCount;
    maxSendLagMs = Math.max(maxSendLagMs, clock.now() - planned);
    outstanding.add(i);
    const settle = (outcome: Outcome) => {
      if (!outstanding.delete(i)) return; // already counted as unanswered after the drain
      const end = clock.now();
      if (periodOpen) answeredInPeriod++;
      if (measured) {
        const latency = end - planned;
        lastAnswer = Math.max(lastAnswer, end);
        allLatencies.push(latency);
        noteSlow(planned, latency);
        if ('status' in outcome && outcome.status === opts.okStatus) okLatencies.push(latency);
        else if ('status' in outcome)
          statusCounts[String(outcome.status)] = (statusCounts[String(outcome.status)] ?? 0) + 1;
        else errors++;
      }
      if (outstanding.size === 0) drained?.();
    };
    let p: Promise<Outcome>;
    try {
      p = opts.send(i);
    } catch (err) {
      p = Promise.resolve({ error: String(err) });
    }
    p.then(settle, (err: unknown) => settle({ error: String(err) }));
  };

  let i = 0;
  let measuring = false;
  while (i < total) {
    const now = clock.now();
    // Every request whose time has come goes now, however many that is after a stall.
    while (i < total && plannedStart(t0, i, rate) <= now) {
      if (i === warmupCount && !measuring) {
        measuring = true;
        periodOpen = true;
        opts.onMeasureStart?.();
      }
      fire(i++);
    }
    if (i < total) await clock.sleep(Math.max(0, plannedStart(t0, i, rate) - clock.now()));
  }
  if (!measuring) {
    periodOpen = true;
    opts.onMeasureStart?.();
  }
  // The measured period ends at the planned time of the request after the last one.
  const measureEnd = plannedStart(t0, total, rate);
  if (clock.now() < measureEnd) await clock.sleep(measureEnd - clock.now());
  periodOpen = false;
  opts.onMeasureEnd?.();

  if (outstanding.size > 0) {
    const drainMs = opts.drainMs ?? 30_000;
    await Promise.race([
      new Promise<void>((resolve) => {
        drained = resolve;
      }),
      clock.sleep(drainMs),
    ]);
    // Whatever is still unanswered is an error, and its latency so far is counted, not dropped.
    const end = clock.now();
    for (const j of outstanding) {
      if (j >= warmupCount) {
        errors++;
        allLatencies.push(end - plannedStart(t0, j, rate));
        noteSlow(plannedStart(t0, j, rate), end - plannedStart(t0, j, rate));
        lastAnswer = Math.max(lastAnswer, end);
      }
    }
    outstanding.clear();
  }

  const measuredMs = Math.max(measureEnd - measureStart, lastAnswer - measureStart, 1e-9);
  return {
    planned: total - warmupCount,
    ok: okLatencies.length,
    statusCounts,
    errors,
    achievedRate: (okLatencies.length * 1000) / measuredMs,
    latency: summarize(okLatencies),
    latencyAll: summarize(allLatencies),
    maxSendLagMs,
    answeredInPeriod,
    slow,
  };
}

/**
 * `--rate` values: `200` (every open-loop scenario at 200/s), `200,400` (each at both), or per scenario
 * `payments=200,dashboard=400`. Returns the (scenario, rate) pairs in the order given.
 */
export function parseRates<S extends string>(
  spec: string,
  scenarios: readonly S[],
): { scenario: S; rate: number }[] {
  const out: { scenario: S; rate: number }[] = [];
  for (const part of spec.split(',').map((p) => p.trim())) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq >= 0 ? part.slice(0, eq).trim() : null;
    const rate = Number(eq >= 0 ? part.slice(eq + 1) : part);
    if (!Number.isFinite(rate) || rate <= 0) throw new Error(`--rate: "${part}" is not a rate > 0`);
    if (name === null) for (const scenario of scenarios) out.push({ scenario, rate });
    else {
      const scenario = scenarios.find((s) => s === name);
      if (!scenario) throw new Error(`--rate: unknown scenario "${name}" (one of ${scenarios.join(', ')})`);
      out.push({ scenario, rate });
    }
  }
  if (out.length === 0) throw new Error('--rate: no rate given');
  return out;
}
