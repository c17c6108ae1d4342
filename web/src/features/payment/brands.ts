import { type CardBrand, cardBrandLabel } from '../../../../src/domain/cards';

/** Brand names people know; the same in English and Spanish except for an unknown card. */
export function brandLabel(brand: string, lang: 'en' | 'es'): string {
  if (brand === 'unknown' || !['visa', 'mastercard', 'discover', 'amex'].includes(brand)) {
    return lang === 'es' ? 'Tarjeta' : 'Card';
  }
  return cardBrandLabel(brand as CardBrand);
}
