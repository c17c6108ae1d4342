import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AlreadyPaidPage } from '../payment/AlreadyPaidPage';
import { lastPayment, resetJourney, useJourney } from './journey';

/** What Back to a review or payment page shows once that payment went through: never the form again. */
export function AlreadyPaid() {
  const { t } = useTranslation();
  const payment = lastPayment(useJourney());
  if (!payment) return null;
  return (
    <AlreadyPaidPage payment={payment} confirmationTo={`/pay/confirmation/${payment.id}`}>
      <Link to="/pay/region" className="link-button" onClick={() => resetJourney()}>
        {t('common.payAnother')}
      </Link>
    </AlreadyPaidPage>
  );
}
