import { Temporal } from 'temporal-polyfill';

const ROUTING = /^\d{9}$/;
const ACCOUNT = /^\d{4,17}$/;

// Federal Reserve routing symbols: 00 (government), 01-12 (banks), 21-32 (thrifts),
// 61-72 (electronic), 80 (traveler's cheques). Anything else is not a real routing number.
function hasValidPrefix(prefix: number): boolean {
  return (
    (prefix >= 0 && prefix <= 12) ||
    (prefix >= 21 && prefix <= 32) ||
    (prefix >= 61 && prefix <= 72) ||
    prefix === 80
  );
}

/** ABA routing number: nine digits, a known Federal Reserve prefix and the 3-7-1 checksum. */
export function isValidRoutingNumber(aba: string): boolean {
  if (!ROUTING.test(aba)) return false;
  if (!hasValidPrefix(Number(aba.slice(0, 2)))) return false;
  const weights = [3, 7, 1];
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += (aba.charCodeAt(i) - 48) * (weights[i % 3] ?? 0);
  return sum % 10 === 0;
}

/** US bank account numbers have no checksum; all we can check is 4 to 17 digits. */
export function isValidBankAccountNumber(n: string): boolean {
  return ACCOUNT.test(n);
}

/** The last four characters people are shown, ignoring spaces and dashes in the input. */
export function lastFour(s: string): string {
  return s.replace(/[\s-]/g, '').slice(-4);
}

/**
 * ACH return codes after which a bank account is not debited again until the member authorizes it
 * again: closed (R02), no account (R03), and unauthorized (R05, R07 revoked, R10).
 */
export const BLOCKING_RETURN_CODES: readonly string[] = ['R02', 'R03', 'R05', 'R07', 'R10'];

/**
 * When to ask the processor again about a bank debit that has not settled yet: a quarter of its age
 * from now, at least a minute and at most an hour. A new debit is asked about each minute (a sandbox
 * debit settles after one), one that takes the usual days about hourly.
 */
export function nextSettlementCheck(createdAt: Temporal.Instant, now: Temporal.Instant): Temporal.Instant {
  const ageMs = Math.max(0, now.epochMilliseconds - createdAt.epochMilliseconds);
  const waitMs = Math.min(Math.max(ageMs / 4, SETTLEMENT_CHECK_MIN_MS), SETTLEMENT_CHECK_MAX_MS);
  return now.add({ milliseconds: Math.round(waitMs) });
}
export const SETTLEMENT_CHECK_MIN_MS = 60_000;
export const SETTLEMENT_CHECK_MAX_MS = 3_600_000;

/** R01: not enough money in the account. The one return a debit may be presented again after. */
export const INSUFFICIENT_FUNDS = 'R01';

/** A debit returned R01 may be presented again at most twice (NACHA reinitiation)… */
export const MAX_REPRESENTMENTS = 2;
/** …within 180 days of its first presentment… */
export const REPRESENT_WITHIN_DAYS = 180;
/** …and we wait this many days after the return, so the money has a chance to arrive. */
export const REPRESENT_AFTER_DAYS = 3;

/**
 * The day a debit returned for insufficient funds is presented again: three days after the return,
 * moved to the Monday when that falls on a weekend (banks do not settle then). Null when it may not
 * be: it was already presented three times, or that day is past 180 days from the first presentment.
 * `presentment` is the returned debit's (1 for the first).
 */
export function representmentDate(input: {
  returnedOn: Temporal.PlainDate;
  firstPresentedOn: Temporal.PlainDate;
  presentment: number;
}): Temporal.PlainDate | null {
  if (input.presentment > MAX_REPRESENTMENTS) return null;
  let day = input.returnedOn.add({ days: REPRESENT_AFTER_DAYS });
  if (day.dayOfWeek > 5) day = day.add({ days: 8 - day.dayOfWeek });
  const last = input.firstPresentedOn.add({ days: REPRESENT_WITHIN_DAYS });
  return Temporal.PlainDate.compare(day, last) > 0 ? null : day;
}
