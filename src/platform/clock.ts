import { Temporal } from 'temporal-polyfill';

/** The only source of "now". Tests move time with a FixedClock. */
export interface Clock {
  now(): Temporal.Instant;
}

export const systemClock: Clock = {
  now: () => Temporal.Now.instant(),
};

export class FixedClock implements Clock {
  constructor(private instant: Temporal.Instant) {}
  now(): Temporal.Instant {
    return this.instant;
  }
  set(instant: Temporal.Instant | string): void {
    this.instant = typeof instant === 'string' ? Temporal.Instant.from(instant) : instant;
  }
  advance(duration: Temporal.DurationLike): void {
    this.instant = this.instant.add(duration);
  }
}

/**
 * Real time plus an offset that can be moved forward: outside production, `/dev/clock` moves it so
 * that a person or a browser test can see a scheduled or automatic payment come due without waiting.
 */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  now(): Temporal.Instant {
    return Temporal.Now.instant().add({ milliseconds: this.offsetMs });
  }
  advance(duration: Temporal.DurationLike): void {
    this.offsetMs += Temporal.Duration.from(duration).total({ unit: 'milliseconds' });
  }
  reset(): void {
    this.offsetMs = 0;
  }
  get offset(): Temporal.Duration {
    return Temporal.Duration.from({ milliseconds: this.offsetMs }).round({ largestUnit: 'hours' });
  }
}

export function toDate(instant: Temporal.Instant): Date {
  return new Date(instant.epochMilliseconds);
}
