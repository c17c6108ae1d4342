import { cardBrandLabel, isCardBrand } from '@domain/card-brands';
import type { TFunction } from 'i18next';

/** Brand names people know; the same in English and Spanish except for an unknown card. */
export function brandLabel(brand: string, lang: 'en' | 'es'): string {
  if (brand === 'unknown' || !isCardBrand(brand)) return lang === 'es' ? 'Tarjeta' : 'Card';
  return cardBrandLabel(brand);
}

/** "Visa ending 4242" / "Checking account ending 6789", as a payment's method is shown in lists. */
export function paidWithLabel(
  method: { type: 'card' | 'bank'; brand: string | null; last4: string },
  lang: 'en' | 'es',
  t: TFunction,
): string {
  if (method.type === 'bank') return t('account.payments.bankEnding', { last4: method.last4 });
  return t('review.cardEnding', { brand: brandLabel(method.brand ?? 'unknown', lang), last4: method.last4 });
}
