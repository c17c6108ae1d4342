import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  canChange,
  changeDeadline,
  isInWindow,
  lastDueDate,
  MAX_DAYS_AHEAD,
  runsAt,
  schedulingWindow,
} from './scheduling';

const ZONES = ['America/Los_Angeles', 'America/New_York', 'America/Denver', 'Pacific/Honolulu', 'UTC'];
const date = (offset: number) => Temporal.PlainDate.from('2024-01-01').add({ days: offset });
const arbDate = fc.integer({ min: 0, max: 365 * 8 }).map(date);
const arbZone = fc.constantFrom(...ZONES);
const arbInstant = fc
  .integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2032, 0, 1) })
  .map((ms) => Temporal.Instant.fromEpochMilliseconds(ms));

describe('scheduling window', () => {
  it('always starts tomorrow and ends within 90 days, never before it starts', () => {
    fc.assert(
      fc.property(arbDate, fc.integer({ min: -400, max: 400 }), (today, dueOffset) => {
        const w = schedulingWindow(today, today.add({ days: dueOffset }));
        expect(w.first.equals(today.add({ days: 1 }))).toBe(true);
        expect(Temporal.PlainDate.compare(w.first, w.last)).toBeLessThanOrEqual(0);
        expect(Temporal.PlainDate.compare(w.last, today.add({ days: MAX_DAYS_AHEAD }))).toBeLessThanOrEqual(
          0,
        );
      }),
    );
  });

  it('ends on the due date when it is ahead, and 90 days out when it has passed', () => {
    const today = Temporal.PlainDate.from('2026-11-23');
    expect(schedulingWindow(today, Temporal.PlainDate.from('2026-11-30')).last.toString()).toBe('2026-11-30');
    expect(schedulingWindow(today, Temporal.PlainDate.from('2026-11-24')).last.toString()).toBe('2026-11-24');
    expect(schedulingWindow(today, Temporal.PlainDate.from('2026-11-23')).last.toString()).toBe('2027-02-21');
    expect(schedulingWindow(today, Temporal.PlainDate.from('2026-10-01')).last.toString()).toBe('2027-02-21');
    expect(schedulingWindow(today, Temporal.PlainDate.from('2027-06-01')).last.toString()).toBe('2027-02-21');
    const w = schedulingWindow(today, Temporal.PlainDate.from('2026-12-31'));
    expect(isInWindow(today, w)).toBe(false);
    expect(isInWindow(Temporal.PlainDate.from('2026-11-24'), w)).toBe(true);
    expect(isInWindow(Temporal.PlainDate.from('2026-12-31'), w)).toBe(true);
    expect(isInWindow(Temporal.PlainDate.from('2027-01-01'), w)).toBe(false);
  });

  it('counts leap days and month ends as calendar days', () => {
    const w = schedulingWindow(Temporal.PlainDate.from('2028-01-31'), Temporal.PlainDate.from('2028-01-01'));
    expect(w.first.toString()).toBe('2028-02-01');
    expect(w.last.toString()).toBe('2028-04-30'); // 90 days on, through 29 February
  });
});

describe('change deadline and run time', () => {
  it('closes changes at 8 pm local the evening before, before the payment runs, in every zone', () => {
    fc.assert(
      fc.property(arbDate, arbZone, (payOn, zone) => {
        const deadline = changeDeadline(payOn, zone).toZonedDateTimeISO(zone);
        expect(deadline.toPlainDate().equals(payOn.subtract({ days: 1 }))).toBe(true);
        expect(deadline.hour).toBe(20);
        expect(Temporal.Instant.compare(changeDeadline(payOn, zone), runsAt(payOn, zone))).toBe(-1);
        expect(runsAt(payOn, zone).toZonedDateTimeISO(zone).toPlainDate().equals(payOn)).toBe(true);
      }),
    );
  });

  it('keeps 8 pm local across daylight-saving changes', () => {
    // 2026-03-08: clocks go forward in the US; 2026-11-01: back.
    const spring = changeDeadline(Temporal.PlainDate.from('2026-03-09'), 'America/Los_Angeles');
    expect(spring.toString()).toBe('2026-03-09T03:00:00Z'); // 20:00 PDT (UTC-7)
    const autumn = changeDeadline(Temporal.PlainDate.from('2026-11-02'), 'America/Los_Angeles');
    expect(autumn.toString()).toBe('2026-11-02T04:00:00Z'); // 20:00 PST (UTC-8)
    const now = Temporal.Instant.from('2026-11-02T03:59:59Z');
    expect(canChange(Temporal.PlainDate.from('2026-11-02'), 'America/Los_Angeles', now)).toBe(true);
    expect(
      canChange(Temporal.PlainDate.from('2026-11-02'), 'America/Los_Angeles', now.add({ seconds: 1 })),
    ).toBe(false);
  });

  it('makes a date due exactly once its run time has come where the payer lives', () => {
    fc.assert(
      fc.property(arbInstant, arbZone, (now, zone) => {
        const due = lastDueDate(zone, now);
        expect(Temporal.Instant.compare(runsAt(due, zone), now)).toBeLessThanOrEqual(0);
        expect(Temporal.Instant.compare(runsAt(due.add({ days: 1 }), zone), now)).toBe(1);
      }),
    );
  });
});
