import { en } from '../../web/src/i18n/en';
import { es } from '../../web/src/i18n/es';

export type Lang = 'en' | 'es';

/** The app's own words, so specs find things by the label a person reads, in either language. */
export function words(lang: Lang = 'en') {
  return lang === 'es' ? es : en;
}

export const CARDS = {
  visa: '4242424242424242',
  mastercard: '5555555555554444',
  discover: '6011111111111117',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  expired: '4000000000000069',
  incorrectCvc: '4000000000000127',
  processingError: '4000000000000119',
  amex: '378282246310005',
} as const;

export const BANK = { routingNumber: '110000000', accountNumber: '000123456789' };

/** A card expiry two years ahead, as the person would type it. */
export function futureExpiry(): string {
  const year = (new Date().getFullYear() + 2) % 100;
  return `12 / ${String(year).padStart(2, '0')}`;
}
