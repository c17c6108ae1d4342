import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  isValidBankAccountNumber,
  isValidRoutingNumber,
  lastFour,
  MAX_REPRESENTMENTS,
  nextSettlementCheck,
  REPRESENT_AFTER_DAYS,
  REPRESENT_WITHIN_DAYS,
  representmentDate,
  SETTLEMENT_CHECK_MAX_MS,
  SETTLEMENT_CHECK_MIN_MS,
} from './bank';

const validPrefixes = [
  ...Array.from({ length: 13 }, (_, i) => i),
  ...Array.from({ length: 12 }, (_, i) => 21 + i),
  ...Array.from({ length: 12 }, (_, i) => 61 + i),
  80,
].map((n) => String(n).padStart(2, '0'));

describe('isValidRoutingNumber', () => {
  it('knows the sandbox and real routing numbers', () => {
    expect(isValidRoutingNumber('110000000')).toBe(true);
    expect(isValidRoutingNumber('021000021')).toBe(true); // JPMorgan Chase, New York
    expect(isValidRoutingNumber('011000015')).toBe(true); // Federal Reserve Bank of Boston
  });

  it('rejects bad checksums, prefixes and shapes', () => {
    expect(isValidRoutingNumber('123456789')).toBe(false);
    expect(isValidRoutingNumber('110000001')).toBe(false);
    expect(isValidRoutingNumber('000000000')).toBe(true); // checksum 0 with prefix 00 is well formed
    expect(isValidRoutingNumber('130000006')).toBe(false); // checksum fine, prefix 13 unassigned
    expect(isValidRoutingNumber('11000000')).toBe(false);
    expect(isValidRoutingNumber('1100000000')).toBe(false);
    expect(isValidRoutingNumber('11000000a')).toBe(false);
    expect(isValidRoutingNumber(' 110000000')).toBe(false);
    expect(isValidRoutingNumber('')).toBe(false);
  });

  it('has exactly one valid check digit for every valid 8-digit prefix', () => {
    fc.assert(
      fc.property(fc.constantFrom(...validPrefixes), fc.stringMatching(/^\d{6}$/), (prefix, middle) => {
        const base = `${prefix}${middle}`;
        const valid = Array.from({ length: 10 }, (_, d) => `${base}${d}`).filter(isValidRoutingNumber);
        expect(valid).toHaveLength(1);
      }),
    );
  });

  it('never accepts an unassigned prefix', () => {
    const invalidPrefix = fc
      .integer({ min: 0, max: 99 })
      .map((n) => String(n).padStart(2, '0'))
      .filter((p) => !validPrefixes.includes(p));
    fc.assert(
      fc.property(invalidPrefix, fc.stringMatching(/^\d{7}$/), (prefix, rest) => {
        expect(isValidRoutingNumber(`${prefix}${rest}`)).toBe(false);
      }),
    );
  });
});

describe('isValidBankAccountNumber', () => {
  it('accepts 4 to 17 digits', () => {
    expect(isValidBankAccountNumber('000123456789')).toBe(true);
    expect(isValidBankAccountNumber('1234')).toBe(true);
    expect(isValidBankAccountNumber('12345678901234567')).toBe(true);
  });

  it('rejects other lengths and non-digits', () => {
    expect(isValidBankAccountNumber('123')).toBe(false);
    expect(isValidBankAccountNumber('123456789012345678')).toBe(false);
    expect(isValidBankAccountNumber('1234-5678')).toBe(false);
    expect(isValidBankAccountNumber('')).toBe(false);
  });

  it('agrees with its length rule for any digit string', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{0,25}$/), (n) => {
        expect(isValidBankAccountNumber(n)).toBe(n.length >= 4 && n.length <= 17);
      }),
    );
  });
});

describe('lastFour', () => {
  it('returns the last four characters, ignoring separators', () => {
    expect(lastFour('000123456789')).toBe('6789');
    expect(lastFour('4242 4242 4242 4242')).toBe('4242');
    expect(lastFour('1234-5678')).toBe('5678');
    expect(lastFour('12')).toBe('12');
    expect(lastFour('')).toBe('');
  });
});

