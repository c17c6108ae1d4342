import type { ScheduledPaymentView } from '@contract/scheduled/scheduled.schema';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { Page } from '../../../components/Page';
import { changeDeadlineDate, dayAndDate } from './dates';
import {
  amountOnDate,
  BillsText,
  isUpcoming,
  MethodText,
  ScheduledNoticeBanner,
  scheduledPath,
  useScheduledNotice,
  useScheduledPayments,
} from './shared';

const STATUS_TAG: Record<ScheduledPaymentView['status'], string> = {
  scheduled: 'tag tag--default',
  processing: 'tag tag--default',
  paid: 'tag',
  failed: 'tag tag--error',
  skipped: 'tag',
  canceled: 'tag',
};

function ScheduledItem({ view }: { view: ScheduledPaymentView }) {
  const { t, i18n } = useTranslation();
  const what = amountOnDate(view, i18n.language);
  const heading = t('scheduled.list.item', what);
  return (
    <li className="wallet-method scheduled-item">
      <h3 className="wallet-method__title">{heading}</h3>
      <p className="wallet-method__tags">
        <strong className={STATUS_TAG[view.status]}>{t(`scheduled.status.${view.status}`)}</strong>
      </p>
      <dl className="summary-list summary-list--compact wallet-method__facts">
        <div className="summary-row">
          <dt>{view.bills.length > 1 ? t('scheduled.facts.bills') : t('scheduled.facts.bill')}</dt>
          <dd>
            <BillsText view={view} />
          </dd>
        </div>
        <div className="summary-row">
          <dt>{t('scheduled.facts.method')}</dt>
          <dd>
            <MethodText view={view} />
          </dd>
        </div>
      </dl>
      {view.status === 'scheduled' && !view.method ? (
        <p className="wallet-method__note wallet-method__note--error">{t('scheduled.list.methodGone')}</p>
      ) : null}
      {view.outcome ? <p className="wallet-method__note">{view.outcome.message}</p> : null}
      {view.status === 'processing' ? <p>{t('scheduled.list.processing')}</p> : null}
      {view.status === 'scheduled' ? (
        view.changeableUntil ? (
          <p>
            {t('scheduled.changeUntil', { date: dayAndDate(changeDeadlineDate(view.payOn), i18n.language) })}
          </p>
        ) : (
          <p>{t('scheduled.list.tooLate')}</p>
        )
      ) : null}
      {view.status === 'scheduled' && view.changeableUntil ? (
        <ul className="wallet-method__actions">
          <li>
            <Link to={scheduledPath(view.id, 'change')}>
              {t('scheduled.list.change')}
              <span className="visually-hidden"> {t('scheduled.list.thePayment', what)}</span>
            </Link>
          </li>
          <li>
            <Link to={scheduledPath(view.id, 'cancel')}>
              {t('scheduled.list.cancel')}
              <span className="visually-hidden"> {t('scheduled.list.thePayment', what)}</span>
            </Link>
          </li>
        </ul>
      ) : null}
      {view.status === 'paid' && view.paymentId ? (
        <p>
          <Link to={`/account/pay/confirmation/${encodeURIComponent(view.paymentId)}`}>
            {t('scheduled.list.seePayment')}
            <span className="visually-hidden"> {t('scheduled.list.thePayment', what)}</span>
          </Link>
        </p>
      ) : null}
    </li>
  );
}

/** /account/scheduled-payments: payments to come (with Change and Cancel), then past ones and why. */
export function ScheduledPaymentsPage() {
  const { t } = useTranslation();
  const { list, failed, reload } = useScheduledPayments();
  const notice = useScheduledNotice();
  const title = t('scheduled.list.title');
  const upcoming = list?.filter(isUpcoming) ?? [];
  const past = list?.filter((s) => !isUpcoming(s)) ?? [];
  return (
    <Page title={title} back={<BackLink to="/account" label={t('accountPay.back')} />}>
      <ScheduledNoticeBanner notice={notice} />
      <h1 className="heading-l">{title}</h1>
      <p>{t('scheduled.list.intro')}</p>
      {list === null && failed ? (
        <div>
          <p>{t('scheduled.list.loadFailed')}</p>
          <Button type="button" onClick={reload}>
            {t('unavailable.retry')}
          </Button>
        </div>
      ) : list === null ? (
        <p className="lead" role="status">
          {t('common.loading')}
        </p>
      ) : list.length === 0 ? (
        <>
          <p className="lead">{t('scheduled.list.none')}</p>
          <p>{t('scheduled.list.noneHelp')}</p>
          <Link to="/account/pay" className="button button--secondary">
            {t('scheduled.list.pay')}
          </Link>
        </>
      ) : (
        <>
          <h2 className="heading-m">{t('scheduled.list.upcoming')}</h2>
          {upcoming.length > 0 ? (
            <ul className="list--plain wallet-list">
              {upcoming.map((s) => (
                <ScheduledItem key={s.id} view={s} />
              ))}
            </ul>
          ) : (
            <>
              <p>{t('scheduled.list.noneUpcoming')}</p>
              <p>
                <Link to="/account/pay">{t('scheduled.list.pay')}</Link>
              </p>
            </>
          )}
          {past.length > 0 ? (
            <>
              <h2 className="heading-m">{t('scheduled.list.past')}</h2>
              <ul className="list--plain wallet-list">
                {past.map((s) => (
                  <ScheduledItem key={s.id} view={s} />
                ))}
              </ul>
            </>
          ) : null}
        </>
      )}
    </Page>
  );
}
