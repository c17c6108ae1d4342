/** Money between FHIR (a decimal `value` with a `currency`) and Settle (integer cents). */
import type { Money } from '@medplum/fhirtypes';

/** Cents as FHIR Money: 12345 → { value: 123.45, currency }. Exact for every safe integer of cents we keep. */
export function centsToMoney(cents: number, currency: 'USD'): Money {
  return { value: cents / 100, currency };
}

export type CentsResult = { ok: true; cents: number } | { ok: false; message: string };

/**
 * A FHIR Money value as cents: whole cents only (123.455 is refused, not rounded), finite, safe. Read
 * from the number's shortest decimal form (what the JSON said), never by multiplying a float. The sign
 * and the range are intake's to judge (it names the field).
 */
export function moneyValueToCents(value: number): CentsResult {
  if (!Number.isFinite(value)) return { ok: false, message: 'Not a finite number' };
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(value));
  if (!match) {
    return Math.abs(value) >= 1e15
      ? { ok: false, message: 'Too large' }
      : { ok: false, message: 'Use at most two decimals (whole cents)' };
  }
  const [, sign, whole = '0', fraction = ''] = match;
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) return { ok: false, message: 'Too large' };
  return { ok: true, cents: sign === '-' && cents !== 0 ? -cents : cents };
}
