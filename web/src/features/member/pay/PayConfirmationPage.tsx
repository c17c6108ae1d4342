import type { PaymentView } from '@contract/payments/payments.schema';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, memberLinks } from '../../../api';
import { Button } from '../../../components/Button';
import { Page, useRefocusHeading } from '../../../components/Page';
import { langOf } from '../../../format';
import {
  ConfirmationPanel,
  PaymentOutcome,
  PaymentReceivedDetails,
  receiptFilename,
  usePayment,
} from '../../payment/Confirmation';
import { useMemberExpiry } from '../session';
import { refreshMemberPayment, updateMemberPay, useMemberPay } from './journey';

const fetchPayment = async (id: string) => (await api.memberPayment(id)).data;
const keepFetched = (payment: PaymentView) =>
  updateMemberPay((j) => ({ ...j, payments: [...(j.payments ?? []), payment] }));

/** /account/pay/confirmation/:paymentId — "Payment received", and what happens next. */
export function PayConfirmationPage() {
  const { t } = useTranslation();
  const { paymentId = '' } = useParams();
  const journey = useMemberPay();
  const onExpired = useMemberExpiry();
  const stored = journey.payments?.find((p) => p.id === paymentId);
  // Not made in this tab (a bookmark, another tab): ask the API.
  const { notFound } = usePayment(paymentId, stored, {
    fetch: fetchPayment,
    onFetched: keepFetched,
    onRefreshed: refreshMemberPayment,
    onExpired,
  });
  useRefocusHeading(Boolean(stored));
  return (
    <PaymentOutcome
      payment={stored}
      notFound={notFound}
      tryAgainTo="/account/pay"
      pendingFooter={
        <Link to="/account" className="button button--secondary">
          {t('accountPay.back')}
        </Link>
      }
    >
      {(payment) => (
        <PaymentReceived payment={payment} saved={journey.savedBy?.includes(payment.id) ?? false} />
      )}
    </PaymentOutcome>
  );
}

function PaymentReceived({ payment, saved }: { payment: PaymentView; saved: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const isBank = payment.method.type === 'bank';
  return (
    <Page title={t('confirmation.title')}>
      <ConfirmationPanel title={t('confirmation.title')} number={payment.confirmationNumber} />
      {payment.receiptEmail ? (
        <p className="lead">{t('confirmation.emailedTo', { email: payment.receiptEmail })}</p>
      ) : null}
      {saved ? (
        <p className="success-message">
          {isBank ? t('accountPay.confirmation.savedBank') : t('accountPay.confirmation.savedCard')}{' '}
          <Link to="/account/payment-methods">{t('accountPay.confirmation.seeWallet')}</Link>
        </p>
      ) : null}

      <PaymentReceivedDetails payment={payment} />

      <div className="button-group no-print">
        <a
          href={memberLinks.receiptPdf(payment.id, lang)}
          download={receiptFilename(payment.confirmationNumber)}
          className="button button--secondary"
        >
          {t('confirmation.download')}
        </a>
        <Button type="button" variant="secondary" onClick={() => window.print()}>
          {t('confirmation.print')}
        </Button>
      </div>

      <div className="button-group no-print">
        <Link to="/account" className="button button--primary">
          {t('accountPay.back')}
        </Link>
        <Link to="/account/pay" className="link-button">
          {t('common.payAnother')}
        </Link>
      </div>
    </Page>
  );
}
