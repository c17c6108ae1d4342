import type { PaymentView } from '@contract/payments/payments.schema';
import { isLivePaymentStatus } from '@domain/payment-rules';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Money } from '../../components/Money';
import { Page } from '../../components/Page';
import { formatDate, langOf } from '../../format';
import { NotFoundPage } from '../../pages/NotFoundPage';
import { brandLabel } from './brands';
import { declineKey } from './NewMethod';

/**
 * receipt-<confirmation>.pdf, keeping only characters every file system accepts (a Crockford check
 * symbol such as '*' is dropped; it is derived from the rest, so the name stays unique).
 */
export function receiptFilename(confirmationNumber: string): string {
  const safe = confirmationNumber.replace(/[^A-Za-z0-9-]/g, '').replace(/-+$/, '');
  return `receipt-${safe}.pdf`;
}
const POLL_MS = 3000;

/** Still being confirmed: the page asks again until it settles. */
export const isPending = (p: PaymentView) => isLivePaymentStatus(p.status);

function MethodText({ payment }: { payment: PaymentView }) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const m = payment.method;
  if (m.type === 'card')
    return <>{t('review.cardEnding', { brand: brandLabel(m.brand ?? 'unknown', lang), last4: m.last4 })}</>;
  return (
    <>
      {t(m.bankAccountType === 'savings' ? 'review.bankSavings' : 'review.bankChecking', { last4: m.last4 })}
    </>
  );
}

export function PaymentFacts({ payment }: { payment: PaymentView }) {
  const { t, i18n } = useTranslation();
  return (
    <dl className="summary-list">
      <div className="summary-row">
        <dt>{t('confirmation.amount')}</dt>
        <dd>
          <strong>
            <Money cents={payment.amountCents} />
          </strong>
        </dd>
      </div>
      <div className="summary-row">
        <dt>{t('confirmation.method')}</dt>
        <dd>
          <MethodText payment={payment} />
        </dd>
      </div>
      <div className="summary-row">
        <dt>{t('confirmation.date')}</dt>
        <dd>{formatDate(payment.paidOn, i18n.language)}</dd>
      </div>
      <div className="summary-row">
        <dt>{payment.bills.length > 1 ? t('confirmation.bills') : t('confirmation.bill')}</dt>
        <dd>
          <ul className="list list--plain">
            {payment.bills.map((b) => (
              <li key={b.billId}>
                {t(`bills.kind.${b.kind}`)} {b.number}:{' '}
                <strong>
                  <Money cents={b.amountCents} />
                </strong>
              </li>
            ))}
          </ul>
        </dd>
      </div>
    </dl>
  );
}

/** The panel at the top of the page: what happened, and the number to quote if they call. */
export function ConfirmationPanel({
  title,
  number,
  pending = false,
}: {
  title: string;
  number: string;
  pending?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div className={pending ? 'panel panel--pending' : 'panel'}>
      <h1 className="panel__title">{title}</h1>
      <div className="panel__body">
        {t('confirmation.numberIs')}
        <br />
        <strong className="confirmation-number">{number}</strong>
      </div>
    </div>
  );
}

/** Where a journey's confirmation page gets a payment it does not have yet, and keeps it. */
export interface PaymentSource {
  /** Asks the API (null: this journey cannot, e.g. the guest session has ended). */
  fetch: ((paymentId: string) => Promise<PaymentView>) | null;
  /** A payment the page did not know: kept in the journey. */
  onFetched(payment: PaymentView): void;
  /** A newer state of a payment the journey has. */
  onRefreshed(payment: PaymentView): void;
  onExpired(err: unknown): boolean;
}

/**
 * The payment a confirmation page shows: from the journey, or asked for (a bookmark, another tab);
 * while it is pending, asked again every few seconds until it settles.
 */
export function usePayment(paymentId: string, stored: PaymentView | undefined, source: PaymentSource) {
  const [notFound, setNotFound] = useState(false);
  const { fetch, onFetched, onRefreshed, onExpired } = source;
  useEffect(() => {
    if (stored || !fetch) return;
    let cancelled = false;
    fetch(paymentId)
      .then((data) => {
        if (!cancelled) onFetched(data);
      })
      .catch((err) => {
        if (cancelled || onExpired(err)) return;
        setNotFound(true);
      });
    return () => {
      cancelled = true;
    };
  }, [stored, fetch, paymentId, onFetched, onExpired]);

  const stillPending = stored ? isPending(stored) : false;
  useEffect(() => {
    if (!stillPending || !fetch) return;
    const timer = setInterval(() => {
      fetch(paymentId)
        .then(onRefreshed)
        .catch((err) => onExpired(err));
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [stillPending, fetch, paymentId, onRefreshed, onExpired]);

  return { notFound: notFound || (!stored && !fetch) };
}

/**
 * The confirmation step every journey shares: loading, not found, failed ("Try again"), pending
 * ("We are confirming your payment"); `children` renders the succeeded page, which differs.
 */
export function PaymentOutcome({
  payment,
  notFound,
  tryAgainTo,
  pendingFooter,
  children,
}: {
  payment: PaymentView | undefined;
  notFound: boolean;
  tryAgainTo: string;
  pendingFooter?: ReactNode;
  children: (payment: PaymentView) => ReactNode;
}) {
  const { t } = useTranslation();
  if (!payment) {
    if (notFound) return <NotFoundPage />;
    return (
      <Page title={t('confirmation.loading')}>
        <h1 className="heading-l">{t('confirmation.loading')}</h1>
      </Page>
    );
  }
  if (payment.status === 'failed' || payment.status === 'returned') {
    return (
      <Page title={t('confirmation.failedTitle')}>
        <h1 className="heading-l">{t('confirmation.failedTitle')}</h1>
        <p className="lead">{t(declineKey(payment.failure?.code ?? 'generic'))}</p>
        <p>
          {t('confirmation.reference')}{' '}
          <strong className="confirmation-number">{payment.confirmationNumber}</strong>
        </p>
        <Link to={tryAgainTo} className="button button--primary">
          {t('confirmation.tryAgain')}
        </Link>
      </Page>
    );
  }
  if (isPending(payment)) {
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
        {pendingFooter}
      </Page>
    );
  }
  return <>{children(payment)}</>;
}

/** The payment's details and what happens next, on every journey's "Payment received" page. */
export function PaymentReceivedDetails({ payment }: { payment: PaymentView }) {
  const { t } = useTranslation();
  return (
    <>
      <h2 className="heading-m">{t('confirmation.detailsTitle')}</h2>
      <PaymentFacts payment={payment} />

      <h2 className="heading-m">{t('confirmation.nextTitle')}</h2>
      <p>{payment.method.type === 'bank' ? t('confirmation.nextBank') : t('confirmation.nextCard')}</p>
      <p>{t('confirmation.nextQuestions')}</p>
    </>
  );
}
