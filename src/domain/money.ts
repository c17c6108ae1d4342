/** Integer cents. Always a safe integer; negative values are credits or refunds. */
export type Cents = number;

export function isCents(n: unknown): n is Cents {
  return Number.isSafeInteger(n);
}

function assertCents(n: number, name: string): void {
  if (!isCents(n)) throw new RangeError(`${name} must be a safe integer number of cents, got ${n}`);
}

/**
 * Formats cents for display. The amount is handed to Intl as an exact decimal string rather than
 * `cents / 100`, so large values never pick up binary floating point error.
 */
export function formatMoney(cents: Cents, locale = 'en-US', currency = 'USD'): string {
  assertCents(cents, 'cents');
  const abs = Math.abs(cents);
  const whole = Math.trunc(abs / 100);
  const frac = String(abs % 100).padStart(2, '0');
  const decimal = `${cents < 0 ? '-' : ''}${whole}.${frac}` as `${number}`;
  return moneyFormat(locale, currency).format(decimal);
}

// Building an Intl formatter costs far more than formatting with it (a batch formats thousands).
const moneyFormats = new Map<string, Intl.NumberFormat>();

/** The (shared) currency formatter for a locale. */
export function moneyFormat(locale: string, currency = 'USD'): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    moneyFormats.set(key, format);
  }
  return format;
}

// Optional '$', then either plain digits or correctly grouped thousands, then up to two decimals.
const MONEY_INPUT = /^\$?\s*(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d{0,2}))?$/;
const MAX_WHOLE_DIGITS = 9;

/**
 * Parses what a payer types into an amount field. Returns null for anything that is not a plain
 * non-negative amount with at most two decimals; the conversion is done on the digit string so no
 * floating point rounding can change what the payer typed.
 */
export function parseMoneyInput(input: string): Cents | null {
  const match = MONEY_INPUT.exec(input.trim());
  if (!match) return null;
  const wholeDigits = (match[1] ?? '').replaceAll(',', '');
  const fracDigits = match[2] ?? '';
  if (wholeDigits === '' && fracDigits === '') return null;
  const significant = wholeDigits.replace(/^0+/, '');
  if (significant.length > MAX_WHOLE_DIGITS) return null;
  return Number(`${significant}${fracDigits.padEnd(2, '0')}`);
}

/**
 * Turns any finite non-negative double into an exact BigInt numerator over a power of two.
 * Doubling a double is exact, and a double of 2^53 or more is always an integer, so the loop ends
 * before the value can overflow.
 */
function toScaledBigInt(weight: number): { numerator: bigint; shift: number } {
  let value = weight;
  let shift = 0;
  while (!Number.isInteger(value)) {
    value *= 2;
    shift += 1;
  }
  return { numerator: BigInt(value), shift };
}

/**
 * Splits `total` in proportion to `weights` so the parts always sum exactly to `total`
 * (largest remainder method: everyone gets the floor of their share, then the leftover cents go to
 * the largest remainders, ties to the lower index). Arithmetic is exact (BigInt), so each part is
 * within one cent of its exact share and a zero weight always gets zero.
 */
export function splitLargestRemainder(total: Cents, weights: readonly number[]): Cents[] {
  assertCents(total, 'total');
  for (const w of weights) {
    if (!Number.isFinite(w) || w < 0) throw new RangeError(`weights must be finite and >= 0, got ${w}`);
  }
  if (!weights.some((w) => w > 0)) throw new RangeError('at least one weight must be positive');
  if (total < 0) return splitLargestRemainder(-total, weights).map((part) => (part === 0 ? 0 : -part));

  const scaled = weights.map(toScaledBigInt);
  const maxShift = Math.max(...scaled.map((s) => s.shift));
  const exact = scaled.map((s) => s.numerator << BigInt(maxShift - s.shift));
  const sum = exact.reduce((a, b) => a + b, 0n);
  const bigTotal = BigInt(total);

  const floors = exact.map((w) => (bigTotal * w) / sum);
  const remainders = exact.map((w) => (bigTotal * w) % sum);
  let leftover = bigTotal - floors.reduce((a, b) => a + b, 0n);

  const order = remainders
    .map((r, index) => ({ r, index }))
    .sort((a, b) => (a.r === b.r ? a.index - b.index : a.r > b.r ? -1 : 1));
  const parts = floors.map(Number);
  for (const { index } of order) {
    if (leftover === 0n) break;
    parts[index] = (parts[index] ?? 0) + 1;
    leftover -= 1n;
  }
  return parts;
}
