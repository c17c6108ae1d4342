import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CardBrand,
  cardBrandLabel,
  cardExpiresWithin,
  detectCardBrand,
  formatCardNumber,
  isCardExpired,
  isValidCardNumber,
  normalizeCardNumber,
  parseExpiry,
} from './cards';
import { luhnCheckDigit } from './luhn';

describe('detectCardBrand', () => {
  it.each<[string, CardBrand]>([
    ['4242424242424242', 'visa'],
    ['5555555555554444', 'mastercard'],
    ['2223003122003222', 'mastercard'],
    ['6011111111111117', 'discover'],
    ['378282246310005', 'amex'],
    ['371449635398431', 'amex'],
    ['3056930009020004', 'unknown'], // Diners Club
    ['3566002020360505', 'unknown'], // JCB
    ['', 'unknown'],
  ])('%s is %s', (number, brand) => {
    expect(detectCardBrand(number)).toBe(brand);
  });

  it.each<[string, CardBrand]>([
    ['4', 'visa'],
    ['5', 'unknown'],
    ['50', 'unknown'],
    ['51', 'mastercard'],
    ['55', 'mastercard'],
    ['56', 'unknown'],
    ['2', 'unknown'],
    ['22', 'unknown'],
    ['222', 'unknown'],
    ['2220', 'unknown'],
    ['2221', 'mastercard'],
    ['223', 'mastercard'],
    ['25', 'mastercard'],
    ['27', 'unknown'],
    ['271', 'mastercard'],
    ['272', 'unknown'],
    ['2720', 'mastercard'],
    ['2721', 'unknown'],
    ['6', 'unknown'],
    ['60', 'unknown'],
    ['601', 'unknown'],
    ['6011', 'discover'],
    ['6012', 'unknown'],
    ['64', 'unknown'],
    ['643', 'unknown'],
    ['644', 'discover'],
    ['649', 'discover'],
    ['65', 'discover'],
    ['3', 'unknown'],
    ['34', 'amex'],
    ['37', 'amex'],
    ['35', 'unknown'],
  ])('as the user types, %j is %s', (prefix, brand) => {
    expect(detectCardBrand(prefix)).toBe(brand);
  });

  it('ignores spaces and dashes, and gives up on other characters', () => {
    expect(detectCardBrand('4242 4242-4242 4242')).toBe('visa');
    expect(detectCardBrand(' 3 7')).toBe('amex');
    expect(detectCardBrand('4242x')).toBe('unknown');
  });

  it('never changes its mind once the brand is known', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,19}$/), (number) => {
        for (let i = 1; i < number.length; i += 1) {
          const brand = detectCardBrand(number.slice(0, i));
          if (brand !== 'unknown') expect(detectCardBrand(number)).toBe(brand);
        }
      }),
    );
  });
});

describe('normalizeCardNumber', () => {
  it('strips spaces and dashes only', () => {
    expect(normalizeCardNumber(' 4242 4242-4242\t4242 ')).toBe('4242424242424242');
    expect(normalizeCardNumber('4242x')).toBe('4242x');
  });
});

describe('formatCardNumber', () => {
  it('groups 4-4-4-4 and 4-6-5 for American Express', () => {
    expect(formatCardNumber('4242424242424242')).toBe('4242 4242 4242 4242');
    expect(formatCardNumber('378282246310005')).toBe('3782 822463 10005');
    expect(formatCardNumber('6011-1111 1111 1117')).toBe('6011 1111 1111 1117');
  });

  it('formats partial input as the user types', () => {
    expect(formatCardNumber('')).toBe('');
    expect(formatCardNumber('4')).toBe('4');
    expect(formatCardNumber('42424')).toBe('4242 4');
    expect(formatCardNumber('37828')).toBe('3782 8');
    expect(formatCardNumber('3782822463')).toBe('3782 822463');
    expect(formatCardNumber('37828224631')).toBe('3782 822463 1');
  });

  it('cuts at the brand maximum length', () => {
    expect(formatCardNumber('3782822463100059999')).toBe('3782 822463 10005');
    expect(formatCardNumber('55555555555544449')).toBe('5555 5555 5555 4444');
    expect(formatCardNumber('42424242424242424242')).toBe('4242 4242 4242 4242 424');
  });

  it('keeps only digits, in order', () => {
    fc.assert(
      fc.property(fc.string(), (input) => {
        const digits = input.replace(/\D/g, '');
        const formatted = formatCardNumber(input);
        expect(digits.startsWith(formatted.replace(/ /g, ''))).toBe(true);
        expect(formatted).toMatch(/^(\d+( \d+)*)?$/);
        expect(formatCardNumber(formatted)).toBe(formatted);
      }),
    );
  });
});

