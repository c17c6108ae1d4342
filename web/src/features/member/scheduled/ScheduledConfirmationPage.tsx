import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../../api';
import { Page, useRefocusHeading } from '../../../components/Page';
import { langOf, money } from '../../../format';
import { NotFoundPage } from '../../../pages/NotFoundPage';
import { updateMemberPay, useMemberPay } from '../pay/journey';
import { useMemberExpiry, useMemberSession } from '../session';
import { methodName } from '../wallet/labels';
import { changeDeadlineDate, dayAndDate } from './dates';
import { SCHEDULED_PATH, ScheduledFacts, TextWithEmail } from './shared';

/** /account/pay/scheduled/:scheduledPaymentId — "Payment scheduled", and what happens on the day. */
export function ScheduledConfirmationPage() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const { scheduledPaymentId = '' } = useParams();
  const journey = useMemberPay();
  const session = useMemberSession();
  const onExpired = useMemberExpiry();
  const stored = journey.scheduled?.find((s) => s.id === scheduledPaymentId);
  const [notFound, setNotFound] = useState(false);

  // Not scheduled in this tab (a bookmark, another tab): ask the API.
  useEffect(() => {
    if (stored) return;
    let cancelled = false;
    api
      .scheduledPayment(scheduledPaymentId)
      .then(({ data }) => {
        if (!cancelled) updateMemberPay((j) => ({ ...j, scheduled: [...(j.scheduled ?? []), data] }));
      })
      .catch((err) => {
        if (cancelled || onExpired(err)) return;
        setNotFound(true);
      });
    return () => {
      cancelled = true;
    };
  }, [stored, scheduledPaymentId, onExpired]);

  useRefocusHeading(Boolean(stored));

  if (!stored) {
    if (notFound) return <NotFoundPage />;
    return (
      <Page title={t('scheduled.confirmation.loading')}>
        <h1 className="heading-l">{t('scheduled.confirmation.loading')}</h1>
      </Page>
    );
  }
  const view = stored;
  const amount = money(view.amountCents, i18n.language);
  const date = dayAndDate(view.payOn, i18n.language);
  const saved = journey.savedFor?.includes(view.id) ?? false;
  const isBank = view.method?.kind === 'bank';
  const title = t('scheduled.confirmation.title');
  return (
    <Page title={title}>
      <div className="panel">
        <h1 className="panel__title">{title}</h1>
        <div className="panel__body">{t('scheduled.confirmation.panel', { amount, date })}</div>
      </div>
      {view.method ? (
        <p className="lead">
          {isBank
            ? t('scheduled.confirmation.whatHappensBank', { amount, date, last4: view.method.last4 })
            : t('scheduled.confirmation.whatHappensCard', {
                amount,
                date,
                method: methodName(view.method, lang, t),
              })}
        </p>
      ) : null}
      {view.changeableUntil ? (
        <p className="lead">
          {t('scheduled.changeUntil', { date: dayAndDate(changeDeadlineDate(view.payOn), i18n.language) })}
        </p>
      ) : null}
      {saved ? (
        <p className="success-message">
          {isBank ? t('scheduled.confirmation.savedBank') : t('scheduled.confirmation.savedCard')}{' '}
          <Link to="/account/payment-methods">{t('accountPay.confirmation.seeWallet')}</Link>
        </p>
      ) : null}

      <h2 className="heading-m">{t('scheduled.confirmation.detailsTitle')}</h2>
      <ScheduledFacts view={view} />

      <h2 className="heading-m">{t('confirmation.nextTitle')}</h2>
      <p>
        <TextWithEmail i18nKey="scheduled.confirmation.receipt" email={session.member.email} />
      </p>
      <p>{t('scheduled.notTwice')}</p>

      <div className="button-group no-print">
        <Link to={SCHEDULED_PATH} className="button button--primary">
          {t('scheduled.seeAll')}
        </Link>
        <Link to="/account" className="link-button">
          {t('accountPay.back')}
        </Link>
      </div>
    </Page>
  );
}
