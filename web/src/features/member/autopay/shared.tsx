import type { PaymentMethodView } from '@contract/wallet/wallet.schema';
import type { TFunction } from 'i18next';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type AutopayAccount, type AutopayEnrollment, type AutopayItem, autopayApi } from '../../../api';
import { type Lang, langOf, money } from '../../../format';
import { useOrganization } from '../../../organization';
import { dayAndDate } from '../scheduled/dates';
import { useMemberExpiry, useMemberSession } from '../session';
import { methodName, methodTitle } from '../wallet/labels';
// One stylesheet for every automatic-payment page (the app is one bundle, so once is enough).
import './autopay.css';

export const AUTOPAY_PATH = '/account/autopay';

export function autopayPath(accountId: string, action?: 'on' | 'turn-off'): string {
  return `${AUTOPAY_PATH}/${encodeURIComponent(accountId)}${action ? `/${action}` : ''}`;
}

/** The choices the "When?" question offers for a bill's balance: days before its due date. */
export const DAYS_BEFORE = [0, 1, 3, 5] as const;

/** Statuses of a payment still to come; the others are past runs. */
const UPCOMING: ReadonlySet<AutopayItem['status']> = new Set([
  'noticed',
  'needs_approval',
  'processing',
  'retrying',
]);

export function isUpcoming(item: AutopayItem): boolean {
  return UPCOMING.has(item.status);
}

