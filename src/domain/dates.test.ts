import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { isValidIsoDate, premiumDueDate, todayIn } from './dates';

const instant = (s: string) => Temporal.Instant.from(s);

describe('todayIn', () => {
  it('uses the local date, not the UTC date, near midnight', () => {
    const now = instant('2026-03-01T07:30:00Z');
    expect(todayIn('UTC', now).toString()).toBe('2026-03-01');
    expect(todayIn('America/Los_Angeles', now).toString()).toBe('2026-02-28');
    expect(todayIn('Pacific/Honolulu', now).toString()).toBe('2026-02-28');
    expect(todayIn('America/New_York', now).toString()).toBe('2026-03-01');
  });

  it('handles leap days and the DST switch', () => {
    expect(todayIn('America/Los_Angeles', instant('2028-03-01T07:59:59Z')).toString()).toBe('2028-02-29');
    expect(todayIn('America/Los_Angeles', instant('2028-03-01T08:00:00Z')).toString()).toBe('2028-03-01');
    // 2026-03-08 is the spring-forward day: PDT (UTC-7) from 10:00Z.
    expect(todayIn('America/Los_Angeles', instant('2026-03-09T06:59:59Z')).toString()).toBe('2026-03-08');
    expect(todayIn('America/Los_Angeles', instant('2026-03-09T07:00:00Z')).toString()).toBe('2026-03-09');
  });

  it('is east of UTC ahead of the UTC date', () => {
    expect(todayIn('Pacific/Auckland', instant('2026-12-31T12:00:00Z')).toString()).toBe('2027-01-01');
  });

  it('rejects unknown time zones', () => {
    expect(() => todayIn('Mars/Olympus_Mons', instant('2026-01-01T00:00:00Z'))).toThrow(RangeError);
  });
});

describe('premiumDueDate', () => {
  const month = (s: string) => Temporal.PlainYearMonth.from(s);

  it('is the last day of the prior month', () => {
    expect(premiumDueDate('end_of_prior_month', month('2026-04')).toString()).toBe('2026-03-31');
    expect(premiumDueDate('end_of_prior_month', month('2026-03')).toString()).toBe('2026-02-28');
    expect(premiumDueDate('end_of_prior_month', month('2028-03')).toString()).toBe('2028-02-29');
    expect(premiumDueDate('end_of_prior_month', month('2000-03')).toString()).toBe('2000-02-29');
    expect(premiumDueDate('end_of_prior_month', month('2100-03')).toString()).toBe('2100-02-28');
    expect(premiumDueDate('end_of_prior_month', month('2027-01')).toString()).toBe('2026-12-31');
    expect(premiumDueDate('end_of_prior_month', month('2026-05')).toString()).toBe('2026-04-30');
  });

  it('is the first of the coverage month', () => {
    expect(premiumDueDate('first_of_coverage_month', month('2026-04')).toString()).toBe('2026-04-01');
    expect(premiumDueDate('first_of_coverage_month', month('2028-02')).toString()).toBe('2028-02-01');
  });

  it('puts end_of_prior_month exactly one day before first_of_coverage_month', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2200 }), fc.integer({ min: 1, max: 12 }), (year, m) => {
        const coverage = new Temporal.PlainYearMonth(year, m);
        const prior = premiumDueDate('end_of_prior_month', coverage);
        const first = premiumDueDate('first_of_coverage_month', coverage);
        expect(first.day).toBe(1);
        expect(first.toPlainYearMonth().equals(coverage)).toBe(true);
        expect(prior.add({ days: 1 }).equals(first)).toBe(true);
        expect(prior.day).toBe(prior.daysInMonth);
      }),
    );
  });
});

describe('isValidIsoDate', () => {
  it.each(['2026-01-31', '2028-02-29', '2000-02-29', '1999-12-31'])('accepts %s', (s) => {
    expect(isValidIsoDate(s)).toBe(true);
  });

  it.each([
    '2026-02-29',
    '2100-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-04-31',
    '2026-1-05',
    '20260105',
    '2026-01-05T00:00',
    '2026-01-05Z',
    ' 2026-01-05',
    '+002026-01-05',
    '',
    'not a date',
  ])('rejects %j', (s) => {
    expect(isValidIsoDate(s)).toBe(false);
  });

  it('accepts every real date in its ISO form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 400 }), (offset) => {
        const date = Temporal.PlainDate.from('1900-01-01').add({ days: offset });
        expect(isValidIsoDate(date.toString())).toBe(true);
      }),
    );
  });
});
