import { Temporal } from 'temporal-polyfill';

/** The calendar date it is in `timeZone` at `now`; a due date is a date where the payer lives. */
export function todayIn(timeZone: string, now: Temporal.Instant): Temporal.PlainDate {
  return now.toZonedDateTimeISO(timeZone).toPlainDate();
}

export type PremiumDueRule = 'end_of_prior_month' | 'first_of_coverage_month';

/** When the premium for `coverageMonth` is due under the plan's rule. */
export function premiumDueDate(
  rule: PremiumDueRule,
  coverageMonth: Temporal.PlainYearMonth,
): Temporal.PlainDate {
  const firstOfCoverage = coverageMonth.toPlainDate({ day: 1 });
  switch (rule) {
    case 'end_of_prior_month':
      return firstOfCoverage.subtract({ days: 1 });
    case 'first_of_coverage_month':
      return firstOfCoverage;
    default: {
      const unreachable: never = rule;
      throw new RangeError(`unknown premium due rule: ${String(unreachable)}`);
    }
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Exactly 'yyyy-mm-dd' naming a real calendar day (so '2025-02-29' is not valid). */
export function isValidIsoDate(s: string): boolean {
  if (!ISO_DATE.test(s)) return false;
  try {
    Temporal.PlainDate.from(s);
    return true;
  } catch {
    return false;
  }
}

/** A calendar date as people read it in an email or a letter: "December 7, 2026", "7 de diciembre de 2026". */
export function formatLongDate(date: string | Temporal.PlainDate, locale: 'en' | 'es'): string {
  return Temporal.PlainDate.from(date).toLocaleString(locale === 'es' ? 'es-US' : 'en-US', {
    dateStyle: 'long',
  });
}
