import type { ScheduledPaymentView } from '@contract/scheduled/scheduled.schema';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { api, isApiError } from '../../../api';
import { Email } from '../../../components/Email';
import { Money } from '../../../components/Money';
import { useApiData } from '../../../components/useApiData';
import { langOf, money } from '../../../format';
import { useMemberExpiry } from '../session';
import { methodTitle } from '../wallet/labels';
import { dayAndDate } from './dates';
// One stylesheet for every scheduled-payment page (the app is one bundle, so once is enough).
import './scheduled.css';

export const SCHEDULED_PATH = '/account/scheduled-payments';

export function scheduledPath(id: string, action?: 'change' | 'cancel'): string {
  return `${SCHEDULED_PATH}/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;
}

/** Still to come: waiting for its date, or being paid right now. */
export function isUpcoming(s: ScheduledPaymentView): boolean {
  return s.status === 'scheduled' || s.status === 'processing';
}

/** Loads the member's scheduled payments: null while loading. */
export function useScheduledPayments(): {
  list: ScheduledPaymentView[] | null;
  failed: boolean;
  reload: () => void;
} {
  const onExpired = useMemberExpiry();
  const { data, failed, reload } = useApiData(
    async () => (await api.scheduledPayments()).data.scheduledPayments,
    onExpired,
  );
  return { list: data, failed, reload };
}

/** Loads one scheduled payment: `view` null while loading; `missing` when it is not the member's. */
export function useScheduledPayment(id: string): {
  view: ScheduledPaymentView | null;
  missing: boolean;
  failed: boolean;
  reload: () => void;
  setView: (view: ScheduledPaymentView) => void;
} {
  const onExpired = useMemberExpiry();
  const [view, setView] = useState<ScheduledPaymentView | null>(null);
  const [missing, setMissing] = useState(false);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the fetch on reload
  useEffect(() => {
    let cancelled = false;
    setFailed(false);
    api
      .scheduledPayment(id)
      .then(({ data }) => {
        if (!cancelled) setView(data);
      })
      .catch((err) => {
        if (cancelled || onExpired(err)) return;
        if (isApiError(err) && (err.code === 'not_found' || err.status === 400)) setMissing(true);
        else setFailed(true);
      });
    return () => {
      cancelled = true;
    };
  }, [id, attempt, onExpired]);
  return { view, missing, failed, reload: () => setAttempt((n) => n + 1), setView };
}

/** "Visa ending in 4242", or that the method was removed from the wallet since. */
export function MethodText({ view }: { view: ScheduledPaymentView }) {
  const { t, i18n } = useTranslation();
  if (!view.method) return <>{t('scheduled.methodRemoved')}</>;
  return <>{methodTitle(view.method, langOf(i18n.language), t)}</>;
}

/** "$80.00 on Tuesday, December 1, 2026" */
export function amountOnDate(view: Pick<ScheduledPaymentView, 'amountCents' | 'payOn'>, lang: string) {
  return { amount: money(view.amountCents, lang), date: dayAndDate(view.payOn, lang) };
}

export function BillsText({ view }: { view: ScheduledPaymentView }) {
  const { t } = useTranslation();
  return (
    <ul className="list list--plain">
      {view.bills.map((b) => (
        <li key={b.billId}>
          {t(`bills.kind.${b.kind}`)} {b.number}{' '}
          <span className="secondary-text">({t('scheduled.billFor', { name: b.patientName })})</span>
        </li>
      ))}
    </ul>
  );
}

/** Amount, date, method and bills of a scheduled payment. */
export function ScheduledFacts({ view, compact = false }: { view: ScheduledPaymentView; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <dl className={compact ? 'summary-list summary-list--compact' : 'summary-list'}>
      <div className="summary-row">
        <dt>{t('scheduled.facts.amount')}</dt>
        <dd>
          <strong>
            <Money cents={view.amountCents} />
          </strong>
        </dd>
      </div>
      <div className="summary-row">
        <dt>{t('scheduled.facts.payOn')}</dt>
        <dd>{dayAndDate(view.payOn, i18n.language)}</dd>
      </div>
      <div className="summary-row">
        <dt>{t('scheduled.facts.method')}</dt>
        <dd>
          <MethodText view={view} />
        </dd>
      </div>
      <div className="summary-row">
        <dt>{view.bills.length > 1 ? t('scheduled.facts.bills') : t('scheduled.facts.bill')}</dt>
        <dd>
          <BillsText view={view} />
        </dd>
      </div>
    </dl>
  );
}

/** A sentence with the member's email address in it, which may wrap only at "@" and dots. */
export function TextWithEmail({ i18nKey, email }: { i18nKey: string; email: string }) {
  const { t } = useTranslation();
  const marker = '\u0000';
  const [before = '', after = ''] = (t(i18nKey, { email: marker }) as string).split(marker);
  return (
    <>
      {before}
      <Email address={email} />
      {after}
    </>
  );
}

/** What a change or cancel page tells the list page it did; shown there once, focused. */
export interface ScheduledNotice {
  key: string;
  amountCents: number;
  payOn: string;
}

export function useScheduledNotice(): ScheduledNotice | null {
  const location = useLocation();
  const navigate = useNavigate();
  const [notice] = useState<ScheduledNotice | null>(
    () => (location.state as { scheduledNotice?: ScheduledNotice } | null)?.scheduledNotice ?? null,
  );
  useEffect(() => {
    // A reload does not say it again.
    if ((location.state as { scheduledNotice?: ScheduledNotice } | null)?.scheduledNotice)
      navigate(`${location.pathname}${location.search}`, { replace: true, state: null });
  }, [location, navigate]);
  return notice;
}

export function ScheduledNoticeBanner({ notice }: { notice: ScheduledNotice | null }) {
  const { t, i18n } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (notice) ref.current?.focus();
  }, [notice]);
  if (!notice) return null;
  return (
    <div className="success-message scheduled-notice" role="status" tabIndex={-1} ref={ref}>
      {t(notice.key, amountOnDate(notice, i18n.language))}
    </div>
  );
}