describe('presenting a debit again after an R01 return', () => {
  const day = (offset: number) => Temporal.PlainDate.from('2024-01-01').add({ days: offset });
  const arbFirst = fc.integer({ min: 0, max: 365 * 6 }).map(day);

  it('is on a weekday 3 to 5 days after the return, within 180 days of the first presentment, at most twice', () => {
    fc.assert(
      fc.property(
        arbFirst,
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 5 }),
        (first, returnedAfter, presentment) => {
          const returnedOn = first.add({ days: returnedAfter });
          const next = representmentDate({ returnedOn, firstPresentedOn: first, presentment });
          if (presentment > MAX_REPRESENTMENTS) {
            expect(next).toBeNull();
            return;
          }
          const earliest = returnedOn.add({ days: REPRESENT_AFTER_DAYS });
          const moved = earliest.dayOfWeek > 5 ? earliest.add({ days: 8 - earliest.dayOfWeek }) : earliest;
          const last = first.add({ days: REPRESENT_WITHIN_DAYS });
          if (Temporal.PlainDate.compare(moved, last) > 0) {
            expect(next).toBeNull();
            return;
          }
          expect(next?.equals(moved)).toBe(true);
          expect(next && next.dayOfWeek <= 5).toBe(true);
          const wait = next ? returnedOn.until(next).days : -1;
          expect(wait).toBeGreaterThanOrEqual(REPRESENT_AFTER_DAYS);
          expect(wait).toBeLessThanOrEqual(REPRESENT_AFTER_DAYS + 2);
        },
      ),
    );
  });

  it('moves a weekend to Monday and stops at 180 days', () => {
    const first = Temporal.PlainDate.from('2026-12-01');
    // Returned Wednesday 2 December: Saturday the 5th becomes Monday the 7th.
    expect(
      representmentDate({
        returnedOn: Temporal.PlainDate.from('2026-12-02'),
        firstPresentedOn: first,
        presentment: 1,
      })?.toString(),
    ).toBe('2026-12-07');
    expect(
      representmentDate({
        returnedOn: Temporal.PlainDate.from('2026-12-07'),
        firstPresentedOn: first,
        presentment: 2,
      })?.toString(),
    ).toBe('2026-12-10');
    expect(
      representmentDate({
        returnedOn: Temporal.PlainDate.from('2026-12-10'),
        firstPresentedOn: first,
        presentment: 3,
      }),
    ).toBeNull();
    // 180 days from 1 December 2026 is 30 May 2027 (a Sunday); a return on the 26th would be presented on the 31st.
    expect(
      representmentDate({
        returnedOn: Temporal.PlainDate.from('2027-05-26'),
        firstPresentedOn: first,
        presentment: 1,
      }),
    ).toBeNull();
    expect(
      representmentDate({
        returnedOn: Temporal.PlainDate.from('2027-05-24'),
        firstPresentedOn: first,
        presentment: 1,
      })?.toString(),
    ).toBe('2027-05-27');
  });
});

describe('nextSettlementCheck', () => {
  const at = (ms: number) => Temporal.Instant.fromEpochMilliseconds(ms);
  const NOW = Date.UTC(2026, 11, 6, 12);

  it('is a minute to an hour away, later for older debits', () => {
    fc.assert(
      fc.property(fc.nat(30 * 86_400_000), fc.nat(30 * 86_400_000), (ageA, ageB) => {
        const waitOf = (age: number) => nextSettlementCheck(at(NOW - age), at(NOW)).epochMilliseconds - NOW;
        const wait = waitOf(ageA);
        expect(wait).toBeGreaterThanOrEqual(SETTLEMENT_CHECK_MIN_MS);
        expect(wait).toBeLessThanOrEqual(SETTLEMENT_CHECK_MAX_MS);
        if (ageA <= ageB) expect(wait).toBeLessThanOrEqual(waitOf(ageB));
      }),
    );
  });

  it('asks about a new debit each minute and one days old hourly', () => {
    expect(nextSettlementCheck(at(NOW), at(NOW)).epochMilliseconds - NOW).toBe(60_000);
    expect(nextSettlementCheck(at(NOW - 20 * 60_000), at(NOW)).epochMilliseconds - NOW).toBe(5 * 60_000);
    expect(nextSettlementCheck(at(NOW - 3 * 86_400_000), at(NOW)).epochMilliseconds - NOW).toBe(3_600_000);
  });
});
