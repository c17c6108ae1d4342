import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { BackLink } from '../../components/BackLink';
import { Money } from '../../components/Money';
import { Page } from '../../components/Page';
import { formatDate } from '../../format';
import { resetJourney } from '../guest-pay/journey';
import { BillTitle, useDashboard } from './DashboardPage';

/** Paying from the account is not built yet: say so plainly and offer the guest payment. */
export function PayFromAccountPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const billId = params.get('bill');
  const { data } = useDashboard();
  const bill = data?.people.flatMap((p) => p.bills).find((b) => b.id === billId);
  return (
    <Page title={t('accountPay.title')} back={<BackLink to="/account" label={t('accountPay.back')} />}>
      <h1 className="heading-l">{t('accountPay.title')}</h1>
      {bill ? (
        <div className="inset">
          <p>
            <strong>
              <BillTitle bill={bill} />
            </strong>
            <br />
            {t('accountPay.billLine', {
              patient: bill.patientName,
              date: formatDate(bill.dueDate, i18n.language),
            })}{' '}
            <Money cents={bill.balanceCents} className="strong" />
          </p>
        </div>
      ) : null}
      <p className="lead">{t('accountPay.lead')}</p>
      <p>{bill?.kind === 'premium' ? t('accountPay.needPremium') : t('accountPay.needMedical')}</p>
      <div className="button-group">
        <Link to="/pay/region" className="button button--primary" onClick={() => resetJourney()}>
          {t('accountPay.payAsGuest')}
        </Link>
        <Link to="/account" className="link-button">
          {t('accountPay.back')}
        </Link>
      </div>
    </Page>
  );
}
