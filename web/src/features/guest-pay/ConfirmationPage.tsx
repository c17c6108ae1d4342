import type { PaymentView } from '@contract/payments/payments.schema';
import { type FormEvent, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, isApiError } from '../../api';
import { Button } from '../../components/Button';
import { ErrorSummary } from '../../components/ErrorSummary';
import { EmailInput } from '../../components/Field';
import { Page } from '../../components/Page';
import { useEmailAnswer } from '../../components/useEmailAnswer';
import { useFormErrors } from '../../components/useFormErrors';
import { langOf } from '../../format';
import {
  ConfirmationPanel,
  PaymentOutcome,
  PaymentReceivedDetails,
  receiptFilename,
  usePayment,
} from '../payment/Confirmation';
import { refreshPayment, resetJourney, updateJourney, useJourney } from './journey';
import { useSessionExpiry } from './session';

function ReceiptEmailForm({ payment, token }: { payment: PaymentView; token: string }) {
  const { t, i18n } = useTranslation();
  const onExpired = useSessionExpiry();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useFormErrors();
  const { email, setEmail, busy, setBusy, begin } = useEmailAnswer(form.setErrors, 'receipt-email', {
    required: 'confirmation.errors.emailRequired',
    format: 'confirmation.errors.emailFormat',
  });

  async function submit(e: FormEvent) {
    const value = begin(e);
    if (value === null) return;
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
        <EmailInput
          id="receipt-email"
          label={t('confirmation.emailLabel')}
          hint={t('confirmation.emailHint')}
          error={form.fieldError('receipt-email')}
          value={email}
          onValue={setEmail}
        />
        <Button variant="secondary" busy={busy}>
          {t('confirmation.emailButton')}
        </Button>
      </form>
    </section>
  );
}

const keepFetched = (payment: PaymentView) =>
  updateJourney((j) => ({ ...j, payments: [...(j.payments ?? []), payment] }));

export function ConfirmationPage() {
  const { paymentId = '' } = useParams();
  const journey = useJourney();
  const onExpired = useSessionExpiry();
  const stored = journey.payments?.find((p) => p.id === paymentId);
  const token = journey.session?.token ?? null;
  // Unknown here (another tab, or storage cleared): ask the API while the session lasts.
  const fetchPayment = useMemo(
    () => (token ? async (id: string) => (await api.payment(token, id)).data : null),
    [token],
  );
  const { notFound } = usePayment(paymentId, stored, {
    fetch: fetchPayment,
    onFetched: keepFetched,
    onRefreshed: refreshPayment,
    onExpired,
  });
  return (
    <PaymentOutcome payment={stored} notFound={notFound} tryAgainTo="/pay/bills">
      {(payment) => <PaymentReceived payment={payment} token={token} />}
    </PaymentOutcome>
  );
}

function PaymentReceived({ payment, token }: { payment: PaymentView; token: string | null }) {
  const { t, i18n } = useTranslation();
  const onExpired = useSessionExpiry();
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState(false);

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

  return (
    <Page title={t('confirmation.title')}>
      <ConfirmationPanel title={t('confirmation.title')} number={payment.confirmationNumber} />
      <p className="lead">
        {payment.receiptEmail
          ? t('confirmation.emailedTo', { email: payment.receiptEmail })
          : t('confirmation.keepNumber')}
      </p>

      <PaymentReceivedDetails payment={payment} />

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
