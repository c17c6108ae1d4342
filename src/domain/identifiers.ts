import { isLuhnValid, luhnCheckDigit } from './luhn';

/** Appends a Luhn check digit, used for account and invoice numbers people read aloud. */
export function withCheckDigit(base: string): string {
  return `${base}${luhnCheckDigit(base)}`;
}

/** A base of at least one digit followed by its Luhn check digit. */
export function isValidCheckedNumber(n: string): boolean {
  return n.length >= 2 && isLuhnValid(n);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CROCKFORD_CHECK = `${CROCKFORD}*~$=U`;
const CONFIRMATION_SYMBOLS = 10;

/** The first `length` 5-bit symbols of `bytes`, read big-endian, in Crockford base32. */
export function encodeCrockford(bytes: Uint8Array, length: number): string {
  if (!Number.isInteger(length) || length < 0) throw new RangeError('length must be a whole number >= 0');
  if (bytes.length * 8 < length * 5) {
    throw new RangeError(`${length} symbols need ${Math.ceil((length * 5) / 8)} bytes, got ${bytes.length}`);
  }
  let out = '';
  let buffer = 0;
  let bits = 0;
  let next = 0;
  while (out.length < length) {
    if (bits < 5) {
      buffer = ((buffer << 8) | (bytes[next] ?? 0)) & 0xfff;
      next += 1;
      bits += 8;
    }
    bits -= 5;
    out += CROCKFORD[(buffer >> bits) & 31];
  }
  return out;
}

/**
 * Crockford's check symbol: the base32 value mod 37. Because 37 is prime and larger than 32, any
 * single wrong symbol and any swap of two adjacent different symbols change it.
 */
export function crockfordCheckSymbol(value: string): string {
  let remainder = 0;
  for (const symbol of value) {
    const digit = CROCKFORD.indexOf(symbol);
    if (digit < 0) throw new RangeError(`not a Crockford base32 symbol: ${JSON.stringify(symbol)}`);
    remainder = (remainder * 32 + digit) % 37;
  }
  return CROCKFORD_CHECK[remainder] ?? '';
}

function formatConfirmation(symbols: string, check: string): string {
  return `${symbols.slice(0, 5)}-${symbols.slice(5, 10)}-${check}`;
}

/** A confirmation number like 'K7Q2M-9XH4P-T' from at least 7 random bytes (50 bits are used). */
export function confirmationNumberFrom(bytes: Uint8Array): string {
  const symbols = encodeCrockford(bytes, CONFIRMATION_SYMBOLS);
  return formatConfirmation(symbols, crockfordCheckSymbol(symbols));
}

/**
 * Reads a confirmation number as a person might type it back: any case, with or without dashes
 * or spaces, O for 0 and I or L for 1. Returns the canonical dashed form, or null if it is
 * malformed or its check symbol does not match.
 */
export function normalizeConfirmationNumber(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (compact.length !== CONFIRMATION_SYMBOLS + 1) return null;
  const symbols = compact.slice(0, CONFIRMATION_SYMBOLS);
  const check = compact.slice(CONFIRMATION_SYMBOLS);
  if ([...symbols].some((s) => !CROCKFORD.includes(s))) return null;
  if (crockfordCheckSymbol(symbols) !== check) return null;
  return formatConfirmation(symbols, check);
}
