import { type CardBrand, cardBrandLabel } from './card-brands';
import { isLuhnValid } from './luhn';

export { type CardBrand, cardBrandLabel };

type KnownBrand = Exclude<CardBrand, 'unknown'>;

/** An inclusive range of card-number prefixes, all `digits` long. */
interface PrefixRange {
  brand: KnownBrand;
  digits: number;
  low: number;
  high: number;
}

const PREFIX_RANGES: readonly PrefixRange[] = [
  { brand: 'visa', digits: 1, low: 4, high: 4 },
  { brand: 'mastercard', digits: 2, low: 51, high: 55 },
  { brand: 'mastercard', digits: 4, low: 2221, high: 2720 },
  { brand: 'discover', digits: 4, low: 6011, high: 6011 },
  { brand: 'discover', digits: 3, low: 644, high: 649 },
  { brand: 'discover', digits: 2, low: 65, high: 65 },
  { brand: 'amex', digits: 2, low: 34, high: 34 },
  { brand: 'amex', digits: 2, low: 37, high: 37 },
];

const VALID_LENGTHS: Record<KnownBrand, readonly number[]> = {
  visa: [13, 16, 19],
  mastercard: [16],
  discover: [16, 17, 18, 19],
  amex: [15],
};

const MAX_LENGTH: Record<CardBrand, number> = {
  visa: 19,
  mastercard: 16,
  discover: 19,
  amex: 15,
  unknown: 19,
};

/** Strips the spaces and dashes people type or paste between digit groups. */
export function normalizeCardNumber(input: string): string {
  return input.replace(/[\s-]/g, '');
}

/**
 * Whether every number starting with `digits` falls in `range`. On partial input this only
 * answers yes once the typed prefix settles the brand (e.g. '27' is not yet Mastercard, '271' is).
 */
function prefixMatches(digits: string, range: PrefixRange): boolean {
  if (digits.length >= range.digits) {
    const prefix = Number(digits.slice(0, range.digits));
    return prefix >= range.low && prefix <= range.high;
  }
  const scale = 10 ** (range.digits - digits.length);
  const lowest = Number(digits) * scale;
  const highest = lowest + scale - 1;
  return lowest >= range.low && highest <= range.high;
}

/** The card brand, as soon as the digits typed so far determine it; 'unknown' until then. */
export function detectCardBrand(number: string): CardBrand {
  const digits = normalizeCardNumber(number);
  if (!/^\d+$/.test(digits)) return 'unknown';
  return PREFIX_RANGES.find((range) => prefixMatches(digits, range))?.brand ?? 'unknown';
}

/** Groups digits for display while typing: 4-4-4-4(-3), or 4-6-5 for American Express. */
export function formatCardNumber(input: string): string {
  const digits = input.replace(/\D/g, '');
  const brand = detectCardBrand(digits);
  const kept = digits.slice(0, MAX_LENGTH[brand]);
  const groups: string[] = [];
  if (brand === 'amex') {
    for (const [start, end] of [
      [0, 4],
      [4, 10],
      [10, 15],
    ] as const) {
      const group = kept.slice(start, end);
      if (group) groups.push(group);
    }
  } else {
    for (let i = 0; i < kept.length; i += 4) groups.push(kept.slice(i, i + 4));
  }
  return groups.join(' ');
}

/** A number we could charge: a known brand, a length that brand issues, and a valid Luhn digit. */
export function isValidCardNumber(number: string): boolean {
  const digits = normalizeCardNumber(number);
  const brand = detectCardBrand(digits);
  if (brand === 'unknown') return false;
  return VALID_LENGTHS[brand].includes(digits.length) && isLuhnValid(digits);
}

export interface YearMonth {
  year: number;
  month: number;
}

function monthIndex(year: number, month: number, name: string): number {
  if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`${name} must be a whole year and a month 1-12, got ${year}-${month}`);
  }
  return year * 12 + (month - 1);
}

/** A card is good through the last day of its expiry month. */
export function isCardExpired(expMonth: number, expYear: number, today: YearMonth): boolean {
  return monthIndex(expYear, expMonth, 'expiry') < monthIndex(today.year, today.month, 'today');
}

/**
 * True when the card stops working within the next `months` months: with `months` = 1 only a card
 * expiring at the end of this month; 0 is never true. Already expired cards are included, so a
 * caller warning before an autopay run cannot miss them.
 */
export function cardExpiresWithin(
  expMonth: number,
  expYear: number,
  today: YearMonth,
  months: number,
): boolean {
  if (!Number.isInteger(months) || months < 0) throw new RangeError(`months must be a whole number >= 0`);
  const remaining = monthIndex(expYear, expMonth, 'expiry') - monthIndex(today.year, today.month, 'today');
  return remaining < months;
}

const EXPIRY_SEPARATED = /^(\d{1,2})\s*[/-]\s*(\d{2}|\d{4})$/;
const EXPIRY_COMPACT = /^(\d{2})(\d{2}|\d{4})$/;

/** Reads 'MM/YY', 'MM / YY', 'MMYY', 'MM/YYYY' (also 'M/YY' and 'MM-YY'); two-digit years are 20YY. */
export function parseExpiry(input: string): { month: number; year: number } | null {
  const trimmed = input.trim();
  const match = EXPIRY_SEPARATED.exec(trimmed) ?? EXPIRY_COMPACT.exec(trimmed);
  if (!match) return null;
  const month = Number(match[1]);
  const yearText = match[2] ?? '';
  const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  if (month < 1 || month > 12 || year < 2000) return null;
  return { month, year };
}
