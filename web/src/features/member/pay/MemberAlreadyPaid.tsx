import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AlreadyPaidPage } from '../../payment/AlreadyPaidPage';
import { AlreadyScheduled } from '../scheduled/AlreadyScheduled';
import { lastMemberPayment, lastScheduledPayment, useMemberPay } from './journey';

/** What Back to a payment page shows once that payment went through (or was scheduled): never the form again. */
export function MemberAlreadyPaid() {
  const { t } = useTranslation();
  const journey = useMemberPay();
  const payment = lastMemberPayment(journey);
  const scheduled = lastScheduledPayment(journey);
  if (scheduled && (journey.last === 'scheduled' || !payment))
    return <AlreadyScheduled scheduled={scheduled} />;
  if (!payment) return null;
  return (
    <AlreadyPaidPage payment={payment} confirmationTo={`/account/pay/confirmation/${payment.id}`}>
      <Link to="/account" className="link-button">
        {t('accountPay.back')}
      </Link>
    </AlreadyPaidPage>
  );
}