describe('isValidCardNumber', () => {
  it.each([
    '4242424242424242',
    '4242 4242 4242 4242',
    '5555555555554444',
    '6011111111111117',
    '378282246310005',
    '4000000000000002',
    '4222222222222', // 13-digit Visa
    '2223003122003222',
  ])('accepts %s', (number) => {
    expect(isValidCardNumber(number)).toBe(true);
  });

  it.each([
    '4242424242424241', // bad check digit
    '424242424242424', // wrong length
    '3056930009020004', // Diners: unknown brand
    '',
    '4242x42424242424',
  ])('rejects %j', (number) => {
    expect(isValidCardNumber(number)).toBe(false);
  });

  it('accepts exactly the lengths each brand issues', () => {
    const prefixes = { visa: '4', mastercard: '51', discover: '6011', amex: '34' } as const;
    const lengths = { visa: [13, 16, 19], mastercard: [16], discover: [16, 17, 18, 19], amex: [15] };
    fc.assert(
      fc.property(
        fc.constantFrom('visa', 'mastercard', 'discover', 'amex' as const),
        fc.integer({ min: 12, max: 20 }),
        fc.stringMatching(/^\d{20}$/),
        (brand, length, filler) => {
          const base = `${prefixes[brand]}${filler}`.slice(0, length - 1);
          const number = `${base}${luhnCheckDigit(base)}`;
          expect(isValidCardNumber(number)).toBe(lengths[brand].includes(length));
        },
      ),
    );
  });
});

describe('cardBrandLabel', () => {
  it('names every brand', () => {
    expect(cardBrandLabel('visa')).toBe('Visa');
    expect(cardBrandLabel('mastercard')).toBe('Mastercard');
    expect(cardBrandLabel('discover')).toBe('Discover');
    expect(cardBrandLabel('amex')).toBe('American Express');
    expect(cardBrandLabel('unknown')).toBe('Card');
  });
});

describe('isCardExpired', () => {
  const today = { year: 2026, month: 3 };

  it('is valid through the end of the expiry month', () => {
    expect(isCardExpired(3, 2026, today)).toBe(false);
    expect(isCardExpired(4, 2026, today)).toBe(false);
    expect(isCardExpired(1, 2027, today)).toBe(false);
    expect(isCardExpired(2, 2026, today)).toBe(true);
    expect(isCardExpired(12, 2025, today)).toBe(true);
  });

  it('rejects impossible months', () => {
    expect(() => isCardExpired(13, 2026, today)).toThrow(RangeError);
    expect(() => isCardExpired(0, 2026, today)).toThrow(RangeError);
    expect(() => isCardExpired(3, 2026, { year: 2026, month: 0 })).toThrow(RangeError);
  });

  it('orders expiry by year, then month', () => {
    const ym = fc.record({
      year: fc.integer({ min: 2000, max: 2100 }),
      month: fc.integer({ min: 1, max: 12 }),
    });
    fc.assert(
      fc.property(ym, ym, (exp, now) => {
        const before = exp.year < now.year || (exp.year === now.year && exp.month < now.month);
        expect(isCardExpired(exp.month, exp.year, now)).toBe(before);
      }),
    );
  });
});

describe('cardExpiresWithin', () => {
  const today = { year: 2026, month: 11 };

  it('counts the current month as the first', () => {
    expect(cardExpiresWithin(11, 2026, today, 1)).toBe(true);
    expect(cardExpiresWithin(12, 2026, today, 1)).toBe(false);
    expect(cardExpiresWithin(12, 2026, today, 2)).toBe(true);
    expect(cardExpiresWithin(1, 2027, today, 2)).toBe(false);
    expect(cardExpiresWithin(1, 2027, today, 3)).toBe(true);
    expect(cardExpiresWithin(11, 2026, today, 0)).toBe(false);
  });

  it('includes cards that have already expired', () => {
    expect(cardExpiresWithin(10, 2026, today, 1)).toBe(true);
  });

  it('rejects a negative or fractional window', () => {
    expect(() => cardExpiresWithin(12, 2026, today, -1)).toThrow(RangeError);
    expect(() => cardExpiresWithin(12, 2026, today, 1.5)).toThrow(RangeError);
  });

  it('widens monotonically and agrees with isCardExpired', () => {
    const ym = fc.record({
      year: fc.integer({ min: 2000, max: 2100 }),
      month: fc.integer({ min: 1, max: 12 }),
    });
    fc.assert(
      fc.property(ym, ym, fc.integer({ min: 0, max: 60 }), (exp, now, months) => {
        const within = cardExpiresWithin(exp.month, exp.year, now, months);
        if (within) expect(cardExpiresWithin(exp.month, exp.year, now, months + 1)).toBe(true);
        if (isCardExpired(exp.month, exp.year, now) && months > 0) expect(within).toBe(true);
      }),
    );
  });
});

describe('parseExpiry', () => {
  it.each([
    ['04/27', { month: 4, year: 2027 }],
    ['04 / 27', { month: 4, year: 2027 }],
    ['0427', { month: 4, year: 2027 }],
    ['04/2027', { month: 4, year: 2027 }],
    ['4/27', { month: 4, year: 2027 }],
    ['12-30', { month: 12, year: 2030 }],
    [' 12/30 ', { month: 12, year: 2030 }],
    ['122030', { month: 12, year: 2030 }],
  ])('reads %j', (input, expected) => {
    expect(parseExpiry(input)).toEqual(expected);
  });

  it.each(['', '13/27', '00/27', '1/2', '04/7', '04/202', '427', 'ab/cd', '04/27/01', '04/1999'])(
    'rejects %j',
    (input) => {
      expect(parseExpiry(input)).toBeNull();
    },
  );

  it('reads back every month and year it could be given', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2000, max: 2099 }), (month, year) => {
        const mm = String(month).padStart(2, '0');
        const yy = String(year % 100).padStart(2, '0');
        for (const text of [`${mm}/${yy}`, `${mm} / ${yy}`, `${mm}${yy}`, `${mm}/${year}`]) {
          expect(parseExpiry(text)).toEqual({ month, year });
        }
      }),
    );
  });
});
