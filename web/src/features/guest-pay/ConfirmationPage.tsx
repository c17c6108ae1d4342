import type { PaymentView } from '@contract/payments/payments.schema';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, isApiError } from '../../api';
import { Button } from '../../components/Button';
import { ErrorSummary } from '../../components/ErrorSummary';
import { TextInput } from '../../components/Field';
import { Money } from '../../components/Money';
import { Page } from '../../components/Page';
import { useFormErrors } from '../../components/useFormErrors';
import { formatDate, langOf } from '../../format';
import { NotFoundPage } from '../../pages/NotFoundPage';
import { brandLabel } from '../payment/brands';
import { declineKey } from '../payment/NewMethod';
import { refreshPayment, resetJourney, updateJourney, useJourney } from './journey';
import { useSessionExpiry } from './session';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * receipt-<confirmation>.pdf, keeping only characters every file system accepts (a Crockford check
 * symbol such as '*' is dropped; it is derived from the rest, so the name stays unique).
 */
export function receiptFilename(confirmationNumber: string): string {
  const safe = confirmationNumber.replace(/[^A-Za-z0-9-]/g, '').replace(/-+$/, '');
  return `receipt-${safe}.pdf`;
}
const POLL_MS = 3000;
const pending = (p: PaymentView) =>
  p.status === 'pending' || p.status === 'processing' || p.status === 'unknown';

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

function ReceiptEmailForm({ payment, token }: { payment: PaymentView; token: string }) {
  const { t, i18n } = useTranslation();
  const onExpired = useSessionExpiry();
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useFormErrors();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const value = email.trim();
    if (!value) return form.setErrors([{ id: 'receipt-email', key: 'confirmation.errors.emailRequired' }]);
    if (!EMAIL.test(value) || value.length > 254)
      return form.setErrors([{ id: 'receipt-email', key: 'confirmation.errors.emailFormat' }]);
    setBusy(true);
    try {
      const { data } = await api.emailReceipt(token, payment.id, value, langOf(i18n.language));
      form.setErrors([]);
      setSentTo(data.to);
      setEmail('');
    } catch (err) {
      if (onExpired(err)) return;
      form.setErrors([
        isApiError(err) && err.code === 'validation_failed'
          ? { id: 'receipt-email', key: 'confirmation.errors.emailFormat' }
          : isApiError(err) && err.code === 'rate_limited'
            ? { id: 'receipt-email', key: 'confirmation.errors.emailRateLimited' }
            : { id: 'receipt-email', key: 'confirmation.errors.emailFailed' },
      ]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="no-print receipt-email" aria-labelledby="receipt-email-title">
      <h2 className="heading-m" id="receipt-email-title">
        {t('confirmation.emailTitle')}
      </h2>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <div role="status" className="status-region">
        {sentTo ? <p className="success-message">{t('confirmation.emailSent', { email: sentTo })}</p> : null}
      </div>
      <form onSubmit={submit} noValidate>
        <TextInput
          id="receipt-email"
          name="email"
          type="email"
          label={t('confirmation.emailLabel')}
          hint={t('confirmation.emailHint')}
          error={form.fieldError('receipt-email')}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoComplete="email"
          spellCheck={false}
        />
        <Button variant="secondary" busy={busy}>
          {t('confirmation.emailButton')}
        </Button>
      </form>
    </section>
  );
}

export function ConfirmationPage() {
  const { t, i18n } = useTranslation();
  const { paymentId = '' } = useParams();
  const journey = useJourney();
  const onExpired = useSessionExpiry();
  const stored = journey.payments?.find((p) => p.id === paymentId);
  const token = journey.session?.token ?? null;
  const [loadFailed, setLoadFailed] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState(false);

  // Unknown here (another tab, or storage cleared): ask the API while the session lasts.
  useEffect(() => {
    if (stored || !token) return;
    let cancelled = false;
    api
      .payment(token, paymentId)
      .then(({ data }) => {
        if (cancelled) return;
        updateJourney((j) => ({ ...j, payments: [...(j.payments ?? []), data] }));
      })
      .catch((err) => {
        if (cancelled || onExpired(err)) return;
        setLoadFailed(true);
      });
    return () => {
      cancelled = true;
    };
  }, [stored, token, paymentId, onExpired]);

  // "We are confirming your payment": ask again every few seconds until it settles.
  const stillPending = stored ? pending(stored) : false;
  useEffect(() => {
    if (!stillPending || !token) return;
    const timer = setInterval(() => {
      api
        .payment(token, paymentId)
        .then(({ data }) => refreshPayment(data))
        .catch((err) => onExpired(err));
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [stillPending, token, paymentId, onExpired]);

  if (!stored) {
    if (loadFailed || !token) return <NotFoundPage />;
    return (
      <Page title={t('confirmation.loading')}>
        <h1 className="heading-l">{t('confirmation.loading')}</h1>
      </Page>
    );
  }
  const payment = stored;

  async function download() {
    if (!token) return;
    setDownloading(true);
    setDownloadError(false);
    try {
      const blob = await api.receiptPdf(token, payment.id, langOf(i18n.language));
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = receiptFilename(payment.confirmationNumber);
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      if (!onExpired(err)) setDownloadError(true);
    } finally {
      setDownloading(false);
    }
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
        <Link to="/pay/bills" className="button button--primary">
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
      </Page>
    );
  }

  const isBank = payment.method.type === 'bank';
  return (
    <Page title={t('confirmation.title')}>
      <ConfirmationPanel title={t('confirmation.title')} number={payment.confirmationNumber} />
      <p className="lead">
        {payment.receiptEmail
          ? t('confirmation.emailedTo', { email: payment.receiptEmail })
          : t('confirmation.keepNumber')}
      </p>

      <h2 className="heading-m">{t('confirmation.detailsTitle')}</h2>
      <PaymentFacts payment={payment} />

      <h2 className="heading-m">{t('confirmation.nextTitle')}</h2>
      <p>{isBank ? t('confirmation.nextBank') : t('confirmation.nextCard')}</p>
      <p>{t('confirmation.nextQuestions')}</p>

      <div className="button-group no-print">
        <Button type="button" variant="secondary" onClick={() => window.print()}>
          {t('confirmation.print')}
        </Button>
        {token ? (
          <Button type="button" variant="secondary" onClick={download} busy={downloading}>
            {t('confirmation.download')}
          </Button>
        ) : null}
      </div>
      {downloadError ? (
        <p className="error-message" role="alert">
          {t('confirmation.downloadFailed')}
        </p>
      ) : null}

      {token ? <ReceiptEmailForm payment={payment} token={token} /> : null}

      <div className="button-group no-print">
        <Link to="/pay/region" className="button button--primary" onClick={() => resetJourney()}>
          {t('common.payAnother')}
        </Link>
        <Link to="/pay/finish" className="link-button">
          {t('common.finish')}
        </Link>
      </div>
    </Page>
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
