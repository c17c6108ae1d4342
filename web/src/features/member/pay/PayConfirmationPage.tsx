import type { PaymentView } from '@contract/payments/payments.schema';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, memberLinks } from '../../../api';
import { Button } from '../../../components/Button';
import { Page, useRefocusHeading } from '../../../components/Page';
import { langOf } from '../../../format';
import { NotFoundPage } from '../../../pages/NotFoundPage';
import { ConfirmationPanel, PaymentFacts, receiptFilename } from '../../guest-pay/ConfirmationPage';
import { declineKey } from '../../payment/NewMethod';
import { useMemberExpiry } from '../session';
import { refreshMemberPayment, updateMemberPay, useMemberPay } from './journey';

const POLL_MS = 3000;
const pending = (p: PaymentView) =>
  p.status === 'pending' || p.status === 'processing' || p.status === 'unknown';

/** /account/pay/confirmation/:paymentId — "Payment received", and what happens next. */
export function PayConfirmationPage() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const { paymentId = '' } = useParams();
  const journey = useMemberPay();
  const onExpired = useMemberExpiry();
  const stored = journey.payments?.find((p) => p.id === paymentId);
  const [notFound, setNotFound] = useState(false);

  // Not made in this tab (a bookmark, another tab): ask the API.
  useEffect(() => {
    if (stored) return;
    let cancelled = false;
    api
      .memberPayment(paymentId)
      .then(({ data }) => {
        if (!cancelled) updateMemberPay((j) => ({ ...j, payments: [...(j.payments ?? []), data] }));
      })
      .catch((err) => {
        if (cancelled || onExpired(err)) return;
        setNotFound(true);
      });
    return () => {
      cancelled = true;
    };
  }, [stored, paymentId, onExpired]);

  // "We are confirming your payment": ask again every few seconds until it settles.
  const stillPending = stored ? pending(stored) : false;
  useEffect(() => {
    if (!stillPending) return;
    const timer = setInterval(() => {
      api
        .memberPayment(paymentId)
        .then(({ data }) => refreshMemberPayment(data))
        .catch((err) => onExpired(err));
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [stillPending, paymentId, onExpired]);

  useRefocusHeading(Boolean(stored));

  if (!stored) {
    if (notFound) return <NotFoundPage />;
    return (
      <Page title={t('confirmation.loading')}>
        <h1 className="heading-l">{t('confirmation.loading')}</h1>
      </Page>
    );
  }
  const payment = stored;

  if (payment.status === 'failed' || payment.status === 'returned') {
    return (
      <Page title={t('confirmation.failedTitle')}>
        <h1 className="heading-l">{t('confirmation.failedTitle')}</h1>
        <p className="lead">{t(declineKey(payment.failure?.code ?? 'generic'))}</p>
        <p>
          {t('confirmation.reference')}{' '}
          <strong className="confirmation-number">{payment.confirmationNumber}</strong>
        </p>
        <Link to="/account/pay" className="button button--primary">
          {t('confirmation.tryAgain')}
        </Link>
      </Page>
    );
  }

  if (pending(payment)) {
    return (
      <Page title={t('confirmation.pendingTitle')}>
        <ConfirmationPanel
          title={t('confirmation.pendingTitle')}
          number={payment.confirmationNumber}
          pending
        />
        <p className="lead" role="status">
          {t('confirmation.pendingBody')}
        </p>
        <p>{t('confirmation.pendingNoRetry')}</p>
        <PaymentFacts payment={payment} />
        <Link to="/account" className="button button--secondary">
          {t('accountPay.back')}
        </Link>
      </Page>
    );
  }

  const isBank = payment.method.type === 'bank';
  const saved = journey.savedBy?.includes(payment.id) ?? false;
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

      <h2 className="heading-m">{t('confirmation.detailsTitle')}</h2>
      <PaymentFacts payment={payment} />

      <h2 className="heading-m">{t('confirmation.nextTitle')}</h2>
      <p>{isBank ? t('confirmation.nextBank') : t('confirmation.nextCard')}</p>
      <p>{t('confirmation.nextQuestions')}</p>

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
