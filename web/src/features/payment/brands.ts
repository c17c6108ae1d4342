import { cardBrandLabel, isCardBrand } from '@domain/card-brands';

/** Brand names people know; the same in English and Spanish except for an unknown card. */
export function brandLabel(brand: string, lang: 'en' | 'es'): string {
  if (brand === 'unknown' || !isCardBrand(brand)) return lang === 'es' ? 'Tarjeta' : 'Card';
  return cardBrandLabel(brand);
}
