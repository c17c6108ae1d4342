import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Page } from '../../../components/Page';
import { formatDate, money } from '../../../format';
import { AlreadyScheduled } from '../scheduled/AlreadyScheduled';
import { lastMemberPayment, lastScheduledPayment, useMemberPay } from './journey';

/** What Back to a payment page shows once that payment went through (or was scheduled): never the form again. */
export function MemberAlreadyPaid() {
  const { t, i18n } = useTranslation();
  const journey = useMemberPay();
  const payment = lastMemberPayment(journey);
  const scheduled = lastScheduledPayment(journey);
  if (scheduled && (journey.last === 'scheduled' || !payment))
    return <AlreadyScheduled scheduled={scheduled} />;
  if (!payment) return null;
  return (
    <Page title={t('alreadyPaid.title')}>
      <h1 className="heading-l">{t('alreadyPaid.title')}</h1>
      <p className="lead">
        {t('alreadyPaid.body', {
          amount: money(payment.amountCents, i18n.language),
          date: formatDate(payment.paidOn, i18n.language),
        })}
      </p>
      <p>
        {t('alreadyPaid.confirmation')}{' '}
        <strong className="confirmation-number">{payment.confirmationNumber}</strong>
      </p>
      <p>{t('alreadyPaid.noDouble')}</p>
      <div className="button-group">
        <Link to={`/account/pay/confirmation/${payment.id}`} className="button button--primary">
          {t('alreadyPaid.viewConfirmation')}
        </Link>
        <Link to="/account" className="link-button">
          {t('accountPay.back')}
        </Link>
      </div>
    </Page>
  );
}