/** Loads the member's accounts with their autopay, and the automatic payments: null while loading. */
export function useAutopay(withItems = true): {
  accounts: AutopayAccount[] | null;
  items: AutopayItem[] | null;
  failed: boolean;
  reload: () => void;
  setItems: (items: AutopayItem[]) => void;
} {
  const onExpired = useMemberExpiry();
  const [accounts, setAccounts] = useState<AutopayAccount[] | null>(null);
  const [items, setItems] = useState<AutopayItem[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the fetch on reload
  useEffect(() => {
    let cancelled = false;
    setFailed(false);
    Promise.all([
      autopayApi.overview(),
      withItems ? autopayApi.items() : Promise.resolve({ data: { items: [] as AutopayItem[] } }),
    ])
      .then(([overview, list]) => {
        if (cancelled) return;
        setAccounts(overview.data.accounts);
        setItems(list.data.items);
      })
      .catch((err) => {
        if (cancelled || onExpired(err)) return;
        setFailed(true);
      });
    return () => {
      cancelled = true;
    };
  }, [attempt, withItems, onExpired]);
  return { accounts, items, failed, reload: () => setAttempt((n) => n + 1), setItems };
}

/** "Medical bills for Lucía Hughes" / "Premiums for Lucía Hughes". */
export function accountTitle(account: Pick<AutopayAccount, 'accountKind' | 'personName'>, t: TFunction) {
  return t(`autopay.account.${account.accountKind}`, { name: account.personName }) as string;
}

/** "15th" in English, "15" in Spanish ("el día 15"). */
export function dayOfMonthText(day: number, lang: Lang): string {
  if (lang === 'es') return String(day);
  const suffix = { one: 'st', two: 'nd', few: 'rd', other: 'th', zero: 'th', many: 'th' } as const;
  return `${day}${suffix[new Intl.PluralRules('en-US', { type: 'ordinal' }).select(day)]}`;
}

type Rule = Pick<AutopayEnrollment, 'amountRule' | 'daysBeforeDue' | 'fixedAmountCents' | 'dayOfMonth'>;

/** What an enrollment pays: "The full balance of each bill" / "$50.00 each month, or less if you owe less". */
export function ruleText(e: Rule, t: TFunction, lang: Lang): string {
  return e.amountRule === 'fixed'
    ? (t('autopay.rule.fixed', { amount: money(e.fixedAmountCents ?? 0, lang) }) as string)
    : (t('autopay.rule.statementBalance') as string);
}

/** When it pays: "On the due date" / "3 days before the due date" / "On the 15th of each month". */
export function whenText(e: Rule, t: TFunction, lang: Lang): string {
  if (e.amountRule === 'fixed') {
    const day = e.dayOfMonth ?? 1;
    return t(day > 28 ? 'autopay.when.dayOfMonthShort' : 'autopay.when.dayOfMonth', {
      day: dayOfMonthText(day, lang),
    }) as string;
  }
  return e.daysBeforeDue === 0
    ? (t('autopay.when.dueDate') as string)
    : (t('autopay.when.daysBefore', { count: e.daysBeforeDue }) as string);
}

/** The phone number of the member's region (where to call to cancel a bank authorization). */
export function useRegionPhone(): string {
  const org = useOrganization();
  const session = useMemberSession();
  return unbrokenPhone(org.regions.find((r) => r.id === session.member.regionId)?.phone ?? org.support.phone);
}

/**
 * Why autopay is not offered, in the language on screen. The API answers in the browser's language
 * (Accept-Language), which need not be the one the member chose here; the organization lists the
 * explanation in both, so the one the API sent is looked up there.
 */
export function useUnavailableExplanation(availability: AutopayAccount['availability']): string | null {
  const org = useOrganization();
  const { i18n } = useTranslation();
  const text = availability.explanation;
  if (!text) return null;
  for (const r of org.regions) {
    const a = r.autopay;
    if (a.status === 'unavailable' && (a.explanation.en === text || a.explanation.es === text))
      return a.explanation[langOf(i18n.language)];
  }
  return text;
}

/** A decline code in words: "there was not enough money in the account". */
export function reasonText(code: string | null, t: TFunction): string {
  const known = [
    'insufficient_funds',
    'card_declined',
    'expired_card',
    'method_removed',
    'method_blocked',
    'processing_error',
    'invalid_account',
  ];
  return t(`autopay.items.reasons.${code && known.includes(code) ? code : 'other'}`) as string;
}

/** A phone number that never breaks at its hyphens ("1-800-555-0100"). */
export function unbrokenPhone(phone: string): string {
  return phone.replace(/-/g, '\u2011');
}

/** "visa ending in 4242" → inside a sentence: "Visa ending in 4242", "checking account ending in 6789". */
export function methodInSentence(method: PaymentMethodView, lang: Lang, t: TFunction): string {
  const name = methodName(method, lang, t);
  return method.kind === 'bank' ? name.charAt(0).toLowerCase() + name.slice(1) : name;
}

/** "$123.06 on Saturday, November 28, 2026" */
export function amountOnDate(cents: number, isoDate: string, lang: string) {
  return { amount: money(cents, lang), date: dayAndDate(isoDate, lang) };
}

/** "On", "Paused" or "Off", as a tag in words (never colour alone). */
export function StatusTag({ enrollment }: { enrollment: AutopayEnrollment | null }) {
  const { t } = useTranslation();
  const status =
    enrollment?.status === 'active' || enrollment?.status === 'paused' ? enrollment.status : 'off';
  const className =
    status === 'active' ? 'tag tag--default' : status === 'paused' ? 'tag tag--warning' : 'tag';
  return (
    <strong className={className}>
      <span className="visually-hidden">{t('autopay.status.label')} </span>
      {t(`autopay.status.${status}`)}
    </strong>
  );
}

/** What, when, from which method, the limit and the reminders of an enrollment. */
export function EnrollmentFacts({
  enrollment,
  compact = false,
}: {
  enrollment: AutopayEnrollment;
  compact?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  return (
    <dl className={compact ? 'summary-list summary-list--compact' : 'summary-list'}>
      <div className="summary-row">
        <dt>{t('autopay.facts.pays')}</dt>
        <dd>{ruleText(enrollment, t, lang)}</dd>
      </div>
      <div className="summary-row">
        <dt>{t('autopay.facts.when')}</dt>
        <dd>{whenText(enrollment, t, lang)}</dd>
      </div>
      <div className="summary-row">
        <dt>{t('autopay.facts.method')}</dt>
        <dd>
          {enrollment.method
            ? methodTitle(enrollment.method, lang, t)
            : t(enrollment.setUpByYou ? 'autopay.methodRemoved' : 'autopay.methodOfAnother')}
        </dd>
      </div>
      <div className="summary-row">
        <dt>{t('autopay.facts.limit')}</dt>
        <dd>
          {enrollment.maxChargeCents === null
            ? t('autopay.limit.none')
            : t('autopay.limit.some', { amount: money(enrollment.maxChargeCents, lang) })}
        </dd>
      </div>
      <div className="summary-row">
        <dt>{t('autopay.facts.notices')}</dt>
        <dd>{enrollment.notifyByText ? t('autopay.notices.emailAndText') : t('autopay.notices.email')}</dd>
      </div>
    </dl>
  );
}

/** A bank enrollment: when it was authorized, under which version, and how to cancel it. */
export function BankAuthorizationNote({
  enrollment,
  level = 3,
}: {
  enrollment: AutopayEnrollment;
  level?: 2 | 3;
}) {
  const { t, i18n } = useTranslation();
  const phone = useRegionPhone();
  const auth = enrollment.bankAuthorization;
  if (!auth) return null;
  const Heading = level === 2 ? 'h2' : 'h3';
  const accepted = new Date(auth.acceptedAt);
  const date = Number.isNaN(accepted.getTime())
    ? auth.acceptedAt
    : new Intl.DateTimeFormat(i18n.language.startsWith('es') ? 'es-US' : 'en-US', {
        dateStyle: 'long',
      }).format(accepted);
  return (
    <div className="autopay-authorization">
      <Heading className="heading-s">{t('autopay.facts.authorization')}</Heading>
      <p>{t('autopay.bankAuthorization', { date, version: auth.textVersion })}</p>
      <p>{t('autopay.howToRevoke', { phone })}</p>
    </div>
  );
}

/** A paused enrollment: why, and how to turn it back on. */
export function PausedWarning({
  enrollment,
  fixLink,
}: {
  enrollment: AutopayEnrollment;
  fixLink?: ReactNode;
}) {
  const { t } = useTranslation();
  const reason =
    enrollment.pausedReason === 'repeated_failure' ||
    enrollment.pausedReason === 'hard_decline' ||
    enrollment.pausedReason === 'method_removed' ||
    enrollment.pausedReason === 'bank_returned'
      ? enrollment.pausedReason
      : 'other';
  return (
    <div className="autopay-warning">
      <p className="autopay-warning__title">
        <span className="autopay-warning__icon" aria-hidden="true">
          !
        </span>
        <strong>{t('autopay.paused.title')}</strong>
      </p>
      <p>{t(`autopay.paused.${reason}`)}</p>
      <p>{t('autopay.paused.noCharges')}</p>
      {fixLink}
    </div>
  );
}
