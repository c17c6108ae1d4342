import type { PaymentMethodView } from '@contract/wallet/wallet.schema';
import type { TFunction } from 'i18next';
import type { TokenizedMethod } from '../../../api';
import { type Lang, localeOf } from '../../../format';
import { brandLabel } from '../../payment/brands';

/** "Visa ending in 4242", "Checking account ending in 6789". */
export function methodName(m: PaymentMethodView | TokenizedMethod, lang: Lang, t: TFunction): string {
  if (m.kind === 'card') {
    return t('review.cardEnding', { brand: brandLabel(m.brand ?? 'unknown', lang), last4: m.last4 });
  }
  const type = 'bankAccountType' in m ? m.bankAccountType : m.accountType;
  return t(type === 'savings' ? 'review.bankSavings' : 'review.bankChecking', { last4: m.last4 });
}

/** "December 2028" */
export function expiryText(m: { expMonth: number | null; expYear: number | null }, lang: Lang): string {
  if (!m.expMonth || !m.expYear) return '';
  return new Intl.DateTimeFormat(localeOf(lang), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(m.expYear, m.expMonth - 1, 1)),
  );
}

/** The saved method's name, with its nickname first when it has one. */
export function methodTitle(m: PaymentMethodView, lang: Lang, t: TFunction): string {
  const name = methodName(m, lang, t);
  return m.nickname ? `${m.nickname} – ${name}` : name;
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
