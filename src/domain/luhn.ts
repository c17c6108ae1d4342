const DIGITS = /^\d+$/;

function luhnSum(digits: string, doubleFirstFromRight: boolean): number {
  let sum = 0;
  let double = doubleFirstFromRight;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum;
}

/** The Luhn digit to append to `digits`. Throws RangeError unless `digits` is one or more 0-9. */
export function luhnCheckDigit(digits: string): number {
  if (!DIGITS.test(digits)) throw new RangeError('luhnCheckDigit expects a non-empty string of digits');
  // Once the check digit is appended, the current rightmost digit becomes the first one doubled.
  return (10 - (luhnSum(digits, true) % 10)) % 10;
}

/** True when `digits` is one or more 0-9 whose Luhn checksum is valid. */
export function isLuhnValid(digits: string): boolean {
  if (!DIGITS.test(digits)) return false;
  return luhnSum(digits, false) % 10 === 0;
}
