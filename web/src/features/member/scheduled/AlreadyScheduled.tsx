import type { ScheduledPaymentView } from '@contract/scheduled/scheduled.schema';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Page } from '../../../components/Page';
import { money } from '../../../format';
import { dayAndDate } from './dates';

/** What Back to a payment page shows once the payment was scheduled: never the form again. */
export function AlreadyScheduled({ scheduled }: { scheduled: ScheduledPaymentView }) {
  const { t, i18n } = useTranslation();
  return (
    <Page title={t('scheduled.already.title')}>
      <h1 className="heading-l">{t('scheduled.already.title')}</h1>
      <p className="lead">
        {t('scheduled.already.body', {
          amount: money(scheduled.amountCents, i18n.language),
          date: dayAndDate(scheduled.payOn, i18n.language),
        })}
      </p>
      <p>{t('alreadyPaid.noDouble')}</p>
      <div className="button-group">
        <Link to="/account/scheduled-payments" className="button button--primary">
          {t('scheduled.seeAll')}
        </Link>
        <Link to="/account" className="link-button">
          {t('accountPay.back')}
        </Link>
      </div>
    </Page>
  );
}
