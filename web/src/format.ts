import { formatMoney } from '@domain/money';

export type Lang = 'en' | 'es';

export function localeOf(lang: string): string {
  return lang.startsWith('es') ? 'es-US' : 'en-US';
}

export function langOf(lang: string): Lang {
  return lang.startsWith('es') ? 'es' : 'en';
}

export function money(cents: number, lang: string, currency = 'USD'): string {
  return formatMoney(cents, localeOf(lang), currency);
}

/** Formats a calendar date ('YYYY-MM-DD') without letting the viewer's time zone move it a day. */
export function formatDate(isoDate: string, lang: string, style: 'long' | 'medium' = 'long'): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  if (!y || !m || !d) return isoDate;
  return new Intl.DateTimeFormat(localeOf(lang), { dateStyle: style, timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

export function formatDateTime(iso: string, lang: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(localeOf(lang), { dateStyle: 'long', timeStyle: 'short' }).format(date);
}

/** 'Visa, Mastercard, and Discover' (or '…, or Discover') in the page's language. */
export function formatList(
  items: string[],
  lang: string,
  type: 'conjunction' | 'disjunction' = 'conjunction',
): string {
  return new Intl.ListFormat(localeOf(lang), { type, style: 'long' }).format(items);
}

/** Today's calendar date in the viewer's time zone, as 'YYYY-MM-DD'. */
export function todayIso(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
