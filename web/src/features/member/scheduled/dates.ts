import type { DateParts, DateProblem } from '../../../components/DateInput';
import { localeOf, todayIso } from '../../../format';

/**
 * Calendar dates for payments on a later date, as 'YYYY-MM-DD'. The server decides in the region's
 * time zone and says which dates it allows when it refuses one; the page uses the viewer's own
 * "today", which is the same day for a member in their region.
 */

const MAX_DAYS_AHEAD = 90;

export function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const date = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days));
  return date.toISOString().slice(0, 10);
}

export interface DateWindow {
  first: string;
  last: string;
  /** The last date is the earliest due date of the bills (not the 90-day limit). */
  lastIsDueDate: boolean;
}

/**
 * The dates a payment of bills with these due dates can be made on, as the server allows them: from
 * tomorrow to the earliest due date, or up to 90 days ahead when that date is today or has passed.
 */
export function schedulingWindow(dueDates: string[], today = todayIso()): DateWindow {
  const first = addDays(today, 1);
  const limit = addDays(today, MAX_DAYS_AHEAD);
  const due = [...dueDates].sort()[0];
  if (due && due >= first && due < limit) return { first, last: due, lastIsDueDate: true };
  return { first, last: limit, lastIsDueDate: false };
}

export function partsOf(iso: string): DateParts {
  const [y, m, d] = iso.split('-');
  return { day: String(Number(d)), month: String(Number(m)), year: y ?? '' };
}

/** '1 12 2026': how the date is typed into the day, month and year boxes. */
export function typedExample(iso: string): string {
  const p = partsOf(iso);
  return `${p.day} ${p.month} ${p.year}`;
}

const PARTS = ['day', 'month', 'year'] as const;

/** Checks a date typed as day, month and year (GOV.UK "Date input" messages); 'YYYY-MM-DD' or the problem. */
export function parsePayDate(parts: DateParts): { iso: string } | DateProblem {
  const value = { day: parts.day.trim(), month: parts.month.trim(), year: parts.year.trim() };
  const missing = PARTS.filter((p) => value[p] === '');
  if (missing.length === 3) return { key: 'scheduled.date.errors.required', parts: [...PARTS] };
  if (missing.length === 1 && missing[0])
    return { key: `scheduled.date.errors.missing.${missing[0]}`, parts: missing };
  if (missing.length > 1) return { key: 'scheduled.date.errors.required', parts: missing };
  const notNumbers = PARTS.filter((p) => !/^\d+$/.test(value[p]));
  if (notNumbers.length > 0) return { key: 'scheduled.date.errors.real', parts: notNumbers };
  if (value.year.length !== 4) return { key: 'scheduled.date.errors.yearDigits', parts: ['year'] };
  const day = Number(value.day);
  const month = Number(value.month);
  const year = Number(value.year);
  if (month < 1 || month > 12) return { key: 'scheduled.date.errors.real', parts: ['month'] };
  const date = new Date(Date.UTC(year, month - 1, day));
  if (day < 1 || date.getUTCDate() !== day || date.getUTCMonth() !== month - 1)
    return { key: 'scheduled.date.errors.real', parts: ['day'] };
  return { iso: `${value.year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
}

export function isDateProblem(r: { iso: string } | DateProblem): r is DateProblem {
  return 'key' in r;
}

/** 'Tuesday, December 1, 2026' / 'martes, 1 de diciembre de 2026', whatever the viewer's time zone. */
export function dayAndDate(iso: string, lang: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  if (!y || !m || !d) return iso;
  return new Intl.DateTimeFormat(localeOf(lang), { dateStyle: 'full', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

/** The evening until which a payment on `payOn` can be changed or canceled (8 pm, the day before). */
export function changeDeadlineDate(payOn: string): string {
  return addDays(payOn, -1);
}
