import { Temporal } from 'temporal-polyfill';

/**
 * Automatic payments: when the member is told, when the charge is made, and when a failed charge is
 * tried again. Dates are calendar dates in the account's region.
 */

/** The member hears what will be charged, when and from what, at least this many days before. */
export const NOTICE_DAYS = 3;
/** A soft decline is tried at most this many times in all… */
export const MAX_TRIES = 3;
/** …within this many days of the first try, this many days apart. */
export const RETRY_WINDOW_DAYS = 7;
export const RETRY_EVERY_DAYS = 3;

/** Declines that retrying can help: the money or the issuer may be there another day. */
const SOFT_DECLINES = new Set(['insufficient_funds', 'processing_error', 'card_declined', 'try_again_later']);

export function isSoftDecline(code: string): boolean {
  return SOFT_DECLINES.has(code);
}

export type AmountRule = 'statement_balance' | 'fixed';

/**
 * The day a bill due on `dueDate` is charged: `daysBefore` days before it, but never sooner than
 * NOTICE_DAYS after the notice goes out (`noticeOn`), so a bill that arrives late still gets its notice.
 */
export function chargeDateFor(
  dueDate: Temporal.PlainDate,
  daysBefore: number,
  noticeOn: Temporal.PlainDate,
): Temporal.PlainDate {
  const wanted = dueDate.subtract({ days: daysBefore });
  const earliest = noticeOn.add({ days: NOTICE_DAYS });
  return Temporal.PlainDate.compare(wanted, earliest) >= 0 ? wanted : earliest;
}

/** Whether the notice for a charge wanted on `wantedOn` is due by `today`. */
export function noticeDue(wantedOn: Temporal.PlainDate, today: Temporal.PlainDate): boolean {
  return Temporal.PlainDate.compare(wantedOn.subtract({ days: NOTICE_DAYS }), today) <= 0;
}

/** The fixed-amount charge date in `month` (YYYY-MM): that day, or the month's last day if shorter. */
export function monthlyChargeDate(month: Temporal.PlainYearMonth, dayOfMonth: number): Temporal.PlainDate {
  return month.toPlainDate({ day: Math.min(dayOfMonth, month.daysInMonth) });
}

/**
 * When to try again after a decline on try number `tries` (1-based), first tried on `firstTryOn`:
 * null when the decline is hard (a closed account, a stolen or expired card) or the tries are used up.
 */
export function nextTryOn(
  firstTryOn: Temporal.PlainDate,
  tries: number,
  declineCode: string,
): Temporal.PlainDate | null {
  if (!isSoftDecline(declineCode) || tries >= MAX_TRIES) return null;
  const next = firstTryOn.add({ days: RETRY_EVERY_DAYS * tries });
  return firstTryOn.until(next).days <= RETRY_WINDOW_DAYS ? next : null;
}

/**
 * What a run may charge: what is still owed, and never more than the member was told (a bill that
 * grew after the notice is charged the noticed amount; the rest waits for the member).
 */
export function chargeAmount(noticedCents: number, owedCents: number): number {
  return Math.max(0, Math.min(noticedCents, owedCents));
}
