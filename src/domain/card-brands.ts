/**
 * Card brands and the names people know them by. Kept apart from the card-number rules in
 * `cards.ts` so that a page which only names a brand (the start page's "we accept") does not
 * carry the number checks with it.
 */
export type CardBrand = 'visa' | 'mastercard' | 'discover' | 'amex' | 'unknown';

const LABELS: Record<CardBrand, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  discover: 'Discover',
  amex: 'American Express',
  unknown: 'Card',
};

export function isCardBrand(value: string): value is CardBrand {
  return Object.hasOwn(LABELS, value);
}

export function cardBrandLabel(brand: CardBrand): string {
  return LABELS[brand];
}
