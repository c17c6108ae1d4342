import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Clock, type Outcome, parseRates, plannedStart, runOpenLoop, summarize } from './open-loop';

/**
 * A clock that moves only when every pending promise has settled and it jumps to the next timer, so a
 * whole open-loop run is simulated in virtual milliseconds. `stallAt` makes the clock skip ahead when a
 * sleep ends at or after a given time, as an event loop busy elsewhere would wake the scheduler late.
 */
class FakeClock implements Clock {
  t = 0;
  private timers: { at: number; resolve: () => void; seq: number }[] = [];
  private seq = 0;
  constructor(private stall?: { at: number; forMs: number }) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return this.until(this.t + ms);
  }

  until(at: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ at, resolve, seq: this.seq++ });
    });
  }

  /** Runs the simulation until `done` settles. */
  async run<T>(done: Promise<T>): Promise<T> {
    let finished = false;
    const result = done.finally(() => {
      finished = true;
    });
    while (!finished) {
      await new Promise((r) => setImmediate(r)); // every microtask and callback settles first
      if (finished) break;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) throw new Error('simulation stuck: nothing pending');
      let at = Math.max(this.t, next.at);
      if (this.stall && this.t < this.stall.at && at >= this.stall.at) {
        at = Math.max(at, this.stall.at + this.stall.forMs);
        this.stall = undefined;
      }
      this.t = at;
      next.resolve();
    }
    return result;
  }
}

/** A server that answers one request at a time (FIFO), each after `serviceMs(i)` of work. */
function singleServer(clock: FakeClock, serviceMs: (i: number) => number, status = 201) {
  let freeAt = 0;
  const sentAt: number[] = [];
  const send = (i: number): Promise<Outcome> => {
    sentAt[i] = clock.now();
    const start = Math.max(clock.now(), freeAt);
    freeAt = start + serviceMs(i);
    return clock.until(freeAt).then(() => ({ status }));
  };
  return { send, sentAt };
}

describe('plannedStart', () => {
  it('spaces requests evenly at the rate, from t0', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (t0, rate, i) => {
          expect(plannedStart(t0, 0, rate)).toBe(t0);
          const gap = plannedStart(t0, i + 1, rate) - plannedStart(t0, i, rate);
          expect(gap).toBeCloseTo(1000 / rate, 6);
        },
      ),
    );
  });
});

