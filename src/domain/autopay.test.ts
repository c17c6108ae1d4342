import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  chargeAmount,
  chargeDateFor,
  isSoftDecline,
  MAX_TRIES,
  monthlyChargeDate,
  NOTICE_DAYS,
  nextTryOn,
  noticeDue,
  RETRY_WINDOW_DAYS,
} from './autopay';

const arbDate = fc
  .integer({ min: 0, max: 365 * 8 })
  .map((d) => Temporal.PlainDate.from('2024-01-01').add({ days: d }));
const CODES = [
  'insufficient_funds',
  'processing_error',
  'card_declined',
  'expired_card',
  'incorrect_cvc',
  'invalid_account',
  'stolen_card',
];

describe('autopay dates', () => {
  it('charges at least 3 days after the notice, and never later than asked unless the notice came late', () => {
    fc.assert(
      fc.property(
        arbDate,
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: -20, max: 40 }),
        (due, before, noticeOffset) => {
          const noticeOn = due.subtract({ days: before }).subtract({ days: noticeOffset });
          const charge = chargeDateFor(due, before, noticeOn);
          expect(noticeOn.until(charge).days).toBeGreaterThanOrEqual(NOTICE_DAYS);
          const wanted = due.subtract({ days: before });
          if (noticeOffset >= NOTICE_DAYS) expect(charge.equals(wanted)).toBe(true);
        },
      ),
    );
  });

  it('is due for notice from 3 days before the charge', () => {
    const charge = Temporal.PlainDate.from('2026-12-10');
    expect(noticeDue(charge, Temporal.PlainDate.from('2026-12-06'))).toBe(false);
    expect(noticeDue(charge, Temporal.PlainDate.from('2026-12-07'))).toBe(true);
  });

  it('charges a fixed amount on the day asked, or the last day of a shorter month', () => {
    expect(monthlyChargeDate(Temporal.PlainYearMonth.from('2027-02'), 31).toString()).toBe('2027-02-28');
    expect(monthlyChargeDate(Temporal.PlainYearMonth.from('2028-02'), 30).toString()).toBe('2028-02-29');
    expect(monthlyChargeDate(Temporal.PlainYearMonth.from('2026-12'), 15).toString()).toBe('2026-12-15');
  });
});

describe('autopay retries', () => {
  it('retries only soft declines, at most 3 tries in all, within 7 days of the first', () => {
    fc.assert(
      fc.property(arbDate, fc.constantFrom(...CODES), (first, code) => {
        let tries = 1;
        let on: Temporal.PlainDate | null = first;
        const dates = [first];
        while (on) {
          on = nextTryOn(first, tries, code);
          if (on) {
            dates.push(on);
            tries++;
          }
        }
        expect(dates.length).toBeLessThanOrEqual(MAX_TRIES);
        if (!isSoftDecline(code)) expect(dates).toHaveLength(1);
        for (const d of dates) expect(first.until(d).days).toBeLessThanOrEqual(RETRY_WINDOW_DAYS);
        for (let i = 1; i < dates.length; i++) {
          expect(
            Temporal.PlainDate.compare(dates[i - 1] as Temporal.PlainDate, dates[i] as Temporal.PlainDate),
          ).toBe(-1);
        }
      }),
    );
  });

  it('never tries a closed account, an expired card or a stolen card again', () => {
    const first = Temporal.PlainDate.from('2026-12-01');
    for (const code of ['invalid_account', 'expired_card', 'stolen_card', 'incorrect_cvc']) {
      expect(nextTryOn(first, 1, code)).toBeNull();
    }
    expect(nextTryOn(first, 1, 'insufficient_funds')?.toString()).toBe('2026-12-04');
    expect(nextTryOn(first, 2, 'insufficient_funds')?.toString()).toBe('2026-12-07');
    expect(nextTryOn(first, 3, 'insufficient_funds')).toBeNull();
  });

  it('never charges more than the notice said or more than is owed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (noticed, owed) => {
          const amount = chargeAmount(noticed, owed);
          expect(amount).toBeLessThanOrEqual(noticed);
          expect(amount).toBeLessThanOrEqual(owed);
          expect(amount).toBe(Math.min(noticed, owed));
        },
      ),
    );
  });
});
