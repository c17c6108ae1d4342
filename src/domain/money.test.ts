import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney, isCents, parseMoneyInput, splitLargestRemainder } from './money';

describe('isCents', () => {
  it('accepts safe integers, including negative ones', () => {
    expect(isCents(0)).toBe(true);
    expect(isCents(-500)).toBe(true);
    expect(isCents(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('rejects fractions, unsafe integers and non-numbers', () => {
    expect(isCents(1.5)).toBe(false);
    expect(isCents(Number.MAX_SAFE_INTEGER + 1)).toBe(false);
    expect(isCents(Number.NaN)).toBe(false);
    expect(isCents('100')).toBe(false);
    expect(isCents(null)).toBe(false);
  });
});

describe('formatMoney', () => {
  it('formats US dollars', () => {
    expect(formatMoney(18240)).toBe('$182.40');
    expect(formatMoney(-500)).toBe('-$5.00');
    expect(formatMoney(123456)).toBe('$1,234.56');
    expect(formatMoney(0)).toBe('$0.00');
    expect(formatMoney(5)).toBe('$0.05');
  });

  it('formats with Intl for Spanish locales', () => {
    const money = (locale: string, n: number) =>
      new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD' }).format(n);
    expect(formatMoney(123456, 'es')).toBe(money('es', 1234.56));
    expect(formatMoney(123456, 'es-US')).toBe(money('es-US', 1234.56));
    expect(formatMoney(-500, 'es-US')).toBe(money('es-US', -5));
  });

  it('is exact for the largest amounts', () => {
    expect(formatMoney(Number.MAX_SAFE_INTEGER)).toBe('$90,071,992,547,409.91');
    expect(formatMoney(-Number.MAX_SAFE_INTEGER)).toBe('-$90,071,992,547,409.91');
  });

  it('refuses non-integer cents', () => {
    expect(() => formatMoney(1.5)).toThrow(RangeError);
  });

  it('round-trips through parseMoneyInput for non-negative amounts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), (cents) => {
        expect(parseMoneyInput(formatMoney(cents))).toBe(cents);
      }),
    );
  });
});

describe('parseMoneyInput', () => {
  it.each([
    ['182.40', 18240],
    ['$1,234.5', 123450],
    ['1234', 123400],
    [' 12 ', 1200],
    ['.5', 50],
    ['0.05', 5],
    ['$ 7', 700],
    ['12.', 1200],
    ['0', 0],
    ['999999999.99', 99999999999],
    ['0001.00', 100],
  ])('parses %j as %d cents', (input, cents) => {
    expect(parseMoneyInput(input)).toBe(cents);
  });

  it.each([
    '',
    '   ',
    '.',
    '$',
    '-5',
    '-$5.00',
    '1.234',
    '12a',
    'abc',
    '1e5',
    '1,23',
    '12,34.00',
    '1 000',
    '1000000000',
    '1234567890.00',
    '$$5',
  ])('rejects %j', (input) => {
    expect(parseMoneyInput(input)).toBeNull();
  });

  it('reads any whole-and-cents string exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.integer({ min: 0, max: 99 }),
        (whole, cents) => {
          const text = `${whole}.${String(cents).padStart(2, '0')}`;
          expect(parseMoneyInput(text)).toBe(whole * 100 + cents);
        },
      ),
    );
  });

  it('never returns anything but null or non-negative cents', () => {
    fc.assert(
      fc.property(fc.string(), (input) => {
        const result = parseMoneyInput(input);
        if (result !== null) {
          expect(isCents(result)).toBe(true);
          expect(result).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});

describe('splitLargestRemainder', () => {
  it('splits evenly with ties to the lower index', () => {
    expect(splitLargestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(splitLargestRemainder(200, [1, 1, 1])).toEqual([67, 67, 66]);
    expect(splitLargestRemainder(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
  });

  it('gives leftover cents to the largest remainders', () => {
    // exact shares 1.4, 2.8, 5.8: floors 1+2+5 = 8, the two leftovers go to .8 and .8
    expect(splitLargestRemainder(10, [14, 28, 58])).toEqual([1, 3, 6]);
  });

  it('handles zero weights, zero totals and fractional weights', () => {
    expect(splitLargestRemainder(999, [0, 3, 0])).toEqual([0, 999, 0]);
    expect(splitLargestRemainder(0, [1, 2])).toEqual([0, 0]);
    expect(splitLargestRemainder(100, [0.1, 0.2, 0.7])).toEqual([10, 20, 70]);
  });

  it('throws RangeError for invalid weights or totals', () => {
    expect(() => splitLargestRemainder(100, [])).toThrow(RangeError);
    expect(() => splitLargestRemainder(100, [0, 0])).toThrow(RangeError);
    expect(() => splitLargestRemainder(100, [1, -1])).toThrow(RangeError);
    expect(() => splitLargestRemainder(100, [1, Number.NaN])).toThrow(RangeError);
    expect(() => splitLargestRemainder(100, [1, Number.POSITIVE_INFINITY])).toThrow(RangeError);
    expect(() => splitLargestRemainder(1.5, [1])).toThrow(RangeError);
  });

  const total = fc.integer({ min: -1_000_000_000, max: 1_000_000_000 });
  const weights = fc
    .array(
      fc.oneof(
        fc.constant(0),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
      ),
      {
        minLength: 1,
        maxLength: 20,
      },
    )
    .filter((ws) => ws.some((w) => w > 0));

  it('always sums exactly to the total', () => {
    fc.assert(
      fc.property(total, weights, (t, ws) => {
        const parts = splitLargestRemainder(t, ws);
        expect(parts).toHaveLength(ws.length);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(t);
        for (const part of parts) expect(Number.isSafeInteger(part)).toBe(true);
      }),
    );
  });

  it('keeps each part within one cent of its exact share', () => {
    fc.assert(
      fc.property(total, weights, (t, ws) => {
        const parts = splitLargestRemainder(t, ws);
        const sum = ws.reduce((a, b) => a + b, 0);
        parts.forEach((part, i) => {
          const share = (t * (ws[i] ?? 0)) / sum;
          // A small tolerance for the float arithmetic in this check, not in the split itself.
          expect(Math.abs(part - share)).toBeLessThan(1 + 1e-6);
        });
      }),
    );
  });

  it('gives a zero weight nothing', () => {
    fc.assert(
      fc.property(total, weights, (t, ws) => {
        const parts = splitLargestRemainder(t, ws);
        ws.forEach((w, i) => {
          if (w === 0) expect(parts[i]).toBe(0);
        });
      }),
    );
  });

  it('is exact for integer weights even when products exceed 2^53', () => {
    const parts = splitLargestRemainder(Number.MAX_SAFE_INTEGER, [Number.MAX_SAFE_INTEGER, 1]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(Number.MAX_SAFE_INTEGER);
    expect(parts).toEqual([Number.MAX_SAFE_INTEGER - 1, 1]);
  });
});
