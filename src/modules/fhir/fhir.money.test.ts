import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CENTS } from '../intake/intake.schema';
import { centsToMoney, moneyValueToCents } from './fhir.money';

describe('cents and FHIR Money', () => {
  it('round-trips every amount intake takes, through JSON as a client sends it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_CENTS, max: MAX_CENTS }), (cents) => {
        const money = JSON.parse(JSON.stringify(centsToMoney(cents, 'USD'))) as { value: number };
        expect(moneyValueToCents(money.value)).toEqual({ ok: true, cents });
      }),
    );
  });

  it('reads what a client writes with two decimals at most', () => {
    expect(moneyValueToCents(123.45)).toEqual({ ok: true, cents: 12_345 });
    expect(moneyValueToCents(100)).toEqual({ ok: true, cents: 10_000 });
    expect(moneyValueToCents(0.1)).toEqual({ ok: true, cents: 10 });
    expect(moneyValueToCents(-0)).toEqual({ ok: true, cents: 0 });
    expect(moneyValueToCents(-2.5)).toEqual({ ok: true, cents: -250 });
  });

  it('refuses fractions of a cent and numbers that are not amounts, never rounding them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_CENTS }), fc.integer({ min: 1, max: 9 }), (cents, tenth) => {
        const value = Number(`${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}${tenth}`);
        expect(moneyValueToCents(value).ok).toBe(false);
      }),
    );
    for (const value of [Number.POSITIVE_INFINITY, Number.NaN, 1e21, 1e-7, 2 ** 53 + 2]) {
      expect(moneyValueToCents(value).ok, String(value)).toBe(false);
    }
  });
});
