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

export function toDate(instant: Temporal.Instant): Date {
  return new Date(instant.epochMilliseconds);
}