describe('runOpenLoop with a fake clock', () => {
  it('sends every request at its planned time while a slow answer is outstanding', async () => {
    const clock = new FakeClock();
    // 100/s: one every 10 ms. Request 3 takes 500 ms, the others 2 ms, each on a server of its own
    // (no queueing): a slow answer must delay no other request.
    const sentAt: number[] = [];
    const send = (i: number): Promise<Outcome> => {
      sentAt[i] = clock.now();
      return clock.until(clock.now() + (i === 3 ? 500 : 2)).then(() => ({ status: 200 }));
    };
    const result = await clock.run(
      runOpenLoop({ rate: 100, warmupMs: 0, durationMs: 200, send, okStatus: 200, clock }),
    );
    expect(sentAt).toHaveLength(20);
    sentAt.forEach((t, i) => {
      expect(t).toBe(i * 10);
    });
    expect(result.planned).toBe(20);
    expect(result.ok).toBe(20);
    expect(result.latency.max).toBe(500);
    expect(result.latency.p50).toBe(2);
    expect(result.maxSendLagMs).toBe(0);
  });

  it('counts latency from the planned start, so later requests carry their queueing', async () => {
    const clock = new FakeClock();
    // One server, 2 ms per request, except request 2 takes 45 ms: requests 3..6 wait behind it.
    const server = singleServer(clock, (i) => (i === 2 ? 45 : 2));
    const result = await clock.run(
      runOpenLoop({ rate: 100, warmupMs: 0, durationMs: 100, send: server.send, okStatus: 201, clock }),
    );
    // Request 2 starts at 20 and ends at 65; request 3 (planned 30) ends at 67, 4 at 69, 5 at 71,
    // 6 at 73; request 7 (planned 70) waits until 73 and ends at 75; 8 (planned 80) is on its own again.
    server.sentAt.forEach((t, i) => {
      expect(t).toBe(i * 10);
    });
    expect(result.ok).toBe(10);
    const expected = [2, 2, 45, 37, 29, 21, 13, 5, 2, 2];
    expect(summarize(expected)).toEqual(result.latency);
    expect(result.latency.max).toBe(45);
  });

  it('charges a late scheduler to the requests it sent late', async () => {
    // The scheduler wakes 35 ms late at t = 20 (a blocked event loop): requests planned at 20, 30, 40
    // and 50 go out together at 55, and each latency counts from its own planned time.
    const clock = new FakeClock({ at: 20, forMs: 35 });
    const sentAt: number[] = [];
    const send = (i: number): Promise<Outcome> => {
      sentAt[i] = clock.now();
      return clock.until(clock.now() + 1).then(() => ({ status: 200 }));
    };
    const result = await clock.run(
      runOpenLoop({ rate: 100, warmupMs: 0, durationMs: 100, send, okStatus: 200, clock }),
    );
    expect(sentAt.slice(0, 7)).toEqual([0, 10, 55, 55, 55, 55, 60]);
    expect(result.maxSendLagMs).toBe(35);
    // 36, 26, 16, 6 for the four sent late; 1 for the rest.
    expect(result.latency.max).toBe(36);
    expect(result.latency.count).toBe(10);
    expect(summarize([1, 1, 36, 26, 16, 6, 1, 1, 1, 1])).toEqual(result.latency);
  });

  it('leaves the warm-up out and counts other statuses, errors and unanswered requests', async () => {
    const clock = new FakeClock();
    const send = (i: number): Promise<Outcome> => {
      if (i === 0) return clock.until(clock.now() + 1).then(() => ({ status: 500 })); // warm-up: not counted
      if (i === 12) return Promise.reject(new Error('ECONNRESET'));
      if (i === 13) return clock.until(clock.now() + 3).then(() => ({ status: 429 }));
      if (i === 14) return new Promise<Outcome>(() => {}); // never answered
      return clock.until(clock.now() + 4).then(() => ({ status: 200 }));
    };
    let measureStartAt = -1;
    let measureEndAt = -1;
    const result = await clock.run(
      runOpenLoop({
        rate: 100,
        warmupMs: 100,
        durationMs: 100,
        send,
        okStatus: 200,
        clock,
        drainMs: 1_000,
        onMeasureStart: () => {
          measureStartAt = clock.now();
        },
        onMeasureEnd: () => {
          measureEndAt = clock.now();
        },
      }),
    );
    expect(measureStartAt).toBe(100);
    expect(measureEndAt).toBe(200);
    expect(result.planned).toBe(10);
    expect(result.ok).toBe(7);
    expect(result.statusCounts).toEqual({ '429': 1 });
    expect(result.errors).toBe(2);
    expect(result.latency.max).toBe(4);
    // The unanswered request counts in every answer's latency: from 140 to the end of the drain at 1200.
    expect(result.latencyAll.max).toBe(1_060);
    // 7 successes over the measured period stretched to the drain's end (1100 ms).
    expect(result.achievedRate).toBeCloseTo((7 * 1000) / 1100, 6);
  });

  it('reports the achieved rate below the offered one when answers fall behind', async () => {
    const clock = new FakeClock();
    // Offered 100/s, served at 50/s (20 ms each on one server): the backlog grows and so do latencies.
    const server = singleServer(clock, () => 20, 200);
    const result = await clock.run(
      runOpenLoop({ rate: 100, warmupMs: 0, durationMs: 1_000, send: server.send, okStatus: 200, clock }),
    );
    expect(result.ok).toBe(100);
    expect(result.achievedRate).toBeCloseTo(50, 0);
    // In the measured second the server answered 50 (at 20, 40, … 1000), the rest after it.
    expect(result.answeredInPeriod).toBe(50);
    // The last request, planned at 990, is answered at 2000.
    expect(result.latency.max).toBe(1_010);
  });
});

describe('summarize', () => {
  it('gives nearest-rank percentiles that never decrease', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 500 }),
        (xs) => {
          const h = summarize(xs);
          expect(h.count).toBe(xs.length);
          expect(h.p50).toBeLessThanOrEqual(h.p90);
          expect(h.p90).toBeLessThanOrEqual(h.p99);
          expect(h.p99).toBeLessThanOrEqual(h.p999);
          expect(h.p999).toBeLessThanOrEqual(h.max);
          expect(h.max).toBe(Math.max(...xs));
          // At least half the values are at or below p50.
          expect(xs.filter((x) => x <= h.p50).length * 2).toBeGreaterThanOrEqual(xs.length);
        },
      ),
    );
  });
});

describe('parseRates', () => {
  const scenarios = ['payments', 'dashboard'] as const;
  it('applies a bare rate to every scenario and a named one to its own', () => {
    expect(parseRates('200', scenarios)).toEqual([
      { scenario: 'payments', rate: 200 },
      { scenario: 'dashboard', rate: 200 },
    ]);
    expect(parseRates('payments=200, dashboard=400', scenarios)).toEqual([
      { scenario: 'payments', rate: 200 },
      { scenario: 'dashboard', rate: 400 },
    ]);
  });
  it('refuses unknown scenarios and rates that are not positive numbers', () => {
    expect(() => parseRates('pay=200', scenarios)).toThrow(/unknown scenario/);
    expect(() => parseRates('0', scenarios)).toThrow(/rate > 0/);
    expect(() => parseRates('fast', scenarios)).toThrow(/rate > 0/);
    expect(() => parseRates('', scenarios)).toThrow(/no rate/);
  });
});
