import { texts as enCore } from '../../web/src/i18n/en/core';
import { texts as enGuest } from '../../web/src/i18n/en/guest';
import { texts as enMember } from '../../web/src/i18n/en/member';
import { texts as enPayment } from '../../web/src/i18n/en/payment';
import { texts as enSignIn } from '../../web/src/i18n/en/sign-in';
import { texts as esCore } from '../../web/src/i18n/es/core';
import { texts as esGuest } from '../../web/src/i18n/es/guest';
import { texts as esMember } from '../../web/src/i18n/es/member';
import { texts as esPayment } from '../../web/src/i18n/es/payment';
import { texts as esSignIn } from '../../web/src/i18n/es/sign-in';
import type { Texts } from '../../web/src/i18n/parts';

export type Lang = 'en' | 'es';

/** The parts deep-merged into one dictionary, as the app's i18next holds them once all are loaded. */
function merge(...parts: Texts[]): Texts {
  const out: Texts = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      const have = out[key];
      out[key] = typeof value === 'object' && typeof have === 'object' ? merge(have, value) : value;
    }
  }
  return out;
}

type EnWords = typeof enCore & typeof enPayment & typeof enGuest & typeof enSignIn & typeof enMember;
const en = merge(enCore, enPayment, enGuest, enSignIn, enMember) as unknown as EnWords;
const es = merge(esCore, esPayment, esGuest, esSignIn, esMember) as unknown as EnWords;

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
