import type { ScheduledPaymentView } from '@contract/scheduled/scheduled.schema';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { Page, useRefocusHeading } from '../../../components/Page';
import { useOrganization } from '../../../organization';
import { telHref } from '../RegionContacts';
import { useMemberSession } from '../session';
import { changeDeadlineDate, dayAndDate } from './dates';
import { amountOnDate, SCHEDULED_PATH, useScheduledPayment } from './shared';

export function BackToScheduled() {
  const { t } = useTranslation();
  return <BackLink to={SCHEDULED_PATH} label={t('scheduled.back')} />;
}

/**
 * It is too late to change or cancel this payment (8 pm the evening before has passed, or it ran or
 * was canceled): say so plainly, and where to go next.
 */
export function TooLateToChange({ view }: { view: ScheduledPaymentView }) {
  const { t, i18n } = useTranslation();
  const org = useOrganization();
  const session = useMemberSession();
  const region = org.regions.find((r) => r.id === session.member.regionId);
  const phone = region?.phone ?? org.support.phone;
  const title = t('scheduled.locked.title');
  return (
    <Page title={title} back={<BackToScheduled />}>
      <h1 className="heading-l">{title}</h1>
      <p className="lead">
        {view.status === 'scheduled' || view.status === 'processing'
          ? t('scheduled.locked.body', {
              ...amountOnDate(view, i18n.language),
              deadline: dayAndDate(changeDeadlineDate(view.payOn), i18n.language),
            })
          : t('scheduled.locked.bodyStatus', {
              ...amountOnDate(view, i18n.language),
              status: t(`scheduled.status.${view.status}`),
            })}
      </p>
      <p>
        {t('scheduled.locked.help')}{' '}
        <a href={telHref(phone)} className="nowrap">
          {phone}
        </a>
        .
      </p>
      <div className="button-group">
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

/**
 * Loads the scheduled payment in the address and renders `children(view, setView)` while it can still
 * be changed; otherwise a plain page saying why not.
 */
export function WithScheduledPayment({
  children,
}: {
  children: (view: ScheduledPaymentView, setView: (view: ScheduledPaymentView) => void) => ReactNode;
}) {
  const { t } = useTranslation();
  const { scheduledPaymentId = '' } = useParams();
  const { view, missing, failed, reload, setView } = useScheduledPayment(scheduledPaymentId);
  useRefocusHeading(view !== null || missing);
  if (missing) {
    const title = t('scheduled.notFound.title');
    return (
      <Page title={title} back={<BackToScheduled />}>
        <h1 className="heading-l">{title}</h1>
        <p>{t('scheduled.notFound.body')}</p>
        <Link to={SCHEDULED_PATH} className="button button--secondary">
          {t('scheduled.seeAll')}
        </Link>
      </Page>
    );
  }
  if (!view) {
    const title = failed ? t('scheduled.list.title') : t('common.loading');
    return (
      <Page title={title} back={<BackToScheduled />}>
        <h1 className="heading-l">{title}</h1>
        {failed ? (
          <div>
            <p>{t('scheduled.list.loadFailed')}</p>
            <Button type="button" onClick={reload}>
              {t('unavailable.retry')}
            </Button>
          </div>
        ) : null}
      </Page>
    );
  }
  if (view.status !== 'scheduled' || !view.changeableUntil) return <TooLateToChange view={view} />;
  return <>{children(view, setView)}</>;
}
