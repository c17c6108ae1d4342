import { Temporal } from 'temporal-polyfill';

/**
 * When a payment scheduled for a future date may be made, changed and run. Every date is a calendar
 * date in the payer's region; every instant is computed from it in that region's time zone, so a
 * daylight-saving change never moves a payment to another day.
 */

/** The latest a payment can be scheduled, counted from today. */
export const MAX_DAYS_AHEAD = 90;
/** Scheduled payments run from this local time on their date. */
export const RUN_TIME = Temporal.PlainTime.from('05:00');
/** A scheduled payment can be changed or cancelled until this local time the evening before. */
export const CHANGE_CUTOFF = Temporal.PlainTime.from('20:00');

export interface SchedulingWindow {
  first: Temporal.PlainDate;
  last: Temporal.PlainDate;
}

/**
 * The dates a payment of these bills can be scheduled for: from tomorrow (today is a payment now)
 * to the earliest due date among them, or — when that has passed or is today — up to 90 days ahead;
 * never more than 90 days ahead.
 */
export function schedulingWindow(
  today: Temporal.PlainDate,
  earliestDue: Temporal.PlainDate,
): SchedulingWindow {
  const first = today.add({ days: 1 });
  const limit = today.add({ days: MAX_DAYS_AHEAD });
  const last =
    Temporal.PlainDate.compare(earliestDue, first) >= 0 && Temporal.PlainDate.compare(earliestDue, limit) < 0
      ? earliestDue
      : limit;
  return { first, last };
}

export function isInWindow(date: Temporal.PlainDate, window: SchedulingWindow): boolean {
  return (
    Temporal.PlainDate.compare(date, window.first) >= 0 && Temporal.PlainDate.compare(date, window.last) <= 0
  );
}

/** The instant the payment for `payOn` starts running in `timeZone`. */
export function runsAt(payOn: Temporal.PlainDate, timeZone: string): Temporal.Instant {
  return payOn.toZonedDateTime({ timeZone, plainTime: RUN_TIME }).toInstant();
}

/** Until when the payment for `payOn` can be changed or cancelled: 8 pm the evening before, local time. */
export function changeDeadline(payOn: Temporal.PlainDate, timeZone: string): Temporal.Instant {
  return payOn.subtract({ days: 1 }).toZonedDateTime({ timeZone, plainTime: CHANGE_CUTOFF }).toInstant();
}

export function canChange(payOn: Temporal.PlainDate, timeZone: string, now: Temporal.Instant): boolean {
  return Temporal.Instant.compare(now, changeDeadline(payOn, timeZone)) < 0;
}

/** The latest `payOn` whose payments are due to run at `now` in `timeZone`. */
export function lastDueDate(timeZone: string, now: Temporal.Instant): Temporal.PlainDate {
  const local = now.toZonedDateTimeISO(timeZone);
  const today = local.toPlainDate();
  return Temporal.PlainTime.compare(local.toPlainTime(), RUN_TIME) >= 0 ? today : today.subtract({ days: 1 });
}
